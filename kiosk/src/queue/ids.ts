// Identifiers of new tickets and print jobs. A ticket id is a UUID in the time-ordered layout of
// RFC 9562 (version 7: 48-bit Unix milliseconds, then 74 random bits), so a new ticket's key, its
// history row's ticket index and its paper's key land at the end of their B-trees: a commit of a
// burst of tickets writes those index pages once instead of one random page per ticket (ticket
// ids are not secrets: they are in the public stream). The follow token stays fully random.
// Random bytes are drawn from the CSPRNG in blocks (one getrandom call for many tickets), each byte
// used once.
import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(4096);
let used = pool.length;

function randomBytesFromPool(n: number): Buffer {
  if (used + n > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const bytes = Buffer.from(pool.subarray(used, used + n));
  pool.fill(0, used, used + n);
  used += n;
  return bytes;
}

/** A version-7 UUID (time-ordered) for `now` (Unix milliseconds). */
export function timeOrderedId(now = Date.now()): string {
  const bytes = Buffer.allocUnsafe(16);
  bytes.writeUIntBE(Math.max(0, Math.trunc(now)) % 2 ** 48, 0, 6);
  randomBytesFromPool(10).copy(bytes, 6);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** An unguessable follow token: 18 random bytes, base64url (24 characters). */
export function followToken(): string {
  return randomBytesFromPool(18).toString('base64url');
}
