// Rows of the queue tables and the views handed to the API and the live stream.
import type { Outcome, Role, TicketSource, TicketState } from './api-types.ts';

export type {
  Hours,
  Outcome,
  PublicTicket,
  Service,
  StaffTicket,
  TicketSource,
  TicketState,
  Window,
} from './api-types.ts';

export const OPEN_STATES: TicketState[] = ['waiting', 'called', 'serving'];
export const OUTCOMES: Outcome[] = ['resolved', 'follow-up', 'referred'];

export interface TicketRow {
  id: string;
  token: string;
  day: string;
  service_id: string;
  seq: number | null;
  number: string;
  priority_class: string;
  source: TicketSource;
  id_hash: string | null;
  id_masked: string | null;
  name_masked: string | null;
  appointment_id: string | null;
  slot_at: number | null;
  state: TicketState;
  arrived_at: number;
  queued_at: number;
  order_at: number;
  called_at: number | null;
  first_called_at: number | null;
  started_at: number | null;
  finished_at: number | null;
  recalls: number;
  window_id: number | null;
  staff_id: number | null;
  outcome: Outcome | null;
  note: string | null;
  transferred_from: string | null;
  rating: number | null;
  rating_reason: string | null;
  rating_comment: string | null;
  rated_at: number | null;
  followup_at: number | null;
  followup_by: number | null;
  followup_note: string | null;
}

export interface ServiceRow {
  id: string;
  name_zh: string;
  name_en: string;
  prefix: string;
  range_start: number;
  range_end: number;
  daily_cap: number;
  hours: string;
  id_required: number;
  expected_service_s: number;
  active: number;
  sort: number;
}

export interface WindowRow {
  id: number;
  name: string;
  active: number;
  staff_id: number | null;
  normal_streak: number;
}

export interface Actor {
  staffId: number;
  username: string;
  role: Role;
  address?: string;
}

/** The resident's identity as the queue keeps it: never the full ID number. */
export interface ResidentIdentity {
  idHash: string;
  idMasked: string;
  nameMasked: string;
  birthDate?: string; // YYYY-MM-DD, for automatic priority by age
}
