// The kiosk API as the window console uses it (docs/kiosk-queue.md). Same origin, session cookie.
// The shapes shared with the service have one definition (kiosk/src/queue/api-types.ts), type-only.
import type { StaffTicket, Window } from '../src/queue/api-types.ts';

export interface Staff {
  id: number;
  username: string;
  displayName: string;
  role: 'window' | 'admin';
}

export type WindowInfo = Window;
/** A ticket as staff see it; `position` in a window's waiting list. */
export type Ticket = StaffTicket & { position?: number };
export interface Figures {
  served: number;
  called: number;
  noShow: number;
  transferred: number;
  avgWaitS: number | null;
  avgServiceS: number | null;
  ratings: Record<'1' | '2' | '3' | '4' | '5', number>;
  ratingMean: number | null;
}
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

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly zh: string,
    readonly en: string,
  ) {
    super(`${status} ${code}: ${en}`);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'NETWORK', '无法连接服务', 'service unreachable');
  }
  const json = (await res.json().catch(() => ({}))) as {
    error?: { code?: string; zh?: string; en?: string; message?: string };
  };
  if (!res.ok) {
    const e = json.error ?? {};
    throw new ApiError(res.status, e.code ?? 'ERROR', e.zh ?? '操作失败', e.en ?? e.message ?? 'failed');
  }
  return json as T;
}

const post = <T = { ticket: Ticket }>(path: string, body?: unknown) => call<T>('POST', path, body ?? {});

export const api = {
  me: () => call<{ staff: Staff; windowId: number | null }>('GET', '/api/auth/me'),
  login: (username: string, password: string) =>
    call<{ staff: Staff }>('POST', '/api/auth/login', { username, password }),
  logout: () => post<{ ok: true }>('/api/auth/logout'),
  windows: () => call<{ windows: WindowInfo[] }>('GET', '/api/windows'),
  signIn: (id: number) => post<{ window: WindowInfo }>(`/api/windows/${id}/sign-in`),
  signOut: (id: number) => post<{ ok: true }>(`/api/windows/${id}/sign-out`),
  queue: (id: number) => call<{ tickets: Ticket[] }>('GET', `/api/windows/${id}/queue`),
  ticket: (id: string) => call<{ ticket: Ticket }>('GET', `/api/tickets/${id}`),
  current: (id: number) => call<{ ticket: Ticket | null }>('GET', `/api/windows/${id}/current`),
  figures: (id: number) => call<{ figures: Figures }>('GET', `/api/windows/${id}/today`),
  noShows: () => call<{ tickets: Ticket[] }>('GET', '/api/tickets?state=no-show'),
  health: () => call<{ ok: boolean; time: number; devices?: Device[] }>('GET', '/api/health'),
  services: () => call<{ services: ServiceInfo[] }>('GET', '/api/services'),
  meta: () => call<Meta>('GET', '/api/meta'),
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
