// The object store of a server started on the test engines (CADENZA_TEST_ENGINES=s3): the
// bucket is another origin than the app, so the browser reaches it only if the bucket's CORS
// configuration lets the app's origin in. The configuration is the one README.md asks operators
// to set: the app's public origin only; GET and HEAD (ranged) for playback and covers, PUT for
// uploads; the headers hls.js and the upload read exposed.

// The store a server uses: {endpoint, origin, bucket}, or null when it uses its folder.
export function storeOf(server) {
  const url = server.env?.CADENZA_BLOB_STORE_URL;
  const endpoint = server.env?.CADENZA_S3_ENDPOINT;
  if (!url || !endpoint) return null;
  const bucket = url.replace(/^s3:\/\//, '').split('/')[0];
  return { endpoint, origin: new URL(endpoint).origin, bucket };
}

export function corsConfiguration(origins) {
  const rule = [
    ...origins.map((origin) => `<AllowedOrigin>${origin}</AllowedOrigin>`),
    ...['GET', 'HEAD', 'PUT'].map((method) => `<AllowedMethod>${method}</AllowedMethod>`),
    ...['Range', 'Content-Type'].map((header) => `<AllowedHeader>${header}</AllowedHeader>`),
    ...['ETag', 'Content-Length', 'Content-Range', 'Accept-Ranges']
      .map((header) => `<ExposeHeader>${header}</ExposeHeader>`),
    '<MaxAgeSeconds>3600</MaxAgeSeconds>',
  ].join('');
  return `<CORSConfiguration><CORSRule>${rule}</CORSRule></CORSConfiguration>`;
}

// s3rver checks the key id of a request, not its signature (tests/http/lib/engines.mjs).
function s3rverHeaders() {
  return {
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    'x-amz-date': new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, ''),
    authorization: 'AWS4-HMAC-SHA256 Credential=S3RVER/20260101/us-east-1/s3/aws4_request, '
      + 'SignedHeaders=host, Signature=0',
  };
}

// PutBucketCors on the store of `server`, letting `origins` in.
export async function allowOriginsOnBucket(store, origins) {
  const res = await fetch(`${store.endpoint}/${store.bucket}?cors`, {
    method: 'PUT',
    headers: { ...s3rverHeaders(), 'content-type': 'application/xml' },
    body: corsConfiguration(origins),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`PutBucketCors on ${store.bucket}: ${res.status} ${text}`);
}

// Deletes every object of a track's renditions (`renditions/<track>/...`) from the bucket, the
// way a store that lost them or refuses them would answer: 404 for every segment URL.
export async function deleteRenditions(store, trackId) {
  const list = await fetch(`${store.endpoint}/${store.bucket}?list-type=2&prefix=${encodeURIComponent(`renditions/${trackId}/`)}`,
    { headers: s3rverHeaders() });
  const xml = await list.text();
  if (list.status !== 200) throw new Error(`ListObjectsV2: ${list.status} ${xml}`);
  const keys = [...xml.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]);
  if (/<IsTruncated>true</.test(xml) || keys.length === 0) throw new Error(`unexpected listing: ${xml.slice(0, 300)}`);
  for (const key of keys) {
    const res = await fetch(`${store.endpoint}/${store.bucket}/${key}`, { method: 'DELETE', headers: s3rverHeaders() });
    await res.arrayBuffer();
    if (res.status !== 204) throw new Error(`DeleteObject ${key}: ${res.status}`);
  }
  return keys.length;
}
