// The kiosk API as the admin screen uses it (docs/kiosk-queue.md, docs/admin-and-statistics.md).
// Same origin, the staff session cookie; a refusal throws ApiError with the service's code and
// its sentence in Chinese and English.
// The shapes shared with the service: one definition (kiosk/src/queue/api-types.ts), type-only.
export type {
  AuditEntry,
  ClosedDay,
  Dist,
  Hours,
  PolicySettings as Policy,
  Role,
  Service,
  StaffView as Staff,
  Stats,
  StatsGroup,
  Window,
} from '../src/queue/api-types.ts';

import type {
  AuditEntry,
  ClosedDay,
  PolicySettings as Policy,
  Role,
  Service,
  StaffView as Staff,
  Stats,
  Window,
} from '../src/queue/api-types.ts';

export interface Appointment {
  id: string;
  code: string;
  serviceId: string;
  slotAt: number;
  nameMasked: string | null;
  idMasked: string | null;
  state: string;
  ticketId: string | null;
}
export interface BadRating {
  id: string;
  number: string;
  serviceZh: string;
  windowId: number | null;
  staffId: number | null;
  rating: number;
  ratingText: string;
  reasonText: string | null;
  ratingComment: string | null;
  finishedAt: number | null;
  followupAt: number | null;
  followupBy: number | null;
  followupNote: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
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
  const json = (await res.json().catch(() => ({}))) as {
    error?: { code: string; zh?: string; en?: string; message: string; details?: unknown };
  };
  if (!res.ok) {
    const e = json.error;
    const detail = Array.isArray(e?.details) ? `: ${e.details.join('; ')}` : '';
    throw new ApiError(
      res.status,
      e?.code ?? 'HTTP',
      `${e?.zh ?? res.statusText}${detail}`,
      `${e?.en ?? e?.message ?? res.statusText}${detail}`,
    );
  }
  return json as R;
}

export const qs = (q: Record<string, string | number | undefined>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  return p.toString();
};

const enc = encodeURIComponent;

export const api = {
  me: () => call<{ staff: Staff }>('GET', '/api/auth/me'),
  login: (username: string, password: string) =>
    call<{ staff: Staff }>('POST', '/api/auth/login', { username, password }),
  logout: () => call<{ ok: true }>('POST', '/api/auth/logout'),
  meta: () => call<{ timeZone: string }>('GET', '/api/meta'),
  today: () => call<{ day: string }>('GET', '/api/health').then((r) => r.day),

  services: () => call<{ services: Service[] }>('GET', '/api/admin/services').then((r) => r.services),
  createService: (s: Partial<Service>) => call<{ service: Service }>('POST', '/api/admin/services', s),
  updateService: (id: string, patch: Partial<Service>) =>
    call<{ service: Service }>('PATCH', `/api/admin/services/${enc(id)}`, patch),

  windows: () => call<{ windows: Window[] }>('GET', '/api/windows').then((r) => r.windows),
  createWindow: (w: { id: number; name: string; serviceIds: string[] }) =>
    call<{ window: Window }>('POST', '/api/admin/windows', w),
  updateWindow: (id: number, patch: Partial<Omit<Window, 'id'>>) =>
    call<{ window: Window }>('PATCH', `/api/admin/windows/${id}`, patch),

  policy: () => call<{ policy: Policy }>('GET', '/api/admin/policy').then((r) => r.policy),
  setPolicy: (p: Partial<Policy>) => call<{ policy: Policy }>('PATCH', '/api/admin/policy', p),
  closedDays: () =>
    call<{ closedDays: ClosedDay[] }>('GET', '/api/admin/closed-days').then((r) => r.closedDays),
  setClosedDay: (d: ClosedDay) =>
    call<{ closedDay: ClosedDay }>('PUT', `/api/admin/closed-days/${d.day}`, {
      serviceIds: d.serviceIds,
      note: d.note,
    }),
  removeClosedDay: (day: string) => call<{ ok: true }>('DELETE', `/api/admin/closed-days/${day}`),

  staff: () => call<{ staff: Staff[] }>('GET', '/api/admin/staff').then((r) => r.staff),
  createStaff: (s: { username: string; displayName: string; role: Role; password: string }) =>
    call<{ staff: Staff }>('POST', '/api/admin/staff', s),
  updateStaff: (id: number, patch: Partial<Omit<Staff, 'id'>> & { password?: string }) =>
    call<{ staff: Staff }>('PATCH', `/api/admin/staff/${id}`, patch),

  appointments: (day: string) =>
    call<{ appointments: Appointment[] }>('GET', `/api/appointments?${qs({ day })}`).then(
      (r) => r.appointments,
    ),
  book: (a: { serviceId: string; day: string; time: string; name?: string; idNumber?: string }) =>
    call<{ appointment: Appointment }>('POST', '/api/appointments', a),
  cancelAppointment: (id: string) =>
    call<{ appointment: Appointment }>('POST', `/api/appointments/${enc(id)}/cancel`),

  stats: (from: string, to: string) => call<Stats>('GET', `/api/admin/stats?${qs({ from, to })}`),
  statsCsvUrl: (from: string, to: string, by: string) => `/api/admin/stats.csv?${qs({ from, to, by })}`,
  badRatings: (open: boolean) =>
    call<{ ratings: BadRating[] }>('GET', `/api/admin/ratings/bad?${qs({ open: open ? '1' : '0' })}`).then(
      (r) => r.ratings,
    ),
  followUp: (ticketId: string, note: string) =>
    call<{ ok: true }>('POST', `/api/admin/ratings/${enc(ticketId)}/follow-up`, { note }),
  audit: (q: {
    action?: string;
    username?: string;
    target?: string;
    from?: string;
    to?: string;
    limit?: number;
  }) => call<{ entries: AuditEntry[] }>('GET', `/api/admin/audit?${qs(q)}`).then((r) => r.entries),
};
