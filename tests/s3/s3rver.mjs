// Starts s3rver on a free loopback port, serving a folder of its own, for the S3 store's tests.
// Usage: node s3rver.mjs DIRECTORY [BUCKET...]
// Prints {"port": N} on one line once it listens (the buckets created), and stops when its
// standard input closes, so it never outlives the test process that started it.
import crypto from 'node:crypto';
import S3rver from 's3rver';

// s3rver makes ListObjectsV2 continuation tokens with single DES, which OpenSSL 3 keeps in its
// legacy provider only. Triple DES with one key three times is the same cipher and is in the
// default provider, so listings that span pages work on any node 18+.
for (const name of ['createCipheriv', 'createDecipheriv']) {
  const original = crypto[name];
  crypto[name] = (algorithm, key, iv, options) =>
    algorithm === 'des'
      ? original('des-ede3-cbc', Buffer.concat([key, key, key]), iv, options)
      : original(algorithm, key, iv, options);
}

const [directory, ...buckets] = process.argv.slice(2);
if (!directory) {
  console.error('usage: node s3rver.mjs DIRECTORY [BUCKET...]');
  process.exit(2);
}
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  // Virtual-host style requests name the bucket as <bucket>.s3.localhost.
  serviceEndpoint: 'localhost',
  directory,
  silent: true,
  configureBuckets: buckets.map((name) => ({ name })),
});
const { port } = await server.run();
process.stdout.write(JSON.stringify({ port }) + '\n');
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
