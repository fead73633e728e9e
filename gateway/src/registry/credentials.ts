// Device credentials: the one way a device's MQTT password is checked, and how a new one is
// hashed. Checked on the libuv thread pool, never on the event loop (a reconnect storm is
// thousands of checks at once), against the row's Mosquitto PBKDF2-SHA512 hash when it has one:
// that hash of the same secret is stored for the Mosquitto export anyway, so an attacker with
// the database attacks it whatever the gateway checks, and it costs ~0.1 ms where scrypt costs
// ~3 ms (10,000 devices after a power cut: 30 s of CPU on a two-core station). Rows without
// it fall back to the scrypt hash. A password that verified is remembered as a keyed hash
// (HMAC, a subkey never stored) until the credential changes.
import { createHmac, pbkdf2, timingSafeEqual } from 'node:crypto';
import { DEVICE_COST, generateSecret, hashSecret, hashSecretSync, verifySecret } from '@linli/shared/service';
import type { Database, Statement } from 'better-sqlite3';
import type { Raw } from './devices.ts';
import { RegistryError } from './errors.ts';
import { mosquittoHash, mosquittoHashAsync } from './mosquitto.ts';

/** A device secret with its two hashes, computed before the transaction that stores it. */
export interface PreparedSecret {
  secret: string;
  given: boolean;
  secretHash: string;
  mosquittoHash: string;
}

function checkGivenSecret(secret: string | undefined): void {
  if (secret !== undefined && (secret.length < 16 || secret.length > 128)) {
    throw new RegistryError('VALIDATION', 'secret must be 16 to 128 characters');
  }
}

interface CredentialRow {
  secret_hash: string;
  mosquitto_hash: string | null;
}

/** Verify `password` against a Mosquitto `$7$` hash on the thread pool. */
function verifyMosquittoAsync(password: Buffer | string, hash: string): Promise<boolean> | undefined {
  const [, seven, iter, salt, digest] = hash.split('$');
  const iterations = Number(iter);
  if (
    seven !== '7' ||
    !salt ||
    !digest ||
    !Number.isInteger(iterations) ||
    iterations < 1 ||
    iterations > 1e6
  )
    return undefined;
  const want = Buffer.from(digest, 'base64');
  if (want.length !== 64) return undefined;
  return new Promise((resolve) =>
    pbkdf2(password, Buffer.from(salt, 'base64'), iterations, 64, 'sha512', (err, got) =>
      resolve(!err && timingSafeEqual(got, want)),
    ),
  );
}

/** An active device's row with its credential hashes (one read per login). */
export type DeviceCredentialRow = Raw & CredentialRow;

export class DeviceCredentials {
  /** username → keyed hash of the password that last verified, and the stored hash it matched. */
  private readonly cache = new Map<string, { mac: Buffer; hash: string }>();
  /** Bumped by every credential or device change this process makes or notices (store, forget):
   *  a verification that saw it move while hashing reads the row again before it may pass. */
  private generation = 0;
  private readonly stmt: { credential: Statement; store: Statement };

  constructor(
    db: Database,
    private readonly cacheKey: Buffer,
  ) {
    this.stmt = {
      credential: db.prepare(
        `SELECT d.*, c.secret_hash, c.mosquitto_hash FROM devices d JOIN device_credentials c ON c.device_id = d.id
         WHERE d.id = ? AND d.retired_at IS NULL`,
      ),
      store: db.prepare(
        `INSERT INTO device_credentials (device_id, secret_hash, mosquitto_hash, rotated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (device_id) DO UPDATE SET secret_hash = excluded.secret_hash,
           mosquitto_hash = excluded.mosquitto_hash, rotated_at = excluded.rotated_at`,
      ),
    };
  }

  /** True when `password` is the active device `username`'s secret. */
  async verify(username: string, password: Buffer | string): Promise<boolean> {
    return (await this.verifyRow(username, password)) !== undefined;
  }

  /** The active device `username`'s row when `password` is its secret. One indexed read each
   *  time (a credential rotated or a device retired elsewhere, the CLI, is seen at the next
   *  login), nothing else on the event loop; the hash on the thread pool. A change this process
   *  makes or is told of while hashing (store/forget: its own API, the external-change poll)
   *  sends the login back to the database; one committed elsewhere during the 0.1 ms of hashing
   *  is noticed by that poll, which closes the sessions of the changed device. */
  async verifyRow(username: string, password: Buffer | string): Promise<DeviceCredentialRow | undefined> {
    if (typeof username !== 'string' || username.length === 0 || username.length > 64) return undefined;
    const row = this.stmt.credential.get(username) as DeviceCredentialRow | undefined;
    if (!row) {
      this.cache.delete(username);
      return undefined;
    }
    const cached = this.cache.get(username);
    if (
      cached &&
      cached.hash === row.secret_hash &&
      timingSafeEqual(cached.mac, this.mac(username, password))
    )
      return row;
    const generation = this.generation;
    const fast = row.mosquitto_hash ? verifyMosquittoAsync(password, row.mosquitto_hash) : undefined;
    if (!(await (fast ?? verifySecret(password, row.secret_hash)))) return undefined;
    if (this.generation !== generation) {
      // changed while hashing: accept and cache only what is still stored
      const now = this.stmt.credential.get(username) as DeviceCredentialRow | undefined;
      if (now?.secret_hash !== row.secret_hash) return undefined;
      this.cache.set(username, { mac: this.mac(username, password), hash: row.secret_hash });
      return now;
    }
    this.cache.set(username, { mac: this.mac(username, password), hash: row.secret_hash });
    return row;
  }

  private mac(username: string, password: Buffer | string): Buffer {
    return createHmac('sha256', this.cacheKey).update(username).update('\0').update(password).digest();
  }

  /** Hash a device secret (given, or generated) off the event loop, for provision/rotate. */
  async prepare(given?: string): Promise<PreparedSecret> {
    checkGivenSecret(given);
    const secret = given ?? generateSecret();
    const [secretHash, mosq] = await Promise.all([
      hashSecret(secret, DEVICE_COST),
      mosquittoHashAsync(secret),
    ]);
    return { secret, given: given !== undefined, secretHash, mosquittoHash: mosq };
  }

  /** As prepare, on the calling thread (the CLI and tests; the API uses prepare). */
  prepareSync(given?: string): PreparedSecret {
    checkGivenSecret(given);
    const secret = given ?? generateSecret();
    return {
      secret,
      given: given !== undefined,
      secretHash: hashSecretSync(secret, DEVICE_COST),
      mosquittoHash: mosquittoHash(secret),
    };
  }

  /** Store (or replace) a device's credential; call inside the caller's transaction. */
  store(id: string, p: PreparedSecret, now: number): void {
    this.stmt.store.run(id, p.secretHash, p.mosquittoHash, now);
    this.cache.delete(id);
    this.generation++;
  }

  /** Forget what was cached for a device (changed or retired, here or in another process). */
  forget(id: string): void {
    this.cache.delete(id);
    this.generation++;
  }
}
