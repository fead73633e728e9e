// scrypt password hashing (node:crypto), self-describing so the cost can be tuned later:
//   scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}
/** Staff passwords: chosen by people, so slow (~50 ms here). */
export const STAFF_COST: ScryptCost = { N: 16384, r: 8, p: 1 };
/** Device secrets: generated with 192 bits of entropy (or ≥ 16 characters when given), checked
 *  synchronously in the broker's connect path, so cheaper (~3 ms) and cached after success. */
export const DEVICE_COST: ScryptCost = { N: 1024, r: 8, p: 1 };

const KEY_LEN = 32;
const MAXMEM = 64 * 1024 * 1024;

function format(cost: ScryptCost, salt: Buffer, hash: Buffer): string {
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

interface Parsed {
  cost: ScryptCost;
  salt: Buffer;
  hash: Buffer;
}
function parse(stored: string): Parsed | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const hash = Buffer.from(parts[5] ?? '', 'base64');
  if (salt.length < 8 || hash.length !== KEY_LEN) return undefined;
  return { cost: { N, r, p }, salt, hash };
}

export function hashSecretSync(secret: string | Buffer, cost: ScryptCost = DEVICE_COST): string {
  const salt = randomBytes(16);
  return format(cost, salt, scryptSync(secret, salt, KEY_LEN, { ...cost, maxmem: MAXMEM }));
}

export function verifySecretSync(secret: string | Buffer, stored: string): boolean {
  const p = parse(stored);
  if (!p) return false;
  const got = scryptSync(secret, p.salt, KEY_LEN, { ...p.cost, maxmem: MAXMEM });
  return timingSafeEqual(got, p.hash);
}

function scryptAsync(secret: string | Buffer, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_LEN, { ...cost, maxmem: MAXMEM }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** As hashSecretSync, on the libuv thread pool: many of these do not block the event loop. */
export async function hashSecret(secret: string | Buffer, cost: ScryptCost = DEVICE_COST): Promise<string> {
  const salt = randomBytes(16);
  return format(cost, salt, await scryptAsync(secret, salt, cost));
}

export async function verifySecret(secret: string | Buffer, stored: string): Promise<boolean> {
  const p = parse(stored);
  if (!p) return false;
  return timingSafeEqual(await scryptAsync(secret, p.salt, p.cost), p.hash);
}

export async function hashPassword(password: string, cost: ScryptCost = STAFF_COST): Promise<string> {
  const salt = randomBytes(16);
  return format(cost, salt, await scryptAsync(password, salt, cost));
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const p = parse(stored);
  if (!p) return false;
  return timingSafeEqual(await scryptAsync(password, p.salt, p.cost), p.hash);
}

/** A hash of a password nobody knows, to spend the same time on unknown usernames. */
let dummy: string | undefined;
export async function dummyVerify(password: string): Promise<void> {
  dummy ??= await hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(password, dummy);
}

/** A random secret for a device or a generated password: base64url, `bytes` of entropy. */
export function generateSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
