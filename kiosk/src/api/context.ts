// What the routes are given: the engine and the stores around it.

import type { LoginLimiter } from '../auth/rate-limit.ts';
import type { StaffStore, StaffView } from '../auth/staff.ts';
import type { KioskConfig } from '../config.ts';
import type { Hardware } from '../hardware/types.ts';
import type { Appointments } from '../queue/appointments.ts';
import type { CardSessions } from '../queue/card-session.ts';
import type { QueueEngine } from '../queue/engine.ts';
import type { Actor } from '../queue/types.ts';

export interface ApiContext {
  config: KioskConfig;
  engine: QueueEngine;
  appointments: Appointments;
  cards: CardSessions;
  staff: StaffStore;
  limiter: LoginLimiter;
  refusals: Map<string, number>;
  /** The hardware service, when the kiosk runs with devices (absent in queue-only setups). */
  hardware?: Hardware | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in kiosk staff member (named apart from the gateway's request.staff). */
    kioskStaff: StaffView | null;
  }
}

export function actorOf(staff: StaffView, address: string): Actor {
  return { staffId: staff.id, username: staff.username, role: staff.role, address };
}
