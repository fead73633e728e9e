// Settings the station head changes in the admin screen, kept in the meta table (no schema
// change): the closed days (节假日闭馆: the whole station or some services take no tickets that
// day) and the calling policy (fairness policy and priority classes). The configuration gives the
// defaults; a value saved here overrides it, is checked when saved and again when read (a bad
// stored value is ignored loudly, never half-applied), and every change is audited.
import type { KioskConfig, QueuePolicy } from '../config.ts';
import type { Db } from '../db/open.ts';
import type { ClosedDay, PolicySettings } from './api-types.ts';
import { writeAudit } from './audit.ts';
import { QueueError } from './errors.ts';
import { MetaRepository } from './meta-repository.ts';
import type { Actor } from './types.ts';

export type { ClosedDay, PolicySettings } from './api-types.ts';

const CLOSED_KEY = 'admin.closed_days';
const POLICY_KEY = 'admin.queue_policy';
const DAY_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const CLASS_RE = /^(?!normal$)[a-z][a-z0-9-]{0,31}$/;
const POLICIES: QueuePolicy[] = ['strict', 'ratio', 'weighted'];

const invalid = (zh: string, en: string): never => {
  throw new QueueError('VALIDATION', zh, en);
};

function int(v: unknown, min: number, max: number, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    invalid(`${name}须为${min}到${max}的整数`, `${name} must be an integer ${min}..${max}`);
  return v as number;
}

/** Checks a whole policy; returns it normalised or throws VALIDATION. */
export function checkPolicy(v: Partial<PolicySettings>): PolicySettings {
  if (!POLICIES.includes(v.policy as QueuePolicy))
    invalid('未知的叫号策略', `policy must be one of ${POLICIES.join(', ')}`);
  const classes = v.priorityClasses;
  if (!Array.isArray(classes) || classes.length > 20 || !classes.every((c) => CLASS_RE.test(String(c))))
    invalid(
      '优先类别须为小写英文词（不能是normal），最多20个',
      'priorityClasses: up to 20 lower-case names, not "normal"',
    );
  return {
    policy: v.policy as QueuePolicy,
    normalPerPriority: int(v.normalPerPriority, 1, 100, 'normalPerPriority'),
    priorityWeight: int(v.priorityWeight, 1, 100, 'priorityWeight'),
    priorityAge: int(v.priorityAge, 0, 150, 'priorityAge'),
    priorityClasses: [...new Set(classes as string[])],
  };
}

export class StationSettings {
  private readonly meta: MetaRepository;

  constructor(
    private readonly db: Db,
    private readonly config: KioskConfig,
    private readonly now: () => number,
    private readonly warn: (obj: unknown, msg: string) => void = () => {},
  ) {
    this.meta = new MetaRepository(db);
  }

  // ---- the calling policy ----

  policy(): PolicySettings {
    const q = this.config.queue;
    return {
      policy: q.policy,
      normalPerPriority: q.normalPerPriority,
      priorityWeight: q.priorityWeight,
      priorityAge: q.priorityAge,
      priorityClasses: [...q.priorityClasses],
    };
  }

  /** At start: a saved policy replaces the configured one (every reader sees config.queue). */
  applySaved(): void {
    const raw = this.meta.get(POLICY_KEY);
    if (raw === undefined) return;
    try {
      this.apply(checkPolicy(JSON.parse(raw) as PolicySettings));
    } catch (err) {
      this.warn({ err, key: POLICY_KEY }, 'saved calling policy is invalid; using the configured one');
    }
  }

  setPolicy(patch: Partial<PolicySettings>, actor: Actor): PolicySettings {
    const next = checkPolicy({ ...this.policy(), ...patch });
    this.db
      .transaction(() => {
        this.meta.set(POLICY_KEY, JSON.stringify(next));
        writeAudit(this.db, this.now(), actor, 'policy.update', 'policy', patch);
      })
      .immediate();
    this.apply(next);
    return this.policy();
  }

  private apply(p: PolicySettings): void {
    Object.assign(this.config.queue, p);
  }

  // ---- closed days ----

  closedDays(): ClosedDay[] {
    const raw = this.meta.get(CLOSED_KEY);
    if (raw === undefined) return [];
    try {
      const list = JSON.parse(raw) as ClosedDay[];
      return Array.isArray(list) ? list.filter((d) => DAY_RE.test(d.day)) : [];
    } catch (err) {
      this.warn({ err, key: CLOSED_KEY }, 'saved closed days are unreadable; treating none as closed');
      return [];
    }
  }

  /** The closed-day entry that closes `serviceId` on `day`, if any. */
  closedOn(day: string, serviceId: string): ClosedDay | undefined {
    return this.closedDays().find(
      (d) => d.day === day && (d.serviceIds === '*' || d.serviceIds.includes(serviceId)),
    );
  }

  setClosedDay(entry: ClosedDay, knownService: (id: string) => void, actor: Actor): ClosedDay {
    if (!DAY_RE.test(entry.day)) invalid('日期格式须为YYYY-MM-DD', 'day must be YYYY-MM-DD');
    if (entry.serviceIds !== '*') {
      if (!Array.isArray(entry.serviceIds) || entry.serviceIds.length === 0)
        invalid('请选择闭馆的业务或全站', "serviceIds: '*' or a non-empty list");
      for (const id of entry.serviceIds) knownService(id);
    }
    const clean: ClosedDay = {
      day: entry.day,
      serviceIds: entry.serviceIds === '*' ? '*' : [...new Set(entry.serviceIds)].sort(),
      note: entry.note ?? '',
    };
    this.db
      .transaction(() => {
        const list = this.closedDays().filter((d) => d.day !== clean.day);
        list.push(clean);
        list.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
        this.meta.set(CLOSED_KEY, JSON.stringify(list));
        writeAudit(this.db, this.now(), actor, 'closed-day.set', `day:${clean.day}`, clean);
      })
      .immediate();
    return clean;
  }

  removeClosedDay(day: string, actor: Actor): void {
    this.db
      .transaction(() => {
        const list = this.closedDays();
        if (!list.some((d) => d.day === day))
          throw new QueueError('NOT_FOUND', `${day}不是闭馆日`, `${day} is not a closed day`);
        this.meta.set(CLOSED_KEY, JSON.stringify(list.filter((d) => d.day !== day)));
        writeAudit(this.db, this.now(), actor, 'closed-day.remove', `day:${day}`);
      })
      .immediate();
  }
}
