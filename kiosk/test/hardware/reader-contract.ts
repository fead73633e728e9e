// One behaviour suite for the ID-card driver, run against each kind of line (CONVENTIONS 10):
// MockBinding answered by the scripted reader (reader-contract.test.ts) and a real
// pseudo-terminal answered by the firmware-sim reader (reader-contract.pty.test.ts).
import type { CardRecord } from '@linli/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { Events } from './helpers.ts';
import { residentCard } from './helpers.ts';

export type ContractFault = 'bad-checksum' | 'read-failure' | 'silent' | 'none';

export interface ReaderRig {
  events: Events;
  place(card: CardRecord): void;
  remove(): void;
  /** bad-checksum: the next few replies; read-failure: the next read; silent: until 'none'. */
  fault(f: ContractFault): void;
  /** Resolves after the driver has polled `n` more times. */
  polls(n: number): Promise<void>;
  stop(): Promise<void>;
}

export function readerContract(label: string, makeRig: () => Promise<ReaderRig>): void {
  describe(`ID-card driver contract: ${label}`, () => {
    let rig: ReaderRig | undefined;
    afterEach(async () => {
      await rig?.stop();
      rig = undefined;
    });

    it('one card.read per placement, with the record as placed; card.removed when lifted', async () => {
      rig = await makeRig();
      const card = residentCard();
      rig.place(card);
      const read = await rig.events.next('card.read');
      expect(read.card).toEqual(card);
      expect(read).toMatchObject({ maskedId: '110105********002X', maskedName: '张*明', expired: false });
      await rig.polls(3);
      expect(rig.events.of('card.read')).toHaveLength(1);
      rig.remove();
      await rig.events.next('card.removed');
    });

    it('a read failure asks for the card again; placed again, it is read', async () => {
      rig = await makeRig();
      rig.fault('read-failure');
      rig.place(residentCard());
      expect(await rig.events.next('card.error')).toMatchObject({ zh: '请重新放置身份证', sw3: 0x41 });
      rig.remove();
      rig.place(residentCard());
      await rig.events.next('card.read');
      expect(rig.events.of('card.read')).toHaveLength(1);
    });

    it('corrupt replies are retried: still exactly one card.read, no card.error', async () => {
      rig = await makeRig();
      rig.fault('bad-checksum');
      rig.place(residentCard());
      await rig.events.next('card.read');
      await rig.polls(3);
      expect(rig.events.of('card.read')).toHaveLength(1);
      expect(rig.events.of('card.error')).toHaveLength(0);
    });

    it('a silent reader is reported, and recovers when it answers again', async () => {
      rig = await makeRig();
      rig.fault('silent');
      const down = await rig.events.next(
        'device.health',
        (h) => h.device === 'idcard' && h.state === 'error',
      );
      expect(down.detail).toMatch(/not responding/);
      rig.fault('none');
      await rig.events.next('device.health', (h) => h.device === 'idcard' && h.state === 'ok');
      rig.place(residentCard());
      await rig.events.next('card.read');
    });
  });
}
