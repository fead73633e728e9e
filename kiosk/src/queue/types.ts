// Rows of the queue tables and the views handed to the API and the live stream.
import type { Hours } from './hours.ts';

export type TicketState =
  | 'waiting'
  | 'called'
  | 'serving'
  | 'done'
  | 'no-show'
  | 'cancelled'
  | 'transferred'
  | 'expired';
export const OPEN_STATES: TicketState[] = ['waiting', 'called', 'serving'];
export type TicketSource = 'card' | 'appointment' | 'anonymous' | 'staff' | 'transfer';
export type Outcome = 'resolved' | 'follow-up' | 'referred';
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

export interface Service {
  id: string;
  nameZh: string;
  nameEn: string;
  prefix: string;
  rangeStart: number;
  rangeEnd: number;
  dailyCap: number;
  hours: Hours;
  idRequired: boolean;
  expectedServiceS: number;
  active: boolean;
  sort: number;
}

export interface WindowRow {
  id: number;
  name: string;
  active: number;
  staff_id: number | null;
  normal_streak: number;
}

export interface Window {
  id: number;
  name: string;
  active: boolean;
  staffId: number | null;
  staffName: string | null;
  serviceIds: string[];
}

/** What anyone may see of a ticket (resident phone, display board, live stream): no identity, no class. */
export interface PublicTicket {
  id: string;
  number: string;
  serviceId: string;
  serviceZh: string;
  serviceEn: string;
  priority: boolean;
  appointment: boolean;
  state: TicketState;
  windowId: number | null;
  day: string;
  arrivedAt: number;
  calledAt: number | null;
  finishedAt: number | null;
  recalls: number;
  outcome: Outcome | null;
  rating: number | null;
}

/** What staff see: adds the priority class, masked identity, times and notes. */
export interface StaffTicket extends PublicTicket {
  priorityClass: string;
  source: TicketSource;
  nameMasked: string | null;
  idMasked: string | null;
  queuedAt: number;
  startedAt: number | null;
  staffId: number | null;
  slotAt: number | null;
  note: string | null;
  transferredFrom: string | null;
  ratingReason: string | null;
  ratingComment: string | null;
}

export interface Actor {
  staffId: number;
  username: string;
  role: 'window' | 'admin';
  address?: string;
}

/** The resident's identity as the queue keeps it: never the full ID number. */
export interface ResidentIdentity {
  idHash: string;
  idMasked: string;
  nameMasked: string;
  birthDate?: string; // YYYY-MM-DD, for automatic priority by age
}
