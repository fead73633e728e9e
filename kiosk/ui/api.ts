// The kiosk service's HTTP API as the resident screens use it (docs/kiosk-queue.md). A refusal
// throws the shared ApiError (shared/ui/http.ts): its code is never shown to a resident.
import { ApiError, request } from '@linli/shared/ui/http.ts';

export { ApiError };

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

export const api = {
  services: () => request<{ services: Service[] }>('GET', '/api/services').then((r) => r.services),
  card: () => request<Card>('GET', '/api/kiosk/card'),
  health: () => request<{ devices: DeviceHealth[] }>('GET', '/api/hardware/health').then((r) => r.devices),
  issue: (serviceId: string, identity: 'card' | 'anonymous') =>
    request<Issued>('POST', '/api/tickets', { serviceId, identity }),
  checkIn: (code: string) => request<Issued>('POST', '/api/appointments/check-in', { code }),
  follow: (token: string) => request<FollowView>('GET', `/api/follow/${encodeURIComponent(token)}`),
  rate: (token: string, rating: number, reason?: string) =>
    request<unknown>('POST', `/api/follow/${encodeURIComponent(token)}/rating`, { rating, reason }),
  scannedTicket: () => request<{ token: string | null }>('GET', '/api/kiosk/scanned-ticket'),
  /** The resident leaves: the card session is dropped (DELETE when the service has it, else the older POST). */
  async clearCard(): Promise<void> {
    try {
      await request('DELETE', '/api/kiosk/card');
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 405))
        await request('POST', '/api/kiosk/card/clear');
      else throw err;
    }
  },
};
