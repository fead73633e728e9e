// SQL of responders and residents' plans (migration 007).
import { randomBytes } from 'node:crypto';
import { LinliError } from '@linli/shared';
import type { Database } from 'better-sqlite3';
import type { Plan, PlanInput, Responder, ResponderInput, ResponderKind, ResponderPatch } from './schemas.ts';

interface Row {
  id: string;
  resident_id: string;
  name: string;
  kind: ResponderKind;
  phone: string;
  ord: number;
  hours: string | null;
  consent_given_by: string;
  consent_at: number;
  consent_recorded_by: string;
  consent_recorded_at: number;
  active: number;
  created_at: number;
  updated_at: number;
}

function fromRow(r: Row): Responder {
  return {
    id: r.id,
    residentId: r.resident_id,
    name: r.name,
    kind: r.kind,
    phone: r.phone,
    order: r.ord,
    hours: r.hours,
    consent: {
      givenBy: r.consent_given_by,
      at: r.consent_at,
      recordedBy: r.consent_recorded_by,
      recordedAt: r.consent_recorded_at,
    },
    active: r.active === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class ResponderStore {
  private readonly s;
  constructor(
    db: Database,
    private readonly now: () => number = Date.now,
  ) {
    this.s = {
      list: db.prepare('SELECT * FROM responders WHERE resident_id = ? ORDER BY ord, created_at'),
      get: db.prepare('SELECT * FROM responders WHERE id = ?'),
      resident: db.prepare('SELECT 1 FROM residents WHERE id = ?'),
      insert:
        db.prepare(`INSERT INTO responders (id, resident_id, name, kind, phone, ord, hours, consent_given_by,
        consent_at, consent_recorded_by, consent_recorded_at, active, created_at, updated_at)
        VALUES (@id, @residentId, @name, @kind, @phone, @order, @hours, @givenBy, @consentAt, @recordedBy,
        @recordedAt, 1, @now, @now)`),
      update: db.prepare(`UPDATE responders SET name = @name, kind = @kind, phone = @phone, ord = @order,
        hours = @hours, consent_given_by = @givenBy, consent_at = @consentAt, consent_recorded_by = @recordedBy,
        consent_recorded_at = @recordedAt, active = @active, updated_at = @now WHERE id = @id`),
      remove: db.prepare('DELETE FROM responders WHERE id = ?'),
      plan: db.prepare('SELECT resident_id, immediate, notes FROM responder_plans WHERE resident_id = ?'),
      setPlan: db.prepare(`INSERT INTO responder_plans (resident_id, immediate, notes, updated_at, updated_by)
        VALUES (?, ?, ?, ?, ?) ON CONFLICT (resident_id) DO UPDATE SET immediate = excluded.immediate,
        notes = excluded.notes, updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
    };
  }

  private mustResident(residentId: string): void {
    if (!this.s.resident.get(residentId))
      throw new LinliError('RESIDENT_NOT_FOUND', `resident ${residentId} not found`);
  }

  list(residentId: string): Responder[] {
    this.mustResident(residentId);
    return (this.s.list.all(residentId) as Row[]).map(fromRow);
  }

  get(id: string): Responder | undefined {
    const r = this.s.get.get(id) as Row | undefined;
    return r && fromRow(r);
  }

  /** The responder `id` of resident `residentId`, or RESPONDER_NOT_FOUND. */
  of(residentId: string, id: string): Responder {
    const r = this.get(id);
    if (!r || r.residentId !== residentId)
      throw new LinliError('RESPONDER_NOT_FOUND', `resident ${residentId} has no responder ${id}`);
    return r;
  }

  create(residentId: string, input: ResponderInput, recordedBy: string): Responder {
    this.mustResident(residentId);
    const id = `rsp-${randomBytes(6).toString('hex')}`;
    const now = this.now();
    this.s.insert.run({
      id,
      residentId,
      name: input.name,
      kind: input.kind,
      phone: input.phone,
      order: input.order,
      hours: input.hours ?? null,
      givenBy: input.consent.givenBy,
      consentAt: input.consent.at,
      recordedBy,
      recordedAt: now,
      now,
    });
    return this.get(id)!;
  }

  update(residentId: string, id: string, patch: ResponderPatch, recordedBy: string): Responder {
    const r = this.of(residentId, id);
    const now = this.now();
    const consent = patch.consent ? { ...patch.consent, recordedBy, recordedAt: now } : r.consent;
    this.s.update.run({
      id,
      name: patch.name ?? r.name,
      kind: patch.kind ?? r.kind,
      phone: patch.phone ?? r.phone,
      order: patch.order ?? r.order,
      hours: patch.hours === undefined ? r.hours : patch.hours,
      givenBy: consent.givenBy,
      consentAt: consent.at,
      recordedBy: consent.recordedBy,
      recordedAt: consent.recordedAt,
      active: (patch.active ?? r.active) ? 1 : 0,
      now,
    });
    return this.get(id)!;
  }

  remove(residentId: string, id: string): void {
    this.of(residentId, id);
    this.s.remove.run(id);
  }

  plan(residentId: string): Plan {
    const r = this.s.plan.get(residentId) as { immediate: number; notes: string | null } | undefined;
    return { residentId, immediate: r?.immediate === 1, notes: r?.notes ?? null };
  }

  setPlan(residentId: string, input: PlanInput, by: string): Plan {
    this.mustResident(residentId);
    this.s.setPlan.run(residentId, input.immediate ? 1 : 0, input.notes ?? null, this.now(), by);
    return this.plan(residentId);
  }
}
