// What a test server's blob store holds, looked at from outside the server: the same calls for
// the local store (files under <data_dir>/blobs) and for an S3 bucket (requests to the S3
// server as the bucket's owner). Keys are the store's keys ("originals/<id>",
// "renditions/<track>/<attempt>/aac_96/seg-00000.m4s"), never file paths or object names.
import fs from 'node:fs/promises';
import path from 'node:path';

import { kS3Credentials } from './engines.mjs';

// The key of a blob URL Cadenza hands out: a local store's "/blobs/<key>?..." or a bucket's
// pre-signed "<endpoint>/<bucket>/[<prefix>/]<key>?...".
function keyFromPath(pathname, root) {
  if (!pathname.startsWith(root)) throw new Error(`${pathname} is not a blob URL under ${root}`);
  return decodeURIComponent(pathname.slice(root.length));
}

// The blobs of a local store: files under `root` (<data_dir>/blobs).
export class FolderBlobs {
  constructor(root) {
    this.root = root;
    this.kind = 'folder';
  }

  keyOf(url) { return keyFromPath(new URL(url, 'http://local').pathname, '/blobs/'); }

  file(key) { return path.join(this.root, ...key.split('/')); }

  async read(key) {
    try {
      return await fs.readFile(this.file(key));
    } catch (err) {
      if (err.code === 'ENOENT') return null;
      throw err;
    }
  }

  async exists(key) { return (await this.read(key)) !== null; }

  // Every key starting with `prefix`, sorted. The store's own folders (".spool") hold no blobs.
  async list(prefix = '') {
    const keys = [];
    const walk = async (dir, rel) => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (err.code === 'ENOENT') return;
        throw err;
      }
      for (const entry of entries) {
        if (!rel && entry.name.startsWith('.')) continue;
        const key = `${rel}${entry.name}`;
        if (entry.isDirectory()) await walk(path.join(dir, entry.name), `${key}/`);
        else keys.push(key);
      }
    };
    await walk(this.root, '');
    return keys.filter((k) => k.startsWith(prefix)).sort();
  }

  async remove(key) { await fs.rm(this.file(key), { force: true }); }

  // Writes `bytes` under `key` behind the server's back (as a crash or another writer would).
  async overwrite(key, bytes) {
    await fs.mkdir(path.dirname(this.file(key)), { recursive: true });
    await fs.writeFile(this.file(key), bytes);
  }
}

// The blobs of an S3 store: objects in `bucket` on `endpoint`, under the store's key prefix.
// s3rver checks the key id of a request, not its signature.
export class BucketBlobs {
  constructor(endpoint, bucket, keyPrefix = '') {
    this.endpoint = endpoint;
    this.bucket = bucket;
    this.namePrefix = keyPrefix ? `${keyPrefix.replace(/\/+$/, '')}/` : '';
    this.kind = 's3';
  }

  // A trackUrl names its key under Cadenza's /blobs/ even on S3; upload and media URLs are
  // the bucket's.
  keyOf(url) {
    const { origin, pathname } = new URL(url, 'http://local');
    if (origin !== new URL(this.endpoint).origin) return keyFromPath(pathname, '/blobs/');
    return keyFromPath(pathname, `/${this.bucket}/${this.namePrefix}`);
  }

  request(method, objectPath, body) {
    const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
    return fetch(`${this.endpoint}/${this.bucket}/${objectPath}`, {
      method,
      body,
      headers: {
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        'x-amz-date': date,
        authorization: `AWS4-HMAC-SHA256 Credential=${kS3Credentials.accessKeyId}/${date.slice(0, 8)}`
          + '/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0',
      },
    });
  }

  objectPath(key) {
    return (this.namePrefix + key).split('/').map(encodeURIComponent).join('/');
  }

  async read(key) {
    const res = await this.request('GET', this.objectPath(key));
    const bytes = Buffer.from(await res.arrayBuffer());
    if (res.status === 404) return null;
    if (res.status !== 200) throw new Error(`S3 GET ${key}: ${res.status} ${bytes}`);
    return bytes;
  }

  async exists(key) {
    const res = await this.request('HEAD', this.objectPath(key));
    await res.arrayBuffer();
    if (res.status !== 200 && res.status !== 404) throw new Error(`S3 HEAD ${key}: ${res.status}`);
    return res.status === 200;
  }

  // Every key starting with `prefix`, sorted (ListObjectsV2, page after page).
  async list(prefix = '') {
    const keys = [];
    let token = null;
    do {
      const query = new URLSearchParams({ 'list-type': '2', prefix: this.namePrefix + prefix });
      if (token) query.set('continuation-token', token);
      const res = await this.request('GET', `?${query}`);
      const text = await res.text();
      if (res.status !== 200) throw new Error(`S3 list ${prefix}: ${res.status} ${text}`);
      for (const [, name] of text.matchAll(/<Key>([^<]+)<\/Key>/g)) {
        keys.push(unescapeXml(name).slice(this.namePrefix.length));
      }
      token = /<IsTruncated>true<\/IsTruncated>/.test(text)
        ? unescapeXml(/<NextContinuationToken>([^<]+)</.exec(text)[1]) : null;
    } while (token);
    return keys.sort();
  }

  async remove(key) {
    const res = await this.request('DELETE', this.objectPath(key));
    await res.arrayBuffer();
    if (res.status !== 204 && res.status !== 200) throw new Error(`S3 DELETE ${key}: ${res.status}`);
  }

  async overwrite(key, bytes) {
    const res = await this.request('PUT', this.objectPath(key), bytes);
    const text = await res.text();
    if (res.status !== 200) throw new Error(`S3 PUT ${key}: ${res.status} ${text}`);
  }
}

function unescapeXml(text) {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

// The blobs of a server started with `env` on `dataDir`.
export function blobsOf(dataDir, env) {
  const url = env.CADENZA_BLOB_STORE_URL;
  if (!url || !url.startsWith('s3://')) return new FolderBlobs(path.join(dataDir, 'blobs'));
  const [bucket, ...prefix] = url.slice('s3://'.length).split('/');
  return new BucketBlobs(env.CADENZA_S3_ENDPOINT, bucket, prefix.join('/'));
}
