// A gateway's stop() stops its default process collectors (prom-client's event-loop monitor and
// GC observer): starting and stopping a gateway many times in one process leaves none behind.
import { runningDefaultMetrics } from '@linli/shared/service';
import { describe, expect, it } from 'vitest';
import { startLocalGateway } from '../local-gateway.ts';

describe('gateway metrics lifecycle', () => {
  it('leaves no default process collectors behind after 5 starts and stops', async () => {
    const before = runningDefaultMetrics();
    for (let i = 0; i < 5; i++) {
      const local = await startLocalGateway({
        name: `metrics-stop-${i}`,
        adminPassword: 'metrics-stop-pw-1',
      });
      expect(runningDefaultMetrics()).toBe(before + 1);
      expect(await local.gw.engine.metrics.render()).toMatch(
        /^# TYPE nodejs_gc_duration_seconds histogram$/m,
      );
      await local.stop();
    }
    expect(runningDefaultMetrics()).toBe(before);
  }, 180_000); // five whole gateways (scrypt for the admin each time) on a loaded machine
});
