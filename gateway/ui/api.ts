// The gateway API as the console uses it (docs/gateway-api.md). Same origin, session cookie.
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
export interface Alert {
  id: string;
  rev: number;
  site: string;
  deviceId?: string;
  type: string;
  severity: 'critical' | 'major' | 'minor' | 'warning';
  state: 'raised' | 'acknowledged' | 'resolved' | 'cancelled';
  count: number;
  raisedAt: number;
  lastAt: number;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  resolvedAt?: number;
  resolvedBy?: string;
  outcome?: string;
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
/** At the center: an operator's action on a station's alert, sent down to the station. */
export interface ActionRequest {
  id: string;
  site: string;
  alertId: string;
  action: 'acknowledge' | 'resolve' | 'note';
  by: string;
  at: number;
  outcome?: string;
  note?: string;
  state: 'pending' | 'applied' | 'refused';
  resultAt?: number;
  resultRev?: number;
  reason?: string;
}
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
export interface HistoryEntry {
  rev: number;
  at: number;
  by: string;
  action: string;
  note?: string;
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
export interface Durations {
  count: number;
  ackMedianMs: number | null;
  ackWorstMs: number | null;
  resolveMedianMs: number | null;
  resolveWorstMs: number | null;
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

export type ResponderKind = 'family' | 'volunteer' | 'grid-worker';
export interface Responder {
  id: string;
  residentId: string;
  name: string;
  kind: ResponderKind;
  phone: string;
  order: number;
  hours: string | null;
  consent: { givenBy: string; at: number; recordedBy: string; recordedAt: number };
  active: boolean;
}
export interface Plan {
  residentId: string;
  immediate: boolean;
  notes: string | null;
}
export interface ResponderInput {
  name: string;
  kind: ResponderKind;
  phone: string;
  order: number;
  hours?: string | null;
  consent: { givenBy: string; at: number };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<R>(method: string, path: string, body?: unknown): Promise<R> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (res.status === 204) return undefined as R;
  const json = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!res.ok)
    throw new ApiError(res.status, json.error?.code ?? 'HTTP', json.error?.message ?? res.statusText);
  return json as R;
}

const qs = (q: Record<string, string | number | boolean | undefined>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  return p.toString();
};

export const api = {
  me: () => call<{ user: User; gateway?: { role: GatewayRole } }>('GET', '/api/me'),
  login: (username: string, password: string) =>
    call<{ user: User; gateway?: { role: GatewayRole } }>('POST', '/api/login', { username, password }),
  logout: () => call<void>('POST', '/api/logout'),
  /** The open alerts (one site's when `site`), and at the center the requests still pending. */
  openAlerts: async (site?: string) => {
    type Page = { alerts: Alert[]; pendingActions?: ActionRequest[] };
    const [raised, acked] = await Promise.all([
      call<Page>('GET', `/api/alerts?${qs({ state: 'raised', limit: 1000, site })}`),
      call<Page>('GET', `/api/alerts?${qs({ state: 'acknowledged', limit: 1000, site })}`),
    ]);
    return { alerts: [...raised.alerts, ...acked.alerts], pending: acked.pendingActions ?? [] };
  },
  stations: () => call<{ stations: Station[] }>('GET', '/api/center/stations').then((r) => r.stations),
  feedback: (id: string) =>
    call<{ feedback: Feedback[] }>('GET', `/api/alerts/${encodeURIComponent(id)}/feedback`).then(
      (r) => r.feedback,
      () => [] as Feedback[],
    ),
  device: (id: string) => call<{ device: Device }>('GET', `/api/devices/${encodeURIComponent(id)}`),
  alert: (id: string) => call<AlertDetail>('GET', `/api/alerts/${encodeURIComponent(id)}`),
  ack: (id: string) => call<{ alert: Alert }>('POST', `/api/alerts/${encodeURIComponent(id)}/ack`),
  resolve: (id: string, outcome: string, note?: string) =>
    call<{ alert: Alert }>(
      'POST',
      `/api/alerts/${encodeURIComponent(id)}/resolve`,
      note ? { outcome, note } : { outcome },
    ),
  note: (id: string, note: string) =>
    call<unknown>('POST', `/api/alerts/${encodeURIComponent(id)}/notes`, { note }),
  devices: (q: { building?: string; grid?: string; site?: string }) =>
    call<{ total: number; devices: Device[] }>('GET', `/api/devices?${qs({ ...q, limit: 1000 })}`),
  events: (limit = 200) => call<{ events: StoredEvent[] }>('GET', `/api/events?limit=${limit}`),
  /** Days and months cut in the browser's time zone, as the date pickers are. */
  summary: (q: { from: number; to: number; bucket: 'day' | 'month'; site?: string }) =>
    call<Summary>('GET', `/api/reports/summary?${qs({ ...q, tz: -new Date(q.from).getTimezoneOffset() })}`),
  search: (q: {
    from: number;
    to: number;
    type?: string;
    outcome?: string;
    resident?: string;
    site?: string;
  }) => call<{ alerts: PastAlert[] }>('GET', `/api/reports/alerts?${qs(q)}`),
  resident: (id: string) => call<{ resident: Resident }>('GET', `/api/residents/${encodeURIComponent(id)}`),
  responders: (id: string) =>
    call<{ responders: Responder[]; plan: Plan }>(
      'GET',
      `/api/residents/${encodeURIComponent(id)}/responders`,
    ),
  addResponder: (id: string, body: ResponderInput) =>
    call<{ responder: Responder }>('POST', `/api/residents/${encodeURIComponent(id)}/responders`, body),
  patchResponder: (id: string, rid: string, patch: Partial<ResponderInput> & { active?: boolean }) =>
    call<{ responder: Responder }>(
      'PATCH',
      `/api/residents/${encodeURIComponent(id)}/responders/${encodeURIComponent(rid)}`,
      patch,
    ),
  removeResponder: (id: string, rid: string) =>
    call<void>('DELETE', `/api/residents/${encodeURIComponent(id)}/responders/${encodeURIComponent(rid)}`),
  setPlan: (id: string, plan: { immediate: boolean; notes?: string }) =>
    call<{ plan: Plan }>('PUT', `/api/residents/${encodeURIComponent(id)}/responders/plan`, plan),
  /** The download link of a month's volunteer hours (CSV). */
  hoursCsvUrl: (month: string) => `/api/volunteer-hours?${qs({ month })}`,
};
