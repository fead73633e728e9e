// The state of each device's clock, judged from the times it sends (events and heartbeats):
// ok, skewed (plausible but off by more than the tolerance) or invalid (before 2020, more than
// a year ahead). Written only when the state changes (or the skew moves by more than a minute),
// so a heartbeat costs no write; read by the device API from the device_clock table. Every row
// is read once at start (only devices whose clock was ever wrong have one; this class is the only
// writer), so judging a message's time costs a map lookup, not a query.
import type { DeviceTimeVerdict } from '@linli/shared';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open.ts';
import type { TxScope } from '../db/tx.ts';
import type { Logger } from '../ingest/refusals.ts';
import type { Metrics } from '../metrics.ts';

export type ClockState = 'ok' | 'skewed' | 'invalid';
export interface DeviceClock {
  state: ClockState;
  skewMs?: number;
  deviceTs?: number;
  checkedAt: number;
}

const SKEW_REWRITE_MS = 60_000;

export const clockStateOf = (v: DeviceTimeVerdict): ClockState =>
  v.verdict === 'impossible' ? 'invalid' : v.verdict;

export class DeviceClocks {
  private readonly known = new Map<string, DeviceClock>();
  private readonly put: Statement;

  constructor(
    db: Db,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.put = db.prepare(
      `INSERT INTO device_clock (device_id, state, skew_ms, device_ts, checked_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (device_id) DO UPDATE SET state = excluded.state, skew_ms = excluded.skew_ms,
       device_ts = excluded.device_ts, checked_at = excluded.checked_at`,
    );
    const rows = db
      .prepare('SELECT device_id, state, skew_ms, device_ts, checked_at FROM device_clock')
      .all() as {
      device_id: string;
      state: ClockState;
      skew_ms: number | null;
      device_ts: number | null;
      checked_at: number;
    }[];
    for (const row of rows) {
      const c: DeviceClock = { state: row.state, checkedAt: row.checked_at };
      if (row.skew_ms !== null) c.skewMs = row.skew_ms;
      if (row.device_ts !== null) c.deviceTs = row.device_ts;
      this.known.set(row.device_id, c);
    }
  }

  peek(deviceId: string): DeviceClock | undefined {
    return this.known.get(deviceId);
  }

  /** Note a device time judged at `at` (inside the caller's transaction `tx` when it has one). */
  note(deviceId: string, deviceTs: number, verdict: DeviceTimeVerdict, at: number, tx?: TxScope): void {
    const state = clockStateOf(verdict);
    if (state !== 'ok') this.metrics.deviceClock.inc({ state });
    const before = this.peek(deviceId);
    const skewMs = verdict.verdict === 'impossible' ? undefined : verdict.skewMs;
    const moved =
      before?.skewMs !== undefined &&
      skewMs !== undefined &&
      Math.abs(before.skewMs - skewMs) > SKEW_REWRITE_MS;
    if (before && before.state === state && !(state === 'skewed' && moved)) return;
    if (!before && state === 'ok') return; // nothing to say about a clock that was never wrong
    const next: DeviceClock = { state, checkedAt: at };
    if (skewMs !== undefined) next.skewMs = skewMs;
    if (state === 'invalid') next.deviceTs = deviceTs;
    this.put.run(deviceId, state, next.skewMs ?? null, next.deviceTs ?? null, at);
    this.known.set(deviceId, next);
    tx?.onRollback(() => {
      if (before) this.known.set(deviceId, before);
      else this.known.delete(deviceId);
    });
    if (before?.state !== state)
      this.log.warn(
        {
          device: deviceId,
          state,
          ...(skewMs !== undefined ? { skewMs } : {}),
          ...(state === 'invalid' ? { deviceTs } : {}),
        },
        state === 'ok'
          ? 'device clock right again'
          : `device clock ${state}: its times are replaced by the gateway's receive time`,
      );
  }
}
