import { describe, expect, it } from 'vitest';
import {
  hashPassword,
  hashSecretSync,
  needsRehash,
  STAFF_COST,
  verifyPassword,
  verifySecretSync,
} from '../../service/index.ts';

describe('scrypt (staff passwords, device secrets)', { timeout: 60_000 }, () => {
  it('hashes staff passwords with at least OWASP’s minimum cost', async () => {
    expect(STAFF_COST.N).toBeGreaterThanOrEqual(2 ** 17);
    expect(STAFF_COST.r).toBeGreaterThanOrEqual(8);
    const h = await hashPassword('correct horse 1');
    expect(h).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await verifyPassword('correct horse 1', h)).toBe(true);
    expect(await verifyPassword('correct horse 2', h)).toBe(false);
    expect(needsRehash(h)).toBe(false);
  });

  it('verifies an older, cheaper hash and says it needs rehashing', async () => {
    const old = await hashPassword('old-pass-123', { N: 16384, r: 8, p: 1 });
    expect(await verifyPassword('old-pass-123', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash('not a hash')).toBe(true);
  });

  it('normalises passwords (NFC), and still verifies a hash of un-normalised input', async () => {
    const composed = 'caf\u00e9-pass-1';
    const decomposed = 'cafe\u0301-pass-1';
    expect(await verifyPassword(decomposed, await hashPassword(composed))).toBe(true);
    const legacy = hashSecretSync(decomposed, { N: 16384, r: 8, p: 1 }); // made before NFC
    expect(await verifyPassword(decomposed, legacy)).toBe(true);
  });

  it('refuses malformed or memory-exhausting stored hashes without throwing', async () => {
    const salt = Buffer.alloc(16).toString('base64');
    const hash = Buffer.alloc(32).toString('base64');
    for (const stored of [
      `scrypt$${2 ** 24}$8$1$${salt}$${hash}`,
      `scrypt$1000$8$1$${salt}$${hash}`,
      'scrypt$x$8$1$a$b',
    ]) {
      expect(await verifyPassword('whatever-1', stored)).toBe(false);
      expect(verifySecretSync('whatever-1', stored)).toBe(false);
    }
  });
});
