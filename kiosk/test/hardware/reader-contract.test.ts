// The driver contract over MockBinding, answered by the scripted reader.
import { KioskBus } from '../../src/events.ts';
import { HealthRegistry } from '../../src/hardware/health.ts';
import { IdCardReader } from '../../src/hardware/idcard/reader.ts';
import { createMockPath, Events, log, openMockLine, ScriptedReader, until } from './helpers.ts';
import { readerContract } from './reader-contract.ts';

readerContract('MockBinding + scripted reader', async () => {
  const bus = new KioskBus();
  const events = new Events(bus);
  const health = new HealthRegistry(bus);
  health.add('idcard', { connected: true, state: 'ok' });
  const sam = new ScriptedReader();
  const line = await openMockLine(createMockPath(), (bytes, l) => sam.feed(bytes, (b) => l.emitData(b)));
  const reader = new IdCardReader(bus, health, log, {
    timeouts: { find: 400, select: 400, read: 800 },
    refindsAfterRead: true,
  });
  reader.attach(line.transport);
  return {
    events,
    place: (card) => sam.place(card),
    remove: () => sam.remove(),
    fault: (f) => {
      sam.silent = f === 'silent';
      if (f === 'read-failure') sam.next('readText', { sw3: 0x41 });
      if (f === 'bad-checksum')
        for (const cmd of ['findCard', 'selectCard', 'readText'] as const) sam.next(cmd, { corrupt: true });
    },
    polls: async (n) => {
      const target = sam.count('findCard') + n;
      await until(() => sam.count('findCard') >= target, `${n} polls`);
    },
    stop: async () => {
      reader.stop();
      events.stop();
      await line.transport.close();
    },
  };
});
