// The kiosk service's HTTP API as the resident screens use it (docs/kiosk-queue.md).
export interface Service {
  id: string;
  nameZh: string;
  nameEn: string;
  prefix: string;
  idRequired: boolean;
  open: boolean;
  /** false: tickets are taken at any hour (a demo set-up); the screen says so. */
  hoursEnforced?: boolean;
  hoursToday: string[];
  waiting: number;
  estimatedWaitMin: number;
}

export interface PublicTicket {
  id: string;
  number: string;
  serviceId: string;
  serviceZh?: string;
  serviceEn?: string;
  priority?: boolean;
  appointment?: boolean;
  state: string;
  windowId: number | null;
  rating?: number | null;
}

export interface Issued {
  ticket: PublicTicket;
  token?: string;
  followUrl?: string;
  peopleAhead: number;
  estimatedWaitMin: number;
  reused?: boolean;
  late?: boolean;
  print?: { state: string; jobId?: string; reason?: string } | null;
}

export interface Card {
  present: boolean;
  nameMasked?: string;
  expired?: boolean;
  priority?: boolean;
}

export interface FollowView {
  ticket: PublicTicket;
  peopleAhead: number;
  estimatedWaitMin: number;
  canRate: boolean;
  callText: string | null;
}

export interface DeviceHealth {
  device: string;
  connected: boolean;
  state: 'ok' | 'warning' | 'error' | 'disconnected';
}

/** An API refusal: the queue's error code (never shown to a resident) and its details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(code);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  const json = (await res.json().catch(() => ({}))) as {
    error?: { code: string; details?: Record<string, unknown> };
  };
  if (!res.ok) throw new ApiError(res.status, json.error?.code ?? `HTTP_${res.status}`, json.error?.details);
  return json as T;
}

export const api = {
  services: () => call<{ services: Service[] }>('GET', '/api/services').then((r) => r.services),
  card: () => call<Card>('GET', '/api/kiosk/card'),
  health: () => call<{ devices: DeviceHealth[] }>('GET', '/api/hardware/health').then((r) => r.devices),
  issue: (serviceId: string, identity: 'card' | 'anonymous') =>
    call<Issued>('POST', '/api/tickets', { serviceId, identity }),
  checkIn: (code: string) => call<Issued>('POST', '/api/appointments/check-in', { code }),
  follow: (token: string) => call<FollowView>('GET', `/api/follow/${encodeURIComponent(token)}`),
  rate: (token: string, rating: number, reason?: string) =>
    call<unknown>('POST', `/api/follow/${encodeURIComponent(token)}/rating`, { rating, reason }),
  scannedTicket: () => call<{ token: string | null }>('GET', '/api/kiosk/scanned-ticket'),
  /** The resident leaves: the card session is dropped (DELETE when the service has it, else the older POST). */
  async clearCard(): Promise<void> {
    try {
      await call('DELETE', '/api/kiosk/card');
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 405))
        await call('POST', '/api/kiosk/card/clear');
      else throw err;
    }
  },
};
