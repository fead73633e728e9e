// Station supervision when several center instances share one database: the link state another
// instance wrote (read back before each check) keeps a station it hears from being reported
// silent here, and clears an unreachable station here once it was heard there.
import { describe, expect, it } from 'vitest';
import { GatewayBus } from '../../src/bus.ts';
import { StationWatch } from '../../src/center/supervision.ts';
import { silentLogger } from '../../src/ingest/refusals.ts';
import { ManualClock } from '../../src/supervision/clock.ts';

function watch() {
  const clock = new ManualClock();
  const calls: string[] = [];
  const w = new StationWatch({
    timeoutS: 10,
    checkIntervalS: 1,
    clock,
    bus: new GatewayBus(),
    log: silentLogger,
    sites: () => ['s1'],
    alerts: {
      raiseTechnical: async (_t, site) => calls.push(`raise ${site}`),
      restoreTechnical: async (_t, _n, site) => calls.push(`restore ${site}`),
    },
  });
  return { clock, calls, w };
}

describe('StationWatch with link state from other instances', () => {
  it('a station heard by another instance is not reported silent', () => {
    const { clock, calls, w } = watch();
    clock.advance(8_000);
    w.load([{ site: 's1', path: 'mqtt', lastSeen: clock.now() }]);
    clock.advance(8_000);
    w.check();
    expect(calls).toEqual([]);
    clock.advance(3_000);
    w.check();
    expect(calls).toEqual(['raise s1']);
  });

  it('an unreachable station heard since by another instance is restored; an older row changes nothing', () => {
    const { clock, calls, w } = watch();
    w.load([{ site: 's1', path: 'mqtt', lastSeen: clock.now() }]);
    clock.advance(11_000);
    w.check();
    expect(calls).toEqual(['raise s1']);
    expect(w.view('s1').reachable).toBe(false);
    w.load([{ site: 's1', path: 'mqtt', lastSeen: clock.now() - 11_000 }]); // nothing new
    expect(calls).toEqual(['raise s1']);
    w.load([{ site: 's1', path: 'webhook', lastSeen: clock.now() - 500 }]);
    expect(calls).toEqual(['raise s1', 'restore s1']);
    expect(w.view('s1').reachable).toBe(true);
  });

  it('after a restart: an open unreachable alert is not cleared by the old link row it went silent on', () => {
    const { clock, calls, w } = watch();
    const old = clock.now() - 60_000;
    w.load([{ site: 's1', path: 'mqtt', lastSeen: old }], ['s1']);
    w.load([{ site: 's1', path: 'mqtt', lastSeen: old }]);
    w.check();
    expect(calls).toEqual([]);
    expect(w.view('s1').reachable).toBe(false);
  });
});
