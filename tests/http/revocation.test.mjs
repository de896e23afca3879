// Credentials that can be revoked, and abuse of login and sign-up, attacked over HTTP: tokens
// and media URLs issued before a password change, an account deletion or `cadenza user
// disable` stop working; an email change needs the current password; repeated wrong passwords
// (per account, per address) and repeated sign-ups (per address) get 429 with Retry-After;
// responses carrying tokens or personal data are never stored by caches.
// A role change (`cadenza user role`) revokes the same way.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { uniqueStereoWav } from './lib/audio.mjs';
import { expectProblem, uniqueEmail } from './lib/client.mjs';
import { startServer, test, waitForStatus } from './lib/server.mjs';

let server;
let track;  // a ready track of an artist, streamed by the listeners below

before(async () => {
  server = await startServer();
  const artist = await server.registerUser('artist');
  const band = await server.createArtist(artist.token);
  const album = await server.createAlbum(artist.token, band.id);
  const wav = uniqueStereoWav({ seconds: 1, sampleRate: 44100 });
  ({ track } = await server.uploadTrack(artist.token, album.id, wav));
  await waitForStatus(server, artist.token, track.id, 'ready', 90_000);
});

after(async () => { await server?.close(); });

// A media URL (the HLS master) issued to `token`, checked to work now.
async function mediaUrl(token) {
  const res = await server.api('GET', `/api/v1/tracks/${track.id}/stream`, { token });
  assert.equal(res.status, 200, res.text);
  const master = await server.api('GET', res.json.hls);
  assert.equal(master.status, 200, `the fresh media URL works: ${master.text}`);
  return res.json.hls;
}

function expectNoStore(res, what) {
  assert.equal(res.headers.get('cache-control'), 'no-store', `${what}: Cache-Control`);
}

async function me(token) {
  return server.api('GET', '/api/v1/users/me', { token });
}

test('a password change revokes every earlier token and media URL; the caller gets a new token', async () => {
  const u = await server.registerUser('listener');
  const tokenA = u.token;
  const tokenB = (await server.login(u.email, u.password)).json.accessToken;
  const oldMedia = await mediaUrl(tokenA);

  const change = await server.api('PATCH', '/api/v1/users/me', {
    token: tokenA, json: { password: 'a-brand-new-password', currentPassword: u.password },
  });
  assert.equal(change.status, 200, change.text);
  expectNoStore(change, 'PATCH /users/me');
  assert.equal(change.json.id, u.user.id);
  assert.equal(change.json.tokenType, 'Bearer');
  assert.equal(typeof change.json.accessToken, 'string');
  assert.ok(change.json.expiresIn > 0);

  for (const [name, token] of [['A', tokenA], ['B', tokenB]]) {
    const res = await me(token);
    expectProblem(res, 401, { detailIncludes: 'revoked' });
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/, `token ${name}`);
  }
  const fresh = await me(change.json.accessToken);
  assert.equal(fresh.status, 200, fresh.text);
  assert.equal(fresh.json.id, u.user.id);

  expectProblem(await server.api('GET', oldMedia), 403, { detailIncludes: 'revoked' });
  await mediaUrl(change.json.accessToken);
});

test('DELETE /users/me: the old token and a media URL issued before are refused', async () => {
  const u = await server.registerUser('listener');
  const media = await mediaUrl(u.token);
  const gone = await server.api('DELETE', '/api/v1/users/me', { token: u.token });
  assert.equal(gone.status, 204, gone.text);
  expectProblem(await me(u.token), 401, { detailIncludes: 'no longer exists' });
  expectProblem(await server.api('GET', media), 403, { detailIncludes: 'no longer exists' });
});

test('`cadenza user disable`: token and media URL refused, and they stay dead after enable', async () => {
  const u = await server.registerUser('listener');
  const media = await mediaUrl(u.token);
  const off = await server.cli(['user', 'disable', u.email]);
  assert.equal(off.code, 0, `${off.stdout}\n${off.stderr}`);
  expectProblem(await me(u.token), 401, { detailIncludes: 'disabled' });
  expectProblem(await server.api('GET', media), 403, { detailIncludes: 'disabled' });

  const on = await server.cli(['user', 'enable', u.email]);
  assert.equal(on.code, 0, `${on.stdout}\n${on.stderr}`);
  expectProblem(await me(u.token), 401, { detailIncludes: 'revoked' });
  expectProblem(await server.api('GET', media), 403, { detailIncludes: 'revoked' });
  const back = await server.login(u.email, u.password);
  assert.equal(back.status, 200, back.text);
  await mediaUrl(back.json.accessToken);
});

test('`cadenza user role`: a demoted artist\'s earlier token and media URL are refused', async () => {
  const u = await server.registerUser('artist');
  const media = await mediaUrl(u.token);
  const demote = await server.cli(['user', 'role', u.email, 'listener']);
  assert.equal(demote.code, 0, `${demote.stdout}\n${demote.stderr}`);
  assert.match(demote.stdout, /is now listener/);
  expectProblem(await me(u.token), 401, { detailIncludes: 'revoked' });
  expectProblem(await server.api('GET', '/api/v1/tracks/upload-url', { token: u.token }), 401);
  expectProblem(await server.api('GET', media), 403, { detailIncludes: 'revoked' });
  const back = await server.login(u.email, u.password);
  assert.equal(back.status, 200, back.text);
  assert.equal(back.json.user.role, 'listener');
  expectProblem(await server.api('GET', '/api/v1/tracks/upload-url', { token: back.json.accessToken }), 403);
  const bad = await server.cli(['user', 'role', u.email, 'superuser']);
  assert.notEqual(bad.code, 0, 'an unknown role is refused');
});

test('changing the email needs the current password', async () => {
  const u = await server.registerUser('listener');
  const target = uniqueEmail('takeover');
  const without = await server.api('PATCH', '/api/v1/users/me', { token: u.token, json: { email: target } });
  expectProblem(without, 400, { field: 'currentPassword', detailIncludes: 'required to change the email' });
  expectNoStore(without, 'a refused PATCH');
  const wrong = await server.api('PATCH', '/api/v1/users/me', {
    token: u.token, json: { email: target, currentPassword: 'not-the-password' },
  });
  expectProblem(wrong, 403, { field: 'currentPassword', detailIncludes: 'incorrect' });
  assert.equal((await me(u.token)).json.email, u.email, 'refused changes keep the email');

  const ok = await server.api('PATCH', '/api/v1/users/me', {
    token: u.token, json: { email: target, currentPassword: u.password },
  });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.email, target);
  assert.equal(ok.json.accessToken, undefined, 'no new token: the email is not a credential');
  assert.equal((await me(u.token)).status, 200);
});

test('auth responses carry Cache-Control: no-store', async () => {
  const email = uniqueEmail('nostore');
  const password = 'correct-horse-battery';
  const reg = await server.api('POST', '/api/v1/auth/register', {
    json: { email, password, displayName: 'No Store' },
  });
  assert.equal(reg.status, 201, reg.text);
  expectNoStore(reg, 'register');
  const login = await server.login(email, password);
  assert.equal(login.status, 200, login.text);
  expectNoStore(login, 'login');
  expectNoStore(await me(login.json.accessToken), 'GET /users/me');
  const rename = await server.api('PATCH', '/api/v1/users/me', {
    token: login.json.accessToken, json: { displayName: 'Renamed' },
  });
  expectNoStore(rename, 'PATCH /users/me');
  expectNoStore(await server.login(email, 'wrong-password-1'), 'a failed login');
});

// Failures from 127.0.0.1 add up per address too; this file stays under that limit (20).
test('five wrong passwords for an account: the sixth attempt, right password or not, is 429', async () => {
  const u = await server.registerUser('listener');
  for (let i = 1; i <= 5; i += 1) {
    expectProblem(await server.login(u.email, `wrong-password-${i}`), 401);
  }
  for (const password of ['wrong-password-6', u.password]) {
    const res = await server.login(u.email.toUpperCase(), password);
    expectProblem(res, 429, { detailIncludes: 'wait' });
    const retryAfter = Number(res.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 30,
      `Retry-After: ${res.headers.get('retry-after')}`);
    expectNoStore(res, 'a 429');
  }
  // Unknown emails are throttled alike, so the 429 says nothing about who has an account.
  const nobody = uniqueEmail('nobody');
  for (let i = 1; i <= 5; i += 1) expectProblem(await server.login(nobody, `wrong-password-${i}`), 401);
  expectProblem(await server.login(nobody, 'wrong-password-6'), 429, { detailIncludes: 'this account' });
  // Other accounts are not affected.
  const other = await server.registerUser('listener');
  assert.equal((await server.login(other.email, other.password)).status, 200);
});

test('wrong passwords from one address across accounts: that address gets 429', async () => {
  const limited = await startServer({ env: { CADENZA_LOGIN_FAILURES_PER_ADDRESS: '3' } });
  try {
    const u = await limited.registerUser('listener');
    for (let i = 1; i <= 3; i += 1) {
      expectProblem(await limited.login(uniqueEmail(`guess${i}`), 'wrong-password'), 401);
    }
    const res = await limited.login(u.email, u.password);
    expectProblem(res, 429, { detailIncludes: 'from your address' });
    assert.ok(Number(res.headers.get('retry-after')) > 0, 'Retry-After is set');
  } finally {
    await limited.close();
  }
});

test('sign-ups from one address are limited, taken emails included', async () => {
  const limited = await startServer({ env: { CADENZA_REGISTRATIONS_PER_ADDRESS: '3' } });
  try {
    const first = await limited.registerUser('listener');
    const taken = await limited.api('POST', '/api/v1/auth/register', {
      json: { email: first.email, password: 'correct-horse-battery', displayName: 'Again' },
    });
    expectProblem(taken, 409, { field: 'email' });
    expectNoStore(taken, 'a refused sign-up');
    await limited.registerUser('listener');
    const res = await limited.api('POST', '/api/v1/auth/register', {
      json: { email: uniqueEmail('fourth'), password: 'correct-horse-battery', displayName: 'Fourth' },
    });
    expectProblem(res, 429, { detailIncludes: 'sign-ups' });
    assert.ok(Number(res.headers.get('retry-after')) > 0, 'Retry-After is set');
  } finally {
    await limited.close();
  }
});
