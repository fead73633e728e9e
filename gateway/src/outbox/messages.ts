// The link's messages (docs/center-link.md): what the station sends, and the checks on what
// the center sends down (anything else is refused with a reason, counted and logged).
import type { AlertHistoryEntry, AlertRecord } from '../types.ts';

export interface AlertContext {
  resident?: {
    id: string;
    name: string;
    phone?: string;
    address?: string;
    building?: string;
    unit?: string;
    room?: string;
    gridCell?: string;
    livesAlone: boolean;
    emergencyContacts: { name: string; phone: string; relation?: string }[];
  };
  device?: {
    id: string;
    kind: string;
    location?: string;
    building?: string;
    unit?: string;
    room?: string;
    gridCell?: string;
    battery?: number;
    online?: boolean;
  };
}

export interface AlertMessage {
  v: 1;
  kind: 'alert';
  site: string;
  alertId: string;
  rev: number;
  sentAt?: number;
  alert: AlertRecord;
  history: AlertHistoryEntry[];
  context: AlertContext;
}

export interface ActionResultMessage {
  v: 1;
  kind: 'action-result';
  site: string;
  actionId: string;
  alertId: string;
  applied: boolean;
  rev?: number;
  reason?: string;
  sentAt?: number;
}

export interface SupervisionMessage {
  v: 1;
  kind: 'supervision';
  site: string;
  path: 'mqtt' | 'webhook';
  at: number;
  outbox: { depth: number; oldestAgeS: number };
  version: string;
}

/** One station device for the center console (center/protocol.ts DeviceSummarySchema). */
export interface DeviceSummary {
  id: string;
  kind: string;
  building?: string;
  unit?: string;
  room?: string;
  gridCell?: string;
  resident?: { id: string; name: string; phone?: string; livesAlone: boolean };
  online: boolean | null;
  battery?: number;
  batteryLow?: boolean;
  tamper?: boolean;
  lastSeen?: number;
}

/** The station's registry summarised: changes, or one part of a full snapshot. */
export interface RegistryMessage {
  v: 1;
  kind: 'registry';
  site: string;
  at: number;
  mode: 'changes' | 'snapshot';
  snapshot?: { id: string; part: number; parts: number };
  devices: DeviceSummary[];
  removed?: string[];
}

export type StationMessage = AlertMessage | ActionResultMessage | SupervisionMessage | RegistryMessage;

export interface StoredReceipt {
  kind: 'stored';
  alertId?: string;
  rev?: number;
  actionId?: string;
  duplicate?: boolean;
}

export type CenterAction = 'acknowledge' | 'resolve' | 'note';

export interface ActionRequest {
  kind: 'action';
  actionId: string;
  alertId: string;
  action: CenterAction;
  by: string;
  at?: number;
  outcome?: string;
  note?: string;
}

export type CenterMessage = StoredReceipt | ActionRequest | { kind: 'supervision-ack'; at?: number };

const ID = /^[A-Za-z0-9_:.-]{1,128}$/;
const isStr = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max;

/** Check a message from the center; returns it, or the reason it is refused. */
export function parseCenterMessage(raw: unknown): CenterMessage | { refused: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { refused: 'not-an-object' };
  const m = raw as Record<string, unknown>;
  if (m.v !== undefined && m.v !== 1) return { refused: 'version' };
  switch (m.kind) {
    case 'stored': {
      if (isStr(m.actionId, 128) && ID.test(m.actionId)) return { kind: 'stored', actionId: m.actionId };
      if (!isStr(m.alertId, 128) || !Number.isInteger(m.rev) || (m.rev as number) < 1)
        return { refused: 'stored-fields' };
      return { kind: 'stored', alertId: m.alertId, rev: m.rev as number, duplicate: m.duplicate === true };
    }
    case 'supervision-ack':
      return { kind: 'supervision-ack' };
    case 'action': {
      if (!isStr(m.actionId, 128) || !ID.test(m.actionId)) return { refused: 'action-id' };
      if (!isStr(m.alertId, 128)) return { refused: 'action-alert-id' };
      if (m.action !== 'acknowledge' && m.action !== 'resolve' && m.action !== 'note')
        return { refused: 'action-kind' };
      if (!isStr(m.by, 64)) return { refused: 'action-by' };
      const a: ActionRequest = {
        kind: 'action',
        actionId: m.actionId,
        alertId: m.alertId,
        action: m.action,
        by: m.by,
      };
      if (m.outcome !== undefined) {
        if (!isStr(m.outcome, 64)) return { refused: 'action-outcome' };
        a.outcome = m.outcome;
      }
      if (m.note !== undefined) {
        if (!isStr(m.note, 1000)) return { refused: 'action-note' };
        a.note = m.note;
      }
      if (a.action === 'note' && a.note === undefined) return { refused: 'action-note' };
      if (typeof m.at === 'number') a.at = m.at;
      return a;
    }
    default:
      return { refused: 'kind' };
  }
}
