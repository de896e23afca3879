// Images built to make a decoder work hard: written byte by byte, so no encoder is needed.
import zlib from 'node:zlib';

function segment(marker, payload) {
  const head = Buffer.alloc(4);
  head[0] = 0xff;
  head[1] = marker;
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, Buffer.from(payload)]);
}

// Packs [value, bit count] pairs MSB first, pads the last byte with ones and stuffs a zero
// after every 0xFF, as entropy-coded JPEG data requires.
function entropyBytes(codes) {
  const out = [];
  let acc = 0;
  let bits = 0;
  const push = (byte) => {
    out.push(byte);
    if (byte === 0xff) out.push(0);
  };
  for (const [value, count] of codes) {
    for (let i = count - 1; i >= 0; i--) {
      acc = (acc << 1) | ((value >> i) & 1);
      if (++bits === 8) {
        push(acc);
        acc = 0;
        bits = 0;
      }
    }
  }
  if (bits > 0) push(((acc << (8 - bits)) | ((1 << (8 - bits)) - 1)) & 0xff);
  return Buffer.from(out);
}

// A grey progressive JPEG of `width` x `height` (multiples of 8): a DC scan, then `acScans`
// copies of one AC scan. Each AC scan costs a few bytes (runs of empty blocks, EOB14) but
// makes a decoder visit every block of the image once more.
export function progressiveJpeg(width, height, acScans) {
  const blocks = (width / 8) * (height / 8);
  const frame = [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0];
  // Huffman tables with one 1-bit code each: DC category 0, AC symbol EOB14 (0xE0).
  const dcTable = [0x00, 1, ...new Array(15).fill(0), 0x00];
  const acTable = [0x10, 1, ...new Array(15).fill(0), 0xe0];
  const dcScan = Buffer.concat([
    segment(0xda, [1, 1, 0x00, 0, 0, 0x00]),
    entropyBytes(new Array(blocks).fill([0, 1])),
  ]);
  const runs = [];
  for (let left = blocks; left > 0; left -= 32767) runs.push([0, 1], [0x3fff, 14]);
  const acScan = Buffer.concat([segment(0xda, [1, 1, 0x00, 1, 63, 0x00]), entropyBytes(runs)]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xdb, [0x00, ...new Array(64).fill(1)]),
    segment(0xc2, frame),
    segment(0xc4, [...dcTable, ...acTable]),
    dcScan,
    ...new Array(acScans).fill(acScan),
    Buffer.from([0xff, 0xd9]),
  ]);
}

// CRC-32 as PNG chunks use it (zlib.crc32 is missing from Debian 12's node 18).
function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

// A solid red RGBA PNG of `side` x `side` with `depth`-bit channels (8000 at 16 bits: 512 MB of
// pixels in under a MB). The first row holds the colour; every other row repeats the one above
// (filter "Up" over zero differences), so the zlib stream is a few blocks written once and
// repeated, each ending in a sync flush so that they concatenate.
export function solidPng(side, depth) {
  const channel = depth / 8;
  const rowBytes = side * 4 * channel;
  const first = Buffer.alloc(1 + rowBytes);
  for (let x = 0; x < side; x++) {
    first.fill(0xff, 1 + x * 4 * channel, 1 + x * 4 * channel + channel);  // red
    first.fill(0xff, 1 + (x * 4 + 3) * channel, 1 + (x * 4 + 4) * channel);  // opaque
  }
  const rowsPerBlock = 64;
  const sameRows = Buffer.alloc((1 + rowBytes) * rowsPerBlock);
  for (let r = 0; r < rowsPerBlock; r++) sameRows[r * (1 + rowBytes)] = 2;
  const flush = { finishFlush: zlib.constants.Z_SYNC_FLUSH, level: 9 };
  const parts = [Buffer.from([0x78, 0xda]), zlib.deflateRawSync(first, flush)];
  const block = zlib.deflateRawSync(sameRows, flush);
  let rows = 1;
  for (; rows + rowsPerBlock <= side; rows += rowsPerBlock) parts.push(block);
  const tail = sameRows.subarray(0, (side - rows) * (1 + rowBytes));
  parts.push(zlib.deflateRawSync(tail, flush), zlib.deflateRawSync(Buffer.alloc(0)));
  // Adler-32 of the raw rows: the zero bytes only add multiples of `a` to `b`.
  let a = 1;
  let b = 0;
  for (const byte of first) { a = (a + byte) % 65521; b = (b + a) % 65521; }
  for (let r = 1; r < side; r++) {
    a = (a + 2) % 65521;
    b = (b + a) % 65521;
    b = (b + (rowBytes % 65521) * a) % 65521;
  }
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE(((b << 16) | a) >>> 0, 0);
  parts.push(adler);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = depth;
  header[9] = 6;  // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', Buffer.concat(parts)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
