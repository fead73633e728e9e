// The kiosk API as the window console uses it (docs/kiosk-queue.md). Same origin, session cookie;
// a refusal throws the shared ApiError (shared/ui/http.ts) with the service's code and sentences.
import { request } from '@linli/shared/ui/http.ts';
// The shapes shared with the service have one definition (kiosk/src/queue/api-types.ts), type-only.
import type { WindowFigures } from '../src/api/window-figures.ts';
import type { StaffTicket, Window } from '../src/queue/api-types.ts';

export { ApiError } from '@linli/shared/ui/http.ts';

export interface Staff {
  id: number;
  username: string;
  displayName: string;
  role: 'window' | 'admin';
}

export type WindowInfo = Window;
/** A ticket as staff see it; `position` in a window's waiting list. */
export type Ticket = StaffTicket & { position?: number };
/** Today's figures of the window (GET /api/windows/:id/today). */
export type Figures = WindowFigures;
export interface Device {
  device: string;
  state: string;
  connected: boolean;
  detail?: string;
}
export interface ServiceInfo {
  id: string;
  nameZh: string;
  nameEn: string;
  prefix: string;
}
export interface Meta {
  priorityClasses: string[];
  outcomes: string[];
}

const post = <T = { ticket: Ticket }>(path: string, body?: unknown) => request<T>('POST', path, body ?? {});

export const api = {
  me: () => request<{ staff: Staff; windowId: number | null }>('GET', '/api/auth/me'),
  login: (username: string, password: string) =>
    request<{ staff: Staff }>('POST', '/api/auth/login', { username, password }),
  logout: () => post<{ ok: true }>('/api/auth/logout'),
  windows: () => request<{ windows: WindowInfo[] }>('GET', '/api/windows'),
  signIn: (id: number) => post<{ window: WindowInfo }>(`/api/windows/${id}/sign-in`),
  signOut: (id: number) => post<{ ok: true }>(`/api/windows/${id}/sign-out`),
  queue: (id: number) => request<{ tickets: Ticket[] }>('GET', `/api/windows/${id}/queue`),
  ticket: (id: string) => request<{ ticket: Ticket }>('GET', `/api/tickets/${id}`),
  current: (id: number) => request<{ ticket: Ticket | null }>('GET', `/api/windows/${id}/current`),
  figures: (id: number) => request<{ figures: Figures }>('GET', `/api/windows/${id}/today`),
  noShows: () => request<{ tickets: Ticket[] }>('GET', '/api/tickets?state=no-show'),
  health: () => request<{ ok: boolean; time: number; devices?: Device[] }>('GET', '/api/health'),
  services: () => request<{ services: ServiceInfo[] }>('GET', '/api/services'),
  meta: () => request<Meta>('GET', '/api/meta'),
  callNext: (w: number) => post(`/api/windows/${w}/call-next`),
  call: (w: number, ticketId: string) => post(`/api/windows/${w}/call`, { ticketId }),
  recall: (t: string) => post(`/api/tickets/${t}/recall`),
  start: (t: string) => post(`/api/tickets/${t}/start`),
  noShow: (t: string) => post(`/api/tickets/${t}/no-show`),
  reactivate: (t: string) => post(`/api/tickets/${t}/reactivate`),
  finish: (t: string, outcome: string) => post(`/api/tickets/${t}/finish`, { outcome }),
  transfer: (t: string, serviceId: string, note?: string) =>
    post(`/api/tickets/${t}/transfer`, note ? { serviceId, note } : { serviceId }),
  priority: (t: string, priorityClass: string) => post(`/api/tickets/${t}/priority`, { priorityClass }),
};
