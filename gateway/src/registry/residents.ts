// Residents (the person or household a device serves): SQL and row mapping.
import { randomBytes } from 'node:crypto';
// Namespace import: the privacy helpers are resolved when called, not when this module links.
import * as shared from '@linli/shared';
import { ValidationError } from '@linli/shared';
import type { Database } from 'better-sqlite3';
import type { ResidentRecord } from '../types.ts';
import { RegistryError } from './errors.ts';
import type { ResidentInput, ResidentPatch } from './schemas.ts';

export interface RegistryResident extends ResidentRecord {
  idNumberMasked?: string;
  createdAt: number;
  updatedAt: number;
}
export interface ResidentFilter {
  q?: string; // substring of name, address or phone
  livesAlone?: boolean;
  limit?: number;
  offset?: number;
}

interface Raw {
  id: string;
  name: string;
  address: string | null;
  phone: string | null;
  emergency_contacts: string;
  lives_alone: number;
  welfare_check_hours: number | null;
  id_number_masked: string | null;
  created_at: number;
  updated_at: number;
}

function fromRow(r: Raw): RegistryResident {
  return {
    id: r.id,
    name: r.name,
    ...(r.address !== null ? { address: r.address } : {}),
    ...(r.phone !== null ? { phone: r.phone } : {}),
    emergencyContacts: JSON.parse(r.emergency_contacts) as ResidentRecord['emergencyContacts'],
    livesAlone: r.lives_alone === 1,
    ...(r.welfare_check_hours !== null ? { welfareCheckHours: r.welfare_check_hours } : {}),
    ...(r.id_number_masked !== null ? { idNumberMasked: r.id_number_masked } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function idNumberColumns(secretKey: Buffer, idNumber: string): { masked: string; hmac: string } {
  const c = shared.checkIdNumber(idNumber.toUpperCase());
  if (!c.valid) throw new ValidationError(`invalid idNumber: ${c.reason}`, [`/idNumber: ${c.reason}`]);
  return {
    masked: shared.maskIdNumber(idNumber.toUpperCase()),
    hmac: shared.hmacIdNumber(secretKey, idNumber),
  };
}

const emptyToNull = (s: string | undefined): string | null => (s === undefined || s === '' ? null : s);

export class ResidentStore {
  /** @param secretKey the ID-number subkey; @param legacyKey the key that hashed ID numbers before
   *  subkeys (the master key): still found, and re-hashed with the subkey when found. */
  constructor(
    private readonly db: Database,
    private readonly secretKey: Buffer,
    private readonly legacyKey?: Buffer,
  ) {}

  get(id: string): RegistryResident | undefined {
    const r = this.db.prepare('SELECT * FROM residents WHERE id = ?').get(id) as Raw | undefined;
    return r && fromRow(r);
  }

  byIdNumber(idNumber: string): RegistryResident | undefined {
    const current = shared.hmacIdNumber(this.secretKey, idNumber);
    const r = this.db.prepare('SELECT * FROM residents WHERE id_number_hmac = ?').get(current) as
      | Raw
      | undefined;
    if (r || !this.legacyKey) return r && fromRow(r);
    const legacy = shared.hmacIdNumber(this.legacyKey, idNumber);
    const old = this.db.prepare('SELECT * FROM residents WHERE id_number_hmac = ?').get(legacy) as
      | Raw
      | undefined;
    if (!old) return undefined;
    // migrate on touch: the number is known now, so the row gets the subkey's hash
    this.db
      .prepare('UPDATE residents SET id_number_hmac = ? WHERE id = ? AND id_number_hmac = ?')
      .run(current, old.id, legacy);
    return fromRow(old);
  }

  list(f: ResidentFilter = {}): RegistryResident[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (f.q) {
      where.push("(name LIKE ? ESCAPE '\\' OR address LIKE ? ESCAPE '\\' OR phone LIKE ? ESCAPE '\\')");
      const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      args.push(like, like, like);
    }
    if (f.livesAlone !== undefined) {
      where.push('lives_alone = ?');
      args.push(f.livesAlone ? 1 : 0);
    }
    const limit = Math.min(Math.max(f.limit ?? 1000, 1), 10_000);
    const offset = Math.max(f.offset ?? 0, 0);
    const sql = `SELECT * FROM residents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ${limit} OFFSET ${offset}`;
    return (this.db.prepare(sql).all(...args) as Raw[]).map(fromRow);
  }

  /** Insert; the caller owns the transaction. */
  insert(input: ResidentInput, now = Date.now()): RegistryResident {
    const id = input.id ?? `r_${randomBytes(6).toString('hex')}`;
    if (this.get(id)) throw new RegistryError('RESIDENT_EXISTS', `resident ${id} already exists`);
    const idn = input.idNumber ? idNumberColumns(this.secretKey, input.idNumber) : undefined;
    this.db
      .prepare(
        `INSERT INTO residents (id, name, address, phone, emergency_contacts, lives_alone, welfare_check_hours,
           id_number_masked, id_number_hmac, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        input.name,
        emptyToNull(input.address),
        emptyToNull(input.phone),
        JSON.stringify(input.emergencyContacts ?? []),
        input.livesAlone ? 1 : 0,
        input.welfareCheckHours ?? null,
        idn?.masked ?? null,
        idn?.hmac ?? null,
        now,
        now,
      );
    return this.get(id)!;
  }

  /** Patch; an empty string clears address, phone or idNumber. The caller owns the transaction. */
  update(
    id: string,
    patch: ResidentPatch,
    now = Date.now(),
  ): { before: RegistryResident; after: RegistryResident } {
    const before = this.get(id);
    if (!before) throw new RegistryError('RESIDENT_NOT_FOUND', `resident ${id} not found`);
    const sets: string[] = [];
    const args: (string | number | null)[] = [];
    const set = (col: string, v: string | number | null) => {
      sets.push(`${col} = ?`);
      args.push(v);
    };
    if (patch.name !== undefined) set('name', patch.name);
    if (patch.address !== undefined) set('address', emptyToNull(patch.address));
    if (patch.phone !== undefined) set('phone', emptyToNull(patch.phone));
    if (patch.emergencyContacts !== undefined)
      set('emergency_contacts', JSON.stringify(patch.emergencyContacts));
    if (patch.livesAlone !== undefined) set('lives_alone', patch.livesAlone ? 1 : 0);
    if (patch.welfareCheckHours !== undefined) set('welfare_check_hours', patch.welfareCheckHours);
    if (patch.idNumber !== undefined) {
      const idn = patch.idNumber === '' ? undefined : idNumberColumns(this.secretKey, patch.idNumber);
      set('id_number_masked', idn?.masked ?? null);
      set('id_number_hmac', idn?.hmac ?? null);
    }
    set('updated_at', now);
    this.db.prepare(`UPDATE residents SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
    return { before, after: this.get(id)! };
  }

  /** Delete; devices serving the resident keep working with no resident. */
  delete(id: string): RegistryResident {
    const before = this.get(id);
    if (!before) throw new RegistryError('RESIDENT_NOT_FOUND', `resident ${id} not found`);
    this.db.prepare('UPDATE devices SET resident_id = NULL WHERE resident_id = ?').run(id);
    this.db.prepare('DELETE FROM residents WHERE id = ?').run(id);
    return before;
  }
}
