// The one scrypt module of the services (node:crypto): staff passwords of the gateway and the
// kiosk, and device secrets. Self-describing, so the cost can be raised later and older hashes
// still verify:   scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>
// Staff passwords use at least OWASP's minimum (N=2^17, r=8, p=1: 128 MiB, a few hundred ms);
// a hash made with a lower cost verifies and is replaced at the next successful login
// (needsRehash). Passwords are NFC-normalised (the same password typed on another keyboard or
// OS gives the same bytes); hashes made before that from un-normalised input still verify.
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}
/** Staff passwords: chosen by people, so slow. OWASP Password Storage Cheat Sheet minimum. */
export const STAFF_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };
/** Device secrets: generated with 192 bits of entropy (or ≥ 16 characters when given), checked
 *  in the broker's connect path, so cheaper (~3 ms) and cached after success. */
export const DEVICE_COST: ScryptCost = { N: 1024, r: 8, p: 1 };

const KEY_LEN = 32;
/** scrypt needs 128·N·r·p bytes; node refuses above maxmem (default 32 MiB). Costs above
 *  STAFF_COST's memory are refused when read back, so a forged hash cannot exhaust memory. */
const MAX_COST_BYTES = 128 * STAFF_COST.N * STAFF_COST.r * 2;
const maxmemOf = (c: ScryptCost) => 128 * c.N * c.r * c.p + 1024 * 1024;

function format(cost: ScryptCost, salt: Buffer, hash: Buffer): string {
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

interface Parsed {
  cost: ScryptCost;
  salt: Buffer;
  hash: Buffer;
}
function parse(stored: string): Parsed | undefined {
  if (typeof stored !== 'string') return undefined;
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return undefined;
  if ((N & (N - 1)) !== 0 || 128 * N * r * p > MAX_COST_BYTES) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const hash = Buffer.from(parts[5] ?? '', 'base64');
  if (salt.length < 8 || hash.length !== KEY_LEN) return undefined;
  return { cost: { N, r, p }, salt, hash };
}

function scryptAsync(secret: string | Buffer, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_LEN, { ...cost, maxmem: maxmemOf(cost) }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

// ---- device secrets ------------------------------------------------------------------------

export function hashSecretSync(secret: string | Buffer, cost: ScryptCost = DEVICE_COST): string {
  const salt = randomBytes(16);
  return format(cost, salt, scryptSync(secret, salt, KEY_LEN, { ...cost, maxmem: maxmemOf(cost) }));
}

export function verifySecretSync(secret: string | Buffer, stored: string): boolean {
  const p = parse(stored);
  if (!p) return false;
  const got = scryptSync(secret, p.salt, KEY_LEN, { ...p.cost, maxmem: maxmemOf(p.cost) });
  return timingSafeEqual(got, p.hash);
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

/** A random secret for a device or a generated password: base64url, `bytes` of entropy. */
export function generateSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

// ---- staff passwords -----------------------------------------------------------------------

export async function hashPassword(password: string, cost: ScryptCost = STAFF_COST): Promise<string> {
  const salt = randomBytes(16);
  return format(cost, salt, await scryptAsync(password.normalize('NFC'), salt, cost));
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const p = parse(stored);
  if (!p) return false;
  const nfc = password.normalize('NFC');
  if (timingSafeEqual(await scryptAsync(nfc, p.salt, p.cost), p.hash)) return true;
  // a hash made before passwords were normalised, from input that was not in NFC
  return nfc !== password && timingSafeEqual(await scryptAsync(password, p.salt, p.cost), p.hash);
}

/** True when `stored` was made with less than `cost` (or cannot be read): replace it with a new
 *  hash of the password at the next successful login. */
export function needsRehash(stored: string, cost: ScryptCost = STAFF_COST): boolean {
  const p = parse(stored);
  if (!p) return true;
  return p.cost.N < cost.N || p.cost.r < cost.r || p.cost.p < cost.p;
}

/** A hash of a password nobody knows (one per cost), to spend the same time on unknown usernames. */
const dummies = new Map<string, Promise<string>>();
export async function dummyVerify(password: string, cost: ScryptCost = STAFF_COST): Promise<void> {
  const key = `${cost.N}$${cost.r}$${cost.p}`;
  let dummy = dummies.get(key);
  if (!dummy) {
    dummy = hashPassword(randomBytes(16).toString('hex'), cost);
    dummies.set(key, dummy);
  }
  await verifyPassword(password, await dummy);
}
