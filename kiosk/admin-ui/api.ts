// The kiosk API as the admin screen uses it (docs/kiosk-queue.md, docs/admin-and-statistics.md).
// Same origin, the staff session cookie; a refusal throws the shared ApiError (shared/ui/http.ts)
// with the service's code and its sentence in Chinese and English.
// The shapes shared with the service: one definition (kiosk/src/queue/api-types.ts), type-only.

export { ApiError } from '@linli/shared/ui/http.ts';
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

import { query, request } from '@linli/shared/ui/http.ts';
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

const enc = encodeURIComponent;

export const api = {
  me: () => request<{ staff: Staff }>('GET', '/api/auth/me'),
  login: (username: string, password: string) =>
    request<{ staff: Staff }>('POST', '/api/auth/login', { username, password }),
  logout: () => request<{ ok: true }>('POST', '/api/auth/logout'),
  meta: () => request<{ timeZone: string }>('GET', '/api/meta'),
  today: () => request<{ day: string }>('GET', '/api/health').then((r) => r.day),

  services: () => request<{ services: Service[] }>('GET', '/api/admin/services').then((r) => r.services),
  createService: (s: Partial<Service>) => request<{ service: Service }>('POST', '/api/admin/services', s),
  updateService: (id: string, patch: Partial<Service>) =>
    request<{ service: Service }>('PATCH', `/api/admin/services/${enc(id)}`, patch),

  windows: () => request<{ windows: Window[] }>('GET', '/api/windows').then((r) => r.windows),
  createWindow: (w: { id: number; name: string; serviceIds: string[] }) =>
    request<{ window: Window }>('POST', '/api/admin/windows', w),
  updateWindow: (id: number, patch: Partial<Omit<Window, 'id'>>) =>
    request<{ window: Window }>('PATCH', `/api/admin/windows/${id}`, patch),

  policy: () => request<{ policy: Policy }>('GET', '/api/admin/policy').then((r) => r.policy),
  setPolicy: (p: Partial<Policy>) => request<{ policy: Policy }>('PATCH', '/api/admin/policy', p),
  closedDays: () =>
    request<{ closedDays: ClosedDay[] }>('GET', '/api/admin/closed-days').then((r) => r.closedDays),
  setClosedDay: (d: ClosedDay) =>
    request<{ closedDay: ClosedDay }>('PUT', `/api/admin/closed-days/${d.day}`, {
      serviceIds: d.serviceIds,
      note: d.note,
    }),
  removeClosedDay: (day: string) => request<{ ok: true }>('DELETE', `/api/admin/closed-days/${day}`),

  staff: () => request<{ staff: Staff[] }>('GET', '/api/admin/staff').then((r) => r.staff),
  createStaff: (s: { username: string; displayName: string; role: Role; password: string }) =>
    request<{ staff: Staff }>('POST', '/api/admin/staff', s),
  updateStaff: (id: number, patch: Partial<Omit<Staff, 'id'>> & { password?: string }) =>
    request<{ staff: Staff }>('PATCH', `/api/admin/staff/${id}`, patch),

  appointments: (day: string) =>
    request<{ appointments: Appointment[] }>('GET', `/api/appointments?${query({ day })}`).then(
      (r) => r.appointments,
    ),
  book: (a: { serviceId: string; day: string; time: string; name?: string; idNumber?: string }) =>
    request<{ appointment: Appointment }>('POST', '/api/appointments', a),
  cancelAppointment: (id: string) =>
    request<{ appointment: Appointment }>('POST', `/api/appointments/${enc(id)}/cancel`),

  stats: (from: string, to: string) => request<Stats>('GET', `/api/admin/stats?${query({ from, to })}`),
  statsCsvUrl: (from: string, to: string, by: string) => `/api/admin/stats.csv?${query({ from, to, by })}`,
  badRatings: (open: boolean) =>
    request<{ ratings: BadRating[] }>(
      'GET',
      `/api/admin/ratings/bad?${query({ open: open ? '1' : '0' })}`,
    ).then((r) => r.ratings),
  followUp: (ticketId: string, note: string) =>
    request<{ ok: true }>('POST', `/api/admin/ratings/${enc(ticketId)}/follow-up`, { note }),
  audit: (q: {
    action?: string;
    username?: string;
    target?: string;
    from?: string;
    to?: string;
    limit?: number;
  }) => request<{ entries: AuditEntry[] }>('GET', `/api/admin/audit?${query(q)}`).then((r) => r.entries),
};
