// The S3 store's pre-signed URLs, byte for byte against the AWS SDK for JavaScript
// (@aws-sdk/s3-request-presigner), an independent SigV4 implementation, for the same inputs
// and the same fixed signing date. The store's side is tests/s3/presign_tool.cc (the code path
// of BlobStore::Grant); PRESIGN_TOOL names its binary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { S3Client, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

const tool = process.env.PRESIGN_TOOL;
const keyId = 'AKIAIOSFODNN7EXAMPLE';
const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

// Each case: where the bucket is, the object, the method, and when and for how long.
const cases = [
  { name: 'AWS, virtual host, plain key', region: 'us-east-1', bucket: 'examplebucket', key: 'test.txt', method: 'GET', date: '2013-05-24T00:00:00Z', expires: 86400 },
  { name: 'AWS, key with spaces', region: 'eu-west-1', bucket: 'music-bucket', key: 'my album/01 intro.flac', method: 'GET', date: '2026-12-07T10:11:12Z', expires: 600 },
  { name: 'AWS, key with + ~ and %', region: 'ap-northeast-1', bucket: 'music-bucket', key: 'a+b~c%20d%.mp3', method: 'PUT', date: '2026-01-31T23:59:59Z', expires: 3600 },
  { name: 'AWS, unicode key', region: 'eu-central-1', bucket: 'music-bucket', key: 'artists/Beyoncé/日本/track é.ogg', method: 'GET', date: '2027-02-28T12:00:00Z', expires: 604800 },
  { name: 'AWS, store prefix', region: 'us-west-2', bucket: 'music-bucket', prefix: 'cadenza/prod', key: 'originals/0192ab', method: 'PUT', date: '2026-07-04T04:05:06Z', expires: 900 },
  { name: 'custom endpoint, path style, IP and port', endpoint: 'http://127.0.0.1:9000', pathStyle: true, region: 'us-east-1', bucket: 'cadenza', key: 'renditions/t/1/seg 1.m4s', method: 'GET', date: '2026-12-07T00:00:00Z', expires: 300 },
  { name: 'custom endpoint, path style, PUT with prefix', endpoint: 'https://minio.example.com', pathStyle: true, region: 'eu-west-3', bucket: 'cadenza', prefix: 'media', key: 'covers/ü+x.jpg', method: 'PUT', date: '2026-03-01T00:00:01Z', expires: 7200 },
  { name: 'custom endpoint, virtual host, port', endpoint: 'https://s3.example.com:9443', region: 'garage', bucket: 'cadenza', key: 'a/b/c', method: 'GET', date: '2026-05-05T05:05:05Z', expires: 60 },
  { name: 'custom endpoint, virtual host, default port dropped', endpoint: 'https://s3.example.com:443', region: 'us-east-1', bucket: 'cadenza', key: 'x', method: 'PUT', date: '2026-05-05T05:05:05Z', expires: 1 },
  { name: 'query-string subresource (version id)', region: 'us-east-1', bucket: 'examplebucket', key: 'song.flac', method: 'GET', versionId: '3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY', date: '2026-08-08T08:08:08Z', expires: 1200 },
  // A read grant names the type and caching of the bucket's answer (BlobGrantRequest's
  // content_type and cache_control): spaces, commas, "=" and "/" in signed query values.
  { name: 'response overrides (type and caching)', endpoint: 'http://127.0.0.1:9000', pathStyle: true, region: 'us-east-1', bucket: 'cadenza', key: 'renditions/t/1/aac_96/seg-00000.m4s', method: 'GET', responseCacheControl: 'private, max-age=31536000, immutable', responseContentType: 'audio/mp4', date: '2026-12-07T00:00:00Z', expires: 7200 },
];

function sdkClient(c) {
  return new S3Client({
    region: c.region,
    endpoint: c.endpoint,
    forcePathStyle: Boolean(c.pathStyle),
    credentials: { accessKeyId: keyId, secretAccessKey: secret },
    // No checksum parameters: the store does not send them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function sdkUrl(c) {
  const Key = c.prefix ? `${c.prefix}/${c.key}` : c.key;
  const input = { Bucket: c.bucket, Key };
  if (c.versionId) input.VersionId = c.versionId;
  if (c.responseCacheControl) input.ResponseCacheControl = c.responseCacheControl;
  if (c.responseContentType) input.ResponseContentType = c.responseContentType;
  const command = c.method === 'PUT' ? new PutObjectCommand(input) : new GetObjectCommand(input);
  return getSignedUrl(sdkClient(c), command, { expiresIn: c.expires, signingDate: new Date(c.date) });
}

function toolInput(c) {
  // The SDK names the operation in an x-id parameter that it signs; the store's URLs have
  // none, so the tool is given it as one more query parameter to sign.
  const query = { 'x-id': c.method === 'PUT' ? 'PutObject' : 'GetObject' };
  if (c.versionId) query.versionId = c.versionId;
  if (c.responseCacheControl) query['response-cache-control'] = c.responseCacheControl;
  if (c.responseContentType) query['response-content-type'] = c.responseContentType;
  return {
    endpoint: c.endpoint ?? '',
    bucket: c.bucket,
    prefix: c.prefix ?? '',
    region: c.region,
    path_style: Boolean(c.pathStyle),
    access_key_id: keyId,
    secret_access_key: secret,
    method: c.method,
    key: c.key,
    query,
    date: Date.parse(c.date) / 1000,
    expires: c.expires,
  };
}

function toolUrls(inputs) {
  assert.ok(tool, 'PRESIGN_TOOL must name the presign_tool binary');
  const run = spawnSync(tool, { input: inputs.map((i) => JSON.stringify(i)).join('\n') + '\n', encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trimEnd().split('\n');
}

// One run of the tool for the whole table, as it reads many lines.
let ours;
for (const [i, c] of cases.entries()) {
  test(`matches the AWS SDK byte for byte: ${c.name}`, async () => {
    ours ??= toolUrls(cases.map(toolInput));
    assert.equal(ours.length, cases.length);
    assert.equal(ours[i], await sdkUrl(c));
  });
}

test('the comparison notices a wrong signature', async () => {
  // The same inputs with another secret must differ: the check above is not vacuous.
  const c = cases[0];
  const [ours] = toolUrls([{ ...toolInput(c), secret_access_key: 'not-the-secret' }]);
  assert.notEqual(ours, await sdkUrl(c));
  assert.match(ours, /X-Amz-Signature=[0-9a-f]{64}/);
});
