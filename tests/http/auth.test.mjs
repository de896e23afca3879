// Accounts and tokens: registration, login, /users/me, token validation, CLI-made admins.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before } from 'node:test';

import {
  assertNoSecrets, b64url, decodeJwt, expectProblem, kRfc3339, kUuidV7, uniqueEmail,
} from './lib/client.mjs';
import { sleep, startServer, test } from './lib/server.mjs';

let server;
let shortTtl;

before(async () => {
  [server, shortTtl] = await Promise.all([
    startServer(),
    startServer({ args: ['--token-ttl', '1s'] }),
  ]);
});

after(async () => {
  await Promise.allSettled([server?.close(), shortTtl?.close()]);
});

function assertUser(user, { email, role, displayName }) {
  assert.match(user.id, kUuidV7);
  assert.equal(user.email, email);
  assert.equal(user.role, role);
  if (displayName !== undefined) assert.equal(user.displayName, displayName);
  assert.match(user.createdAt, kRfc3339);
  assert.match(user.updatedAt, kRfc3339);
}

async function expectUnauthorized(res, detailIncludes) {
  expectProblem(res, 401, { detailIncludes });
  const challenge = res.headers.get('www-authenticate');
  assert.ok(challenge, `401 needs WWW-Authenticate: ${res.text}`);
  assert.match(challenge, /^Bearer\b/i);
}

test('register a listener and an artist: 201 with user, token and no secrets', async () => {
  for (const role of ['listener', 'artist']) {
    const email = uniqueEmail(role);
    const res = await server.api('POST', '/api/v1/auth/register', {
      json: { email, password: 'correct-horse-battery', displayName: `The ${role}`, role },
    });
    assert.equal(res.status, 201, res.text);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    assertUser(res.json.user, { email, role, displayName: `The ${role}` });
    assert.equal(res.json.tokenType, 'Bearer');
    assert.equal(typeof res.json.accessToken, 'string');
    assert.equal(typeof res.json.expiresIn, 'number');
    assert.ok(res.json.expiresIn > 0);
    assertNoSecrets(res.json, 'register response');
    assert.ok(!res.text.includes('correct-horse-battery'), 'the password is echoed back');

    const claims = decodeJwt(res.json.accessToken);
    assert.equal(claims.header.alg, 'HS256');
    assert.equal(claims.payload.iss, 'cadenza');
    assert.equal(claims.payload.sub, res.json.user.id);
    assert.equal(claims.payload.role, role);
    for (const claim of ['iat', 'exp', 'jti']) assert.ok(claims.payload[claim] !== undefined, claim);

    const login = await server.login(email, 'correct-horse-battery');
    assert.equal(login.status, 200, login.text);
    assertUser(login.json.user, { email, role });
    assert.equal(login.json.user.id, res.json.user.id);
    assert.equal(login.json.tokenType, 'Bearer');
    assertNoSecrets(login.json, 'login response');

    const me = await server.api('GET', '/api/v1/users/me', { token: login.json.accessToken });
    assert.equal(me.status, 200, me.text);
    assert.deepEqual(me.json, res.json.user);
    assertNoSecrets(me.json, '/users/me');
  }
});

test('PATCH /users/me keeps Unicode byte-exact, trims ASCII whitespace, refuses control chars', async () => {
  const u = await server.registerUser('listener');
  const name = 'Björk 🎵 東京';
  const res = await server.api('PATCH', '/api/v1/users/me', { token: u.token, json: { displayName: name } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.displayName, name);
  assert.deepEqual(Buffer.from(res.json.displayName, 'utf8'), Buffer.from(name, 'utf8'));
  assertNoSecrets(res.json);
  const me = await server.api('GET', '/api/v1/users/me', { token: u.token });
  assert.equal(me.json.displayName, name);
  assert.ok(me.bytes.includes(Buffer.from(name, 'utf8')) || me.text.includes(name),
    'the name survives the round trip');

  const trimmed = await server.api('PATCH', '/api/v1/users/me', {
    token: u.token, json: { displayName: ' \t Ünïcode name \n' },
  });
  assert.equal(trimmed.status, 200, trimmed.text);
  assert.equal(trimmed.json.displayName, 'Ünïcode name');

  const control = await server.api('PATCH', '/api/v1/users/me', {
    token: u.token, json: { displayName: 'bad\u0001name' },
  });
  expectProblem(control, 400, { field: 'displayName' });
});

test('password change needs the current password', async () => {
  const u = await server.registerUser('listener');
  const without = await server.api('PATCH', '/api/v1/users/me', {
    token: u.token, json: { password: 'a-brand-new-password' },
  });
  const body = expectProblem(without, [400, 401, 403]);
  if (without.status === 400) assert.equal(body.field, 'currentPassword');

  const wrong = await server.api('PATCH', '/api/v1/users/me', {
    token: u.token, json: { password: 'a-brand-new-password', currentPassword: 'not-the-password' },
  });
  expectProblem(wrong, [400, 401, 403]);
  assert.equal((await server.login(u.email, u.password)).status, 200, 'refused changes keep the old password');

  const ok = await server.api('PATCH', '/api/v1/users/me', {
    token: u.token, json: { password: 'a-brand-new-password', currentPassword: u.password },
  });
  assert.equal(ok.status, 200, ok.text);
  assertNoSecrets(ok.json);
  expectProblem(await server.login(u.email, u.password), 401);
  assert.equal((await server.login(u.email, 'a-brand-new-password')).status, 200);
});

test('registration refusals: duplicate email (any case), admin role, weak password, bad email', async () => {
  const base = uniqueEmail('dup');
  const mixed = base.replace(/^dup/, 'DuP').replace('example.com', 'Example.COM');
  const first = await server.api('POST', '/api/v1/auth/register', {
    json: { email: base, password: 'correct-horse-battery', displayName: 'First', role: 'listener' },
  });
  assert.equal(first.status, 201, first.text);
  const dup = await server.api('POST', '/api/v1/auth/register', {
    json: { email: mixed, password: 'correct-horse-battery', displayName: 'Second', role: 'artist' },
  });
  expectProblem(dup, 409);

  const admin = await server.api('POST', '/api/v1/auth/register', {
    json: { email: uniqueEmail('admin'), password: 'correct-horse-battery', displayName: 'A', role: 'admin' },
  });
  expectProblem(admin, [400, 403]);

  const weak = await server.api('POST', '/api/v1/auth/register', {
    json: { email: uniqueEmail('weak'), password: 'short', displayName: 'W', role: 'listener' },
  });
  expectProblem(weak, 400, { field: 'password' });

  const badEmail = await server.api('POST', '/api/v1/auth/register', {
    json: { email: 'not-an-email', password: 'correct-horse-battery', displayName: 'B', role: 'listener' },
  });
  expectProblem(badEmail, 400, { field: 'email' });
});

test('unknown email and wrong password look the same', async () => {
  const u = await server.registerUser('listener');
  const unknown = await server.login(uniqueEmail('nobody'), 'correct-horse-battery');
  const wrong = await server.login(u.email, 'wrong-password-123');
  const a = expectProblem(unknown, 401);
  const b = expectProblem(wrong, 401);
  assert.equal(a.detail, b.detail);
  assert.equal(a.title, b.title);
  assert.match(a.detail, /email or password is incorrect/i);
});

test('missing, garbage, alg-none, other-alg and tampered tokens get 401', async () => {
  const u = await server.registerUser('artist');
  await expectUnauthorized(await server.api('GET', '/api/v1/users/me'));
  await expectUnauthorized(await server.api('GET', '/api/v1/users/me', {
    headers: { authorization: 'Bearer garbage' },
  }));
  await expectUnauthorized(await server.api('GET', '/api/v1/users/me', {
    headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
  }));

  const { payload, signature } = decodeJwt(u.token);
  const [h, p] = u.token.split('.');
  const none = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${p}.`;
  await expectUnauthorized(await server.api('GET', '/api/v1/users/me', { token: none }));
  const noneWithSig = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${p}.${signature}`;
  await expectUnauthorized(await server.api('GET', '/api/v1/users/me', { token: noneWithSig }));

  // HS512 over the same claims with a key the server cannot know.
  const hs512Head = b64url(JSON.stringify({ alg: 'HS512', typ: 'JWT' }));
  const hs512Sig = createHmac('sha512', 'guess').update(`${hs512Head}.${p}`).digest('base64url');
  await expectUnauthorized(await server.api('GET', '/api/v1/users/me', { token: `${hs512Head}.${p}.${hs512Sig}` }));

  const promoted = b64url(JSON.stringify({ ...payload, role: 'admin' }));
  await expectUnauthorized(await server.api('GET', '/api/v1/users/me', { token: `${h}.${promoted}.${signature}` }));

  const later = b64url(JSON.stringify({ ...payload, exp: payload.exp + 86400 }));
  await expectUnauthorized(await server.api('GET', '/api/v1/users/me', { token: `${h}.${later}.${signature}` }));

  // The untouched token still works, so the refusals above are about the changes.
  assert.equal((await server.api('GET', '/api/v1/users/me', { token: u.token })).status, 200);
});

test('an expired token gets 401 mentioning expiry', async () => {
  const u = await shortTtl.registerUser('listener');
  assert.ok(u.body.expiresIn <= 1, `expiresIn follows --token-ttl: ${u.body.expiresIn}`);
  await sleep(2500);
  await expectUnauthorized(await shortTtl.api('GET', '/api/v1/users/me', { token: u.token }), 'expired');
  const fresh = await shortTtl.login(u.email, u.password);
  assert.equal(fresh.status, 200, fresh.text);
});

test('DELETE /users/me: 204, then the token and the login stop working', async () => {
  const u = await server.registerUser('artist');
  const artist = await server.createArtist(u.token);
  const del = await server.api('DELETE', '/api/v1/users/me', { token: u.token });
  assert.equal(del.status, 204, del.text);
  assert.equal(del.bytes.length, 0);
  await expectUnauthorized(await server.api('GET', '/api/v1/users/me', { token: u.token }));
  expectProblem(await server.login(u.email, u.password), 401);
  // Everything the account owned went with it.
  const other = await server.registerUser('listener');
  expectProblem(await server.api('GET', `/api/v1/artists/${artist.id}`, { token: other.token }), 404);
  // The email is free again.
  const again = await server.api('POST', '/api/v1/auth/register', {
    json: { email: u.email, password: 'correct-horse-battery', displayName: 'Again', role: 'listener' },
  });
  assert.equal(again.status, 201, again.text);
});

test('an admin made with the CLI can change and delete other accounts\' catalogue', async () => {
  const admin = await server.createAdmin();
  assert.equal(admin.user.role, 'admin');
  const me = await server.api('GET', '/api/v1/users/me', { token: admin.token });
  assert.equal(me.status, 200);
  assert.equal(me.json.role, 'admin');

  const owner = await server.registerUser('artist');
  const artist = await server.createArtist(owner.token);
  const album = await server.createAlbum(owner.token, artist.id);
  const stranger = await server.registerUser('artist');
  expectProblem(await server.api('DELETE', `/api/v1/albums/${album.id}`, { token: stranger.token }), 403);

  const patch = await server.api('PATCH', `/api/v1/artists/${artist.id}`, {
    token: admin.token, json: { name: 'Renamed by admin' },
  });
  assert.equal(patch.status, 200, patch.text);
  assert.equal(patch.json.name, 'Renamed by admin');
  assert.equal(patch.json.ownerId, owner.user.id, 'an admin edit keeps the owner');
  const del = await server.api('DELETE', `/api/v1/albums/${album.id}`, { token: admin.token });
  assert.equal(del.status, 200, del.text);
  assert.deepEqual(del.json, { id: album.id });
  expectProblem(await server.api('GET', `/api/v1/albums/${album.id}`, { token: owner.token }), 404);
});

test('`cadenza user disable` makes the account\'s token fail; enable restores login', async () => {
  const u = await server.registerUser('listener');
  assert.equal((await server.api('GET', '/api/v1/users/me', { token: u.token })).status, 200);
  const list = await server.cli(['user', 'list']);
  assert.equal(list.code, 0, list.stderr);
  assert.ok(list.stdout.includes(u.email), 'user list shows the account');

  const off = await server.cli(['user', 'disable', u.email]);
  assert.equal(off.code, 0, `${off.stdout}\n${off.stderr}`);
  await expectUnauthorized(await server.api('GET', '/api/v1/users/me', { token: u.token }));
  const login = await server.login(u.email, u.password);
  assert.notEqual(login.status, 200, 'a disabled account cannot log in');
  expectProblem(login, [401, 403]);

  const on = await server.cli(['user', 'enable', u.user.id]);
  assert.equal(on.code, 0, `${on.stdout}\n${on.stderr}`);
  const back = await server.login(u.email, u.password);
  assert.equal(back.status, 200, back.text);
  assert.equal((await server.api('GET', '/api/v1/users/me', { token: back.json.accessToken })).status, 200);
});
