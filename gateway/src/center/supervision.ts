// Supervision of the stations at the center: when each path of each station was last heard from.
// A station silent on every path for `center.stationTimeoutS` raises the technical alert
// `center.station-unreachable` for its site; the station's return resolves it (by: system).
import type { GatewayBus } from '../bus.ts';
import type { Logger } from '../ingest/refusals.ts';
import type { Clock } from '../supervision/clock.ts';
import type { CenterStationEvent, TechnicalAlertType } from '../types.ts';
import type { LinkPath } from './protocol.ts';
import type { LinkRow } from './store.ts';

export interface StationAlerts {
  raiseTechnical(type: TechnicalAlertType, site: string, note: string): unknown;
  restoreTechnical(type: TechnicalAlertType, note: string, site?: string): unknown;
}

interface PathState {
  lastSeen: number;
  outboxDepth?: number;
  outboxOldestAgeS?: number;
  version?: string;
}

interface StationState {
  paths: Partial<Record<LinkPath, PathState>>;
  unreachable: boolean;
  /** The last time heard when it was found silent (a later time, from anywhere, clears it) */
  silentSince: number;
}

export const UNREACHABLE: TechnicalAlertType = 'center.station-unreachable';

export class StationWatch {
  private readonly stations = new Map<string, StationState>();
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt: number;

  constructor(
    private readonly o: {
      timeoutS: number;
      checkIntervalS: number;
      clock: Clock;
      alerts: StationAlerts;
      bus: GatewayBus;
      log: Logger;
      /** The registered sites (supervised even if never heard from). */
      sites: () => string[];
      /** The link state other center instances recorded in a shared database: read before each
       *  check, so a station heard by another instance is not reported silent. */
      refresh?: () => Promise<LinkRow[]>;
    },
  ) {
    this.startedAt = o.clock.now();
  }

  /** Restore what the database remembers (after a restart, or another instance's news). */
  load(links: LinkRow[], unreachableSites: string[] = []): void {
    const now = this.o.clock.now();
    for (const l of links) {
      const st = this.state(l.site);
      const { site: _s, path, ...rest } = l;
      const prev = st.paths[path];
      if (prev && prev.lastSeen >= rest.lastSeen) continue;
      st.paths[path] = { ...prev, ...rest };
      // heard by another instance since it went silent here: reachable again
      if (st.unreachable && now - rest.lastSeen <= this.o.timeoutS * 1000 && rest.lastSeen > st.silentSince)
        this.reachable(l.site, st, path);
    }
    for (const site of unreachableSites) {
      const st = this.state(site);
      if (st.unreachable) continue;
      st.unreachable = true;
      st.silentSince = Math.max(0, ...Object.values(st.paths).map((p) => p.lastSeen));
    }
  }

  private state(site: string): StationState {
    let st = this.stations.get(site);
    if (!st) {
      st = { paths: {}, unreachable: false, silentSince: 0 };
      this.stations.set(site, st);
    }
    return st;
  }

  /** A valid message from `site` on `path`. */
  seen(site: string, path: LinkPath, info: Omit<PathState, 'lastSeen'> = {}): void {
    const st = this.state(site);
    const prev = st.paths[path];
    const now = this.o.clock.now();
    st.paths[path] = { ...prev, ...info, lastSeen: Math.max(now, prev?.lastSeen ?? 0) };
    if (st.unreachable) this.reachable(site, st, path);
    else if (!prev || now - prev.lastSeen > this.o.timeoutS * 1000) this.emit(site, st);
  }

  /** The station was heard again (here, or by another instance: load): restore its alert. */
  private reachable(site: string, st: StationState, path: LinkPath): void {
    st.unreachable = false;
    this.o.log.info({ site, path }, 'station reachable again');
    const failed = (err: unknown) => {
      this.o.log.error({ site, err }, 'station-unreachable restore failed');
      st.unreachable = true;
    };
    try {
      const done = this.o.alerts.restoreTechnical(
        UNREACHABLE,
        `station ${site} heard again on ${path}`,
        site,
      );
      if (done instanceof Promise) done.catch(failed);
    } catch (err) {
      failed(err);
    }
    this.emit(site, st);
  }

  private up(p: PathState | undefined, now: number): boolean {
    return p !== undefined && now - p.lastSeen <= this.o.timeoutS * 1000;
  }

  private emit(site: string, st: StationState): void {
    const now = this.o.clock.now();
    const paths: CenterStationEvent['paths'] = {};
    for (const [path, p] of Object.entries(st.paths) as [LinkPath, PathState][])
      paths[path] = { lastSeen: p.lastSeen, up: this.up(p, now) };
    this.o.bus.emit('center.station', { site, reachable: !st.unreachable, paths });
  }

  /** Raise the alert for every station silent past its timeout. */
  check(): void {
    const now = this.o.clock.now();
    const limit = this.o.timeoutS * 1000;
    for (const site of this.o.sites()) {
      const st = this.state(site);
      if (st.unreachable) continue;
      const last = Math.max(this.startedAt, ...Object.values(st.paths).map((p) => p.lastSeen));
      if (now - last <= limit) continue;
      st.unreachable = true;
      st.silentSince = last;
      const silentS = Math.round((now - last) / 1000);
      this.o.log.warn({ site, silentS }, 'station unreachable');
      const failed = (err: unknown) => {
        this.o.log.error({ site, err }, 'station-unreachable raise failed');
        st.unreachable = false; // try again at the next check
      };
      try {
        const done = this.o.alerts.raiseTechnical(
          UNREACHABLE,
          site,
          `station ${site} silent on every path for ${silentS} s`,
        );
        if (done instanceof Promise) done.catch(failed);
      } catch (err) {
        failed(err);
      }
      this.emit(site, st);
    }
  }

  /** check(), after reading the shared link state when there is one. */
  private async tick(): Promise<void> {
    if (this.o.refresh) {
      try {
        this.load(await this.o.refresh());
      } catch (err) {
        this.o.log.error({ err }, 'center: shared link state not read; stations not checked');
        return;
      }
    }
    this.check();
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.o.checkIntervalS * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Link state of one station, for the API. */
  view(site: string): {
    reachable: boolean;
    paths: Partial<Record<LinkPath, PathState & { up: boolean }>>;
    lastSeen?: number;
  } {
    const st = this.state(site);
    const now = this.o.clock.now();
    const paths: Partial<Record<LinkPath, PathState & { up: boolean }>> = {};
    let lastSeen: number | undefined;
    for (const [path, p] of Object.entries(st.paths) as [LinkPath, PathState][]) {
      paths[path] = { ...p, up: this.up(p, now) };
      lastSeen = Math.max(lastSeen ?? 0, p.lastSeen);
    }
    return { reachable: !st.unreachable, paths, ...(lastSeen !== undefined ? { lastSeen } : {}) };
  }

  forget(site: string): void {
    this.stations.delete(site);
  }
}
