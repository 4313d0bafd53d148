// HMAC-SHA256 (RFC 2104 over FIPS 180-4) for signing many short messages with one key: the
// key's inner and outer pad blocks are compressed once, so a token of a few dozen bytes costs
// two compressions of plain integer arithmetic. node:crypto's createHmac costs ~4 µs a call
// (a new native object each time), and the sender signs two tokens for every reader: that was
// half the time of personalising an email. The sender's path (hmacSha256Bytes) works on bytes
// it is handed and allocates nothing; a token's message fits one block, padded as words, and
// the outer hash's block is the inner digest plus padding that never changes. tokens.ts
// verifies with node:crypto, so the two implementations check each other wherever a signed
// link is followed.

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

const w = new Int32Array(64);

/** One SHA-256 compression of the 64 bytes at `bytes[at…]` into `h`. */
function compress(h: Int32Array, bytes: Uint8Array, at: number): void {
  for (let i = 0; i < 16; i++) {
    const j = at + i * 4;
    w[i] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!;
  }
  compressWords(h);
}

/** One SHA-256 compression of the block already in `w[0…16)` (big-endian words) into `h`. */
function compressWords(h: Int32Array): void {
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15]!;
    const b = w[i - 2]!;
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = h[0]!;
  let b = h[1]!;
  let c = h[2]!;
  let d = h[3]!;
  let e = h[4]!;
  let f = h[5]!;
  let g = h[6]!;
  let k = h[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (k + S1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    k = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
  h[5] = (h[5]! + f) | 0;
  h[6] = (h[6]! + g) | 0;
  h[7] = (h[7]! + k) | 0;
}

const tail = new Uint8Array(128);

/** Hashes `message[0…length)` into `h`, which already holds `prefixBytes` bytes, with SHA-256's padding; the digest goes to `out`. */
function finish(
  h: Int32Array,
  message: Uint8Array,
  length: number,
  prefixBytes: number,
  out: Uint8Array,
): void {
  let at = 0;
  for (; at + 64 <= length; at += 64) compress(h, message, at);
  const rest = length - at;
  const end = rest < 56 ? 64 : 128;
  tail.fill(0, 0, end);
  for (let i = 0; i < rest; i++) tail[i] = message[at + i]!;
  tail[rest] = 0x80;
  const bits = (prefixBytes + length) * 8;
  tail[end - 5] = Math.floor(bits / 2 ** 32) & 0xff;
  tail[end - 4] = (bits >>> 24) & 0xff;
  tail[end - 3] = (bits >>> 16) & 0xff;
  tail[end - 2] = (bits >>> 8) & 0xff;
  tail[end - 1] = bits & 0xff;
  for (let t = 0; t < end; t += 64) compress(h, tail, t);
  writeDigest(h, out);
}

/** The state `h` as the 32-byte big-endian digest, at `out[0…32)`. */
function writeDigest(h: Int32Array, out: Uint8Array): void {
  for (let i = 0; i < 8; i++) {
    const v = h[i]!;
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = (v >>> 16) & 0xff;
    out[i * 4 + 2] = (v >>> 8) & 0xff;
    out[i * 4 + 3] = v & 0xff;
  }
}

/** Writes the HMAC of `message[0…length)` to `out[0…32)`; allocates nothing. */
export type HmacSha256Bytes = (message: Uint8Array, length: number, out: Uint8Array) => void;

/** A signer for one key over bytes: the sender's per-reader path. */
export function hmacSha256Bytes(key: string | Uint8Array): HmacSha256Bytes {
  let k = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  if (k.length > 64) {
    const digest = new Uint8Array(32);
    finish(IV.slice(), k, k.length, 0, digest);
    k = digest;
  }
  const pad = new Uint8Array(64);
  const inner = IV.slice();
  const outer = IV.slice();
  pad.fill(0x36).forEach((p, i) => {
    pad[i] = p ^ (k[i] ?? 0);
  });
  compress(inner, pad, 0);
  pad.fill(0x5c).forEach((p, i) => {
    pad[i] = p ^ (k[i] ?? 0);
  });
  compress(outer, pad, 0);
  const h = new Int32Array(8);
  return (message, length, out) => {
    h.set(inner);
    if (length <= 55) {
      // One block, padded here as words: every token's message is this short.
      w.fill(0, 0, 16);
      for (let j = 0; j < length; j++) w[j >> 2]! |= message[j]! << (24 - 8 * (j & 3));
      w[length >> 2]! |= 0x80 << (24 - 8 * (length & 3));
      w[15] = (64 + length) * 8;
      compressWords(h);
    } else {
      finish(h, message, length, 64, out); // leaves the inner digest in h too
    }
    // The outer hash of the 32-byte inner digest, a block whose padding never changes.
    w.set(h);
    w[8] = 0x80000000 | 0;
    w.fill(0, 9, 15);
    w[15] = (64 + 32) * 8;
    h.set(outer);
    compressWords(h);
    writeDigest(h, out);
  };
}

export type HmacSha256 = (message: string) => Buffer;

/** A signer for one key; each call returns a fresh 32-byte digest of the message's UTF-8 bytes. */
export function hmacSha256(key: string | Uint8Array): HmacSha256 {
  const sign = hmacSha256Bytes(key);
  return (message) => {
    const bytes = Buffer.from(message, 'utf8');
    const digest = Buffer.alloc(32);
    sign(bytes, bytes.length, digest);
    return digest;
  };
}
