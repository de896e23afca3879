// Starts s3rver on a free loopback port, serving a folder of its own, for the S3 store's tests.
// Usage: node s3rver.mjs [--fail-every=N] [--port=N] [--until-signal] DIRECTORY [BUCKET...]
// Prints {"port": N} on one line once it listens (the buckets created), and stops when its
// standard input closes, so it never outlives the test process that started it; with
// --until-signal it runs until SIGTERM instead (deploy/local-cluster.sh runs it so). --port
// picks the port (default: any free one).
// With --fail-every=N the port is a proxy in front of s3rver that answers requests 1, N+1,
// 2N+1, ... with 503 SlowDown instead of passing them on (before reading a body that waits
// for 100-continue), to test retries.
import crypto from 'node:crypto';
import http from 'node:http';
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

const args = process.argv.slice(2);
const option = (name) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
const failEvery = Number(option('fail-every') ?? 0);
const listenPort = Number(option('port') ?? 0);
const untilSignal = args.includes('--until-signal');
const [directory, ...buckets] = args.filter((arg) => !arg.startsWith('--'));
if (!directory || Number.isNaN(failEvery) || Number.isNaN(listenPort)) {
  console.error('usage: node s3rver.mjs [--fail-every=N] [--port=N] [--until-signal] DIRECTORY [BUCKET...]');
  process.exit(2);
}
const server = new S3rver({
  address: '127.0.0.1',
  port: failEvery > 0 ? 0 : listenPort,
  // Virtual-host style requests name the bucket as <bucket>.s3.localhost.
  serviceEndpoint: 'localhost',
  directory,
  silent: true,
  configureBuckets: buckets.map((name) => ({ name })),
});
const { port } = await server.run();

function startFlakyProxy(upstreamPort) {
  let count = 0;
  const failsNow = () => (count++ % failEvery) === 0;
  const refuse = (req, res) => {
    const body = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>' +
      '<Message>Please reduce your request rate.</Message></Error>';
    res.writeHead(503, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const forward = (req, res) => {
    const headers = { ...req.headers };
    delete headers.expect;
    const upstream = http.request(
      { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  const proxy = http.createServer((req, res) => {
    if (failsNow()) {
      req.resume();
      req.on('end', () => refuse(req, res));
      return;
    }
    forward(req, res);
  });
  proxy.on('checkContinue', (req, res) => {
    if (failsNow()) {
      refuse(req, res);
      return;
    }
    res.writeContinue();
    forward(req, res);
  });
  return new Promise((resolve) => proxy.listen(listenPort, '127.0.0.1', () => resolve(proxy)));
}

const proxy = failEvery > 0 ? await startFlakyProxy(port) : null;
process.stdout.write(JSON.stringify({ port: proxy ? proxy.address().port : port }) + '\n');
const stop = async () => {
  proxy?.close();
  await server.close();
  process.exit(0);
};
if (untilSignal) {
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}
