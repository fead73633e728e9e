// The shapes the kiosk API answers with, as pure types: the service's modules use them and the
// browser screens import them (type-only, so no Node code reaches a bundle). One definition each;
// the admin screen's api.ts and the queue engine no longer keep copies.

/** Opening hours per weekday, 0 = Sunday: {"1": ["08:30-12:00", "14:00-17:30"], …}. */
export type Hours = Record<'0' | '1' | '2' | '3' | '4' | '5' | '6', string[]>;

export type TicketState =
  | 'waiting'
  | 'called'
  | 'serving'
  | 'done'
  | 'no-show'
  | 'cancelled'
  | 'transferred'
  | 'expired';
export type TicketSource = 'card' | 'appointment' | 'anonymous' | 'staff' | 'transfer';
export type Outcome = 'resolved' | 'follow-up' | 'referred';
export type Role = 'window' | 'admin';
export type QueuePolicy = 'strict' | 'ratio' | 'weighted';

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

// ---- statistics (stats.ts)

export interface Dist {
  count: number;
  median: number | null;
  p90: number | null;
  max: number | null;
}

export interface StatsGroup {
  key: string;
  label: string;
  tickets: number;
  done: number;
  noShow: number;
  cancelled: number;
  transferred: number;
  expired: number;
  wait: Dist;
  service: Dist;
  total: Dist;
  ratings: Record<'1' | '2' | '3' | '4' | '5', number>;
  ratingMean: number | null;
}

export interface Stats {
  from: string;
  to: string;
  overall: StatsGroup;
  byService: StatsGroup[];
  byWindow: StatsGroup[];
  byStaff: StatsGroup[];
  byDay: StatsGroup[];
  /** By the local hour the ticket arrived (00..23), only the hours with tickets. */
  byHour: StatsGroup[];
  perHour: { hour: number; issued: number }[];
}

// ---- admin settings (station-settings.ts)

export interface ClosedDay {
  day: string;
  /** '*' = the whole station; else the services closed that day. */
  serviceIds: '*' | string[];
  note: string;
}

export interface PolicySettings {
  policy: QueuePolicy;
  normalPerPriority: number;
  priorityWeight: number;
  priorityAge: number;
  priorityClasses: string[];
}

export interface AuditEntry {
  id: number;
  at: number;
  staffId: number | null;
  username: string | null;
  action: string;
  target: string | null;
  detail: unknown;
  address: string | null;
}

// ---- staff accounts (auth/staff.ts)

export interface StaffView {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  active: boolean;
  createdAt: number;
}
