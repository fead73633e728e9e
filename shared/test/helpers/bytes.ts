/** `AA AA 96` → Buffer (spaces and newlines ignored). */
export function hexBytes(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'hex');
}

/** Deterministic pseudo-random bytes (xorshift32) so hostile-input tests are reproducible. */
export function randomBytes(n: number, seed = 0x1234567): Buffer {
  let x = seed >>> 0 || 1;
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
