// The driver contract over a real pseudo-terminal, answered by the firmware-sim reader, through
// startHardware exactly as the kiosk runs it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KioskBus } from '../../src/events.ts';
import { silentLogger, startHardware } from '../../src/hardware/index.ts';
import { Events, until } from './helpers.ts';
import { readerContract } from './reader-contract.ts';

readerContract('pseudo-terminal + firmware-sim reader', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'linli-contract-'));
  const bus = new KioskBus();
  const events = new Events(bus);
  const hw = await startHardware(
    { idcard: 'simulated', printer: 'none', scanner: 'none', dataDir: dir },
    bus,
    {
      log: silentLogger,
      simulators: { idcard: { control: false } },
      reader: { timeouts: { find: 600, select: 600, read: 1500 } },
    },
  );
  const sim = hw.simulated.idcard!;
  await events.next('device.health', (h) => h.connected);
  const finds = (): number => sim.received.filter((c) => c.name === 'findCard').length;
  return {
    events,
    place: (card) => sim.place({ key: 'contract', card }),
    remove: () => sim.remove(),
    fault: (f) => {
      if (f === 'none') sim.setFault('none');
      else if (f === 'silent') sim.setFault('silent');
      else sim.setFault({ name: f, count: f === 'bad-checksum' ? 3 : 1 });
    },
    polls: async (n) => {
      const target = finds() + n;
      await until(() => finds() >= target, `${n} polls`);
    },
    stop: async () => {
      await hw.stop();
      events.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
