// The gateway API as the console uses it (docs/gateway-api.md). Same origin, session cookie;
// a refusal throws the shared ApiError (shared/ui/http.ts) with the service's code and message.
import { query, request } from '@linli/shared/ui/http.ts';
// The shapes the gateway answers with: one definition, on the server; type-only, so nothing of
// the server reaches the browser bundle.
import type { Durations } from '../src/api/routes/reports.ts';
import type { Plan, Responder, ResponderInput, ResponderPatch } from '../src/responders/schemas.ts';
import type { AlertHistoryEntry, AlertRecord, CenterActionRecord } from '../src/types.ts';

export type { Plan, Responder, ResponderInput, ResponderKind } from '../src/responders/schemas.ts';
export type Alert = AlertRecord;
/** At the center: an operator's action on a station's alert, sent down to the station. */
export type ActionRequest = CenterActionRecord;
export type HistoryEntry = AlertHistoryEntry;

export { ApiError } from '@linli/shared/ui/http.ts';
export type { Durations };
export type Role = 'window' | 'operator' | 'supervisor' | 'admin';
export interface User {
  username: string;
  role: Role;
  displayName?: string;
}
export interface Location {
  building?: string;
  unit?: string;
  room?: string;
  grid?: string;
}
export interface Resident {
  id: string;
  name: string;
  age?: number;
  address?: string;
  phone?: string;
  emergencyContacts: { name: string; phone: string; relation?: string }[];
  livesAlone: boolean;
  notes?: string;
}
export interface Device {
  id: string;
  site: string;
  kind: string;
  location: Location;
  residentId?: string;
  online?: boolean | null;
  battery?: number | null;
  lastSeen?: number | null;
  batteryLow?: boolean;
  /** At the center, the resident's phone comes with the station's summary */
  resident?: { id: string; name: string; livesAlone: boolean; phone?: string } | null;
}
/** Which program answers: a station's gateway or the community center (GET /api/me). */
export type GatewayRole = 'station' | 'center';
export interface PathState {
  lastSeen: number;
  up: boolean;
  outboxDepth?: number;
  outboxOldestAgeS?: number;
  version?: string;
}
export interface Station {
  site: string;
  createdAt: number;
  reachable: boolean;
  lastSeen?: number;
  paths: { mqtt?: PathState; webhook?: PathState };
  openAlerts: number;
  pendingActions: number;
}
export interface Feedback {
  type: string;
  at: number;
  deliveredAt: number | null;
}
export interface AlertDetail {
  alert: Alert;
  history: HistoryEntry[];
  device: Device | null;
  resident: Resident | null;
  /** At the center: the operators' action requests on this alert */
  actions?: ActionRequest[];
}
export interface StoredEvent {
  seqNo: number;
  deviceId: string;
  type: string;
  ts: number;
  receivedAt: number;
}
export interface Summary {
  total: Durations;
  byType: (Durations & { type: string })[];
  /** Per station (at the center: one row per site) */
  bySite: (Durations & { site: string })[];
  buckets: (Durations & { key: string })[];
}
export interface PastAlert {
  id: string;
  site: string;
  deviceId: string | null;
  type: string;
  severity: string;
  state: string;
  raisedAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  resolvedAt: number | null;
  outcome: string | null;
  residentName: string | null;
}

export const api = {
  me: () => request<{ user: User; gateway?: { role: GatewayRole } }>('GET', '/api/me'),
  login: (username: string, password: string) =>
    request<{ user: User; gateway?: { role: GatewayRole } }>('POST', '/api/login', { username, password }),
  logout: () => request<void>('POST', '/api/logout'),
  /** The open alerts (one site's when `site`), and at the center the requests still pending. */
  openAlerts: async (site?: string) => {
    type Page = { alerts: Alert[]; pendingActions?: ActionRequest[] };
    const [raised, acked] = await Promise.all([
      request<Page>('GET', `/api/alerts?${query({ state: 'raised', limit: 1000, site })}`),
      request<Page>('GET', `/api/alerts?${query({ state: 'acknowledged', limit: 1000, site })}`),
    ]);
    return { alerts: [...raised.alerts, ...acked.alerts], pending: acked.pendingActions ?? [] };
  },
  stations: () => request<{ stations: Station[] }>('GET', '/api/center/stations').then((r) => r.stations),
  feedback: (id: string) =>
    request<{ feedback: Feedback[] }>('GET', `/api/alerts/${encodeURIComponent(id)}/feedback`).then(
      (r) => r.feedback,
      () => [] as Feedback[],
    ),
  device: (id: string) => request<{ device: Device }>('GET', `/api/devices/${encodeURIComponent(id)}`),
  alert: (id: string) => request<AlertDetail>('GET', `/api/alerts/${encodeURIComponent(id)}`),
  ack: (id: string) => request<{ alert: Alert }>('POST', `/api/alerts/${encodeURIComponent(id)}/ack`),
  resolve: (id: string, outcome: string, note?: string) =>
    request<{ alert: Alert }>(
      'POST',
      `/api/alerts/${encodeURIComponent(id)}/resolve`,
      note ? { outcome, note } : { outcome },
    ),
  note: (id: string, note: string) =>
    request<unknown>('POST', `/api/alerts/${encodeURIComponent(id)}/notes`, { note }),
  devices: (q: { building?: string; grid?: string; site?: string }) =>
    request<{ total: number; devices: Device[] }>('GET', `/api/devices?${query({ ...q, limit: 1000 })}`),
  events: (limit = 200) => request<{ events: StoredEvent[] }>('GET', `/api/events?limit=${limit}`),
  /** Days and months cut in the browser's time zone, as the date pickers are. */
  summary: (q: { from: number; to: number; bucket: 'day' | 'month'; site?: string }) =>
    request<Summary>(
      'GET',
      `/api/reports/summary?${query({ ...q, tz: -new Date(q.from).getTimezoneOffset() })}`,
    ),
  search: (q: {
    from: number;
    to: number;
    type?: string;
    outcome?: string;
    resident?: string;
    site?: string;
  }) => request<{ alerts: PastAlert[] }>('GET', `/api/reports/alerts?${query(q)}`),
  resident: (id: string) =>
    request<{ resident: Resident }>('GET', `/api/residents/${encodeURIComponent(id)}`),
  responders: (id: string) =>
    request<{ responders: Responder[]; plan: Plan }>(
      'GET',
      `/api/residents/${encodeURIComponent(id)}/responders`,
    ),
  addResponder: (id: string, body: ResponderInput) =>
    request<{ responder: Responder }>('POST', `/api/residents/${encodeURIComponent(id)}/responders`, body),
  patchResponder: (id: string, rid: string, patch: ResponderPatch) =>
    request<{ responder: Responder }>(
      'PATCH',
      `/api/residents/${encodeURIComponent(id)}/responders/${encodeURIComponent(rid)}`,
      patch,
    ),
  removeResponder: (id: string, rid: string) =>
    request<void>('DELETE', `/api/residents/${encodeURIComponent(id)}/responders/${encodeURIComponent(rid)}`),
  setPlan: (id: string, plan: { immediate: boolean; notes?: string }) =>
    request<{ plan: Plan }>('PUT', `/api/residents/${encodeURIComponent(id)}/responders/plan`, plan),
  /** The download link of a month's volunteer hours (CSV). */
  hoursCsvUrl: (month: string) => `/api/volunteer-hours?${query({ month })}`,
};
