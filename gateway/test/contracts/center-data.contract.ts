// The center's data seam (center/data.ts) as one suite run against each implementation: the
// embedded SQLite store (the default) and the shared PostgreSQL store, so both keep the same
// behaviour: each revision stored once, the current state moving only forward, action requests
// answered once, link state, device summaries and the center's own technical alerts.
import { LinliError } from '@linli/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CenterData } from '../../src/center/data.ts';
import { type AlertMessage, parseStationMessage, type RegistryMessage } from '../../src/center/protocol.ts';
import type { ActionRecord } from '../../src/center/store.ts';
import type { AlertRecord } from '../../src/types.ts';
import { alertMessage, type Revision } from '../center/station-sim.ts';

export interface CenterDataHarness {
  data: CenterData;
  /** Alert changes the store reported for this instance's live stream (technical alerts) */
  changes: AlertRecord[];
  close(): Promise<void>;
}

const revision = (site: string, r: Revision, at = 10_000): { m: AlertMessage; raw: string } => {
  const raw = JSON.stringify(alertMessage(site, r, at));
  return { m: parseStationMessage(raw) as AlertMessage, raw };
};
const registry = (m: Partial<RegistryMessage> & Pick<RegistryMessage, 'at' | 'devices'>): RegistryMessage =>
  parseStationMessage(
    JSON.stringify({ v: 1, kind: 'registry', site: 's1', mode: 'changes', ...m }),
  ) as RegistryMessage;
const dev = (id: string, extra: object = {}) => ({ id, kind: 'pendant', online: true, ...extra });

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return err instanceof LinliError ? err.code : `not a LinliError: ${String(err)}`;
  }
  return undefined;
}

export function centerDataContract(name: string, open: () => Promise<CenterDataHarness>): void {
  describe(`CenterData contract: ${name}`, () => {
    let h: CenterDataHarness;
    let data: CenterData;
    beforeEach(async () => {
      h = await open();
      data = h.data;
    });
    afterEach(async () => {
      await h.close();
    });

    const store = (site: string, r: Revision, at?: number) => {
      const { m, raw } = revision(site, r, at);
      return data.storeRevision(site, 'mqtt', m, raw, at ?? 10_000);
    };

    it('stores a revision once: a repeat is a duplicate; list and get show it with its history', async () => {
      const first = await store('s1', { alertId: 'al-1', rev: 1 });
      expect(first).toMatchObject({ duplicate: false, applied: true, alert: { id: 'al-1', rev: 1 } });
      expect(await store('s1', { alertId: 'al-1', rev: 1 })).toEqual({ duplicate: true, applied: false });
      const found = await data.alerts.get('al-1');
      expect(found?.alert).toMatchObject({ id: 'al-1', rev: 1, site: 's1', state: 'raised', type: 'sos' });
      expect(found?.alert).not.toHaveProperty('residentId');
      expect(found?.history.map((e) => [e.rev, e.action])).toEqual([[1, 'raised']]);
      expect((await data.alerts.list({})).map((a) => a.id)).toEqual(['al-1']);
      expect(await data.owns('al-1')).toBe(true);
      expect(await data.owns('al-none')).toBe(false);
      expect(await data.alerts.get('al-none')).toBeUndefined();
      expect((await data.context('al-1'))?.resident?.name).toBe('李秀英');
    });

    it('the same revision delivered many times at once is applied exactly once', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, () => store('s1', { alertId: 'al-c', rev: 1 })),
      );
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect((await data.alerts.get('al-c'))?.history).toHaveLength(1);
    });

    it('out of order: an older revision joins the timeline but the newest stays current', async () => {
      await store(
        's1',
        { alertId: 'al-2', rev: 2, state: 'acknowledged', action: 'acknowledged', by: 'wang' },
        11_000,
      );
      const old = await store('s1', { alertId: 'al-2', rev: 1 }, 10_000);
      expect(old).toEqual({ duplicate: false, applied: false });
      const found = await data.alerts.get('al-2');
      expect(found?.alert).toMatchObject({ rev: 2, state: 'acknowledged', acknowledgedBy: 'wang' });
      expect(found?.history.map((e) => e.rev)).toEqual([1, 2]);
      const newer = await store(
        's1',
        { alertId: 'al-2', rev: 3, state: 'resolved', action: 'resolved' },
        12_000,
      );
      expect(newer.applied).toBe(true);
      expect((await data.alerts.get('al-2'))?.alert).toMatchObject({
        rev: 3,
        state: 'resolved',
        outcome: 'assisted',
      });
    });

    it("another site's alert is refused and nothing of it is stored", async () => {
      await store('s1', { alertId: 'al-3', rev: 1 });
      expect(await codeOf(store('s2', { alertId: 'al-3', rev: 2 }))).toBe('ALERT_OF_ANOTHER_SITE');
      expect((await data.alerts.get('al-3'))?.alert).toMatchObject({ site: 's1', rev: 1 });
      expect((await data.alerts.get('al-3'))?.history).toHaveLength(1);
      // the refused revision was not kept: the rightful station's rev 2 is not a duplicate
      expect((await store('s1', { alertId: 'al-3', rev: 2 })).duplicate).toBe(false);
    });

    it('lists by state, site and time, newest first, within the limit', async () => {
      await store('s1', { alertId: 'al-a', rev: 1 }, 10_000);
      await store('s2', { alertId: 'al-b', rev: 1 }, 20_000);
      await store('s1', { alertId: 'al-c', rev: 2, state: 'acknowledged', action: 'acknowledged' }, 30_000);
      const ids = async (f: Parameters<CenterData['alerts']['list']>[0]) =>
        (await data.alerts.list(f)).map((a) => a.id);
      expect(await ids({})).toEqual(['al-c', 'al-b', 'al-a']);
      expect(await ids({ site: 's1' })).toEqual(['al-c', 'al-a']);
      expect(await ids({ state: 'raised' })).toEqual(['al-b', 'al-a']);
      expect(await ids({ before: 19_500 })).toEqual(['al-b', 'al-a']); // raised 1 s before sent
      expect(await ids({ limit: 1 })).toEqual(['al-c']);
      expect(await ids({ severity: 'minor' })).toEqual([]);
      expect(await data.openAlertsBySite()).toEqual(
        new Map([
          ['s1', 2],
          ['s2', 1],
        ]),
      );
    });

    it('action requests: pending until answered once; the answer is kept', async () => {
      await store('s1', { alertId: 'al-4', rev: 1 });
      const a: ActionRecord = {
        id: 'act-1',
        site: 's1',
        alertId: 'al-4',
        action: 'resolve',
        by: 'center:op',
        at: 1000,
        state: 'pending',
        outcome: 'assisted',
      };
      await data.insertAction(a);
      await data.insertAction({ ...a, id: 'act-2', action: 'note', note: '到场', at: 2000 });
      expect(await data.pendingAction('al-4', 'resolve')).toEqual(a);
      expect((await data.pendingActions('s1')).map((x) => x.id)).toEqual(['act-1', 'act-2']);
      expect(await data.pendingActions('s2')).toEqual([]);
      await data.markSent('act-1', 1500);
      expect(await data.actionResult('s2', 'act-1', true, 3000, 2)).toBeUndefined(); // not its site
      expect(await data.actionResult('s1', 'act-1', true, 3000, 2)).toMatchObject({
        id: 'act-1',
        state: 'applied',
        resultAt: 3000,
        resultRev: 2,
      });
      expect(await data.actionResult('s1', 'act-1', false, 4000, undefined, 'LATE')).toBeUndefined();
      expect(await data.action('act-1')).toMatchObject({ state: 'applied', resultRev: 2 });
      expect(await data.pendingAction('al-4', 'resolve')).toBeUndefined();
      expect((await data.actionsOf('al-4')).map((x) => [x.id, x.state])).toEqual([
        ['act-1', 'applied'],
        ['act-2', 'pending'],
      ]);
    });

    it('link state: the latest time seen wins; reported values kept when a message lacks them', async () => {
      await data.saveLink({ site: 's1', path: 'mqtt', lastSeen: 5000, outboxDepth: 3, version: '1.0' });
      await data.saveLink({ site: 's1', path: 'mqtt', lastSeen: 4000 });
      await data.saveLink({ site: 's1', path: 'webhook', lastSeen: 6000, outboxDepth: 0 });
      expect(await data.links()).toEqual([
        { site: 's1', path: 'mqtt', lastSeen: 5000, outboxDepth: 3, version: '1.0' },
        { site: 's1', path: 'webhook', lastSeen: 6000, outboxDepth: 0 },
      ]);
    });

    it('device summaries: newest station time wins; a complete snapshot prunes; counts per site', async () => {
      expect(
        await data.applyRegistry('s1', registry({ at: 2000, devices: [dev('p1', { building: '3' })] })),
      ).toBe(1);
      expect(
        await data.applyRegistry('s1', registry({ at: 1000, devices: [dev('p1', { building: '9' })] })),
      ).toBe(0);
      await data.applyRegistry('s2', registry({ at: 1000, site: 's2', devices: [dev('x')] }));
      expect(await data.devices.get('p1')).toMatchObject({
        site: 's1',
        location: { building: '3' },
        online: true,
      });
      expect(await data.devices.get('p1', 's2')).toBeUndefined();
      await data.applyRegistry('s1', registry({ at: 3000, devices: [dev('gone')] }));
      await data.applyRegistry(
        's1',
        registry({
          at: 5000,
          mode: 'snapshot',
          snapshot: { id: 'snap', part: 0, parts: 1 },
          devices: [dev('p1')] as never,
        }),
      );
      expect((await data.devices.list({ site: 's1' })).map((d) => d.id)).toEqual(['p1']);
      expect((await data.devices.list({ online: true })).map((d) => d.id)).toEqual(['p1', 'x']);
      expect(await data.devices.countBySite()).toEqual(
        new Map([
          ['s1', 1],
          ['s2', 1],
        ]),
      );
    });

    it("the center's own technical alert: raised once per site (folded), restored, operable", async () => {
      const first = (await data.raiseTechnical('center.station-unreachable', 's1', 'silent')) as AlertRecord;
      await data.raiseTechnical('center.station-unreachable', 's1', 'still silent');
      await data.raiseTechnical('center.station-unreachable', 's2', 'silent');
      expect((await data.unreachableSites()).sort()).toEqual(['s1', 's2']);
      const open = await data.alerts.list({ site: 's1' });
      expect(open).toHaveLength(1);
      expect(open[0]).toMatchObject({ id: first.id, state: 'raised', count: 2, rev: 2 });
      expect(await data.owns(first.id)).toBe(false);
      await data.restoreTechnical('center.station-unreachable', 'back', 's1');
      expect((await data.alerts.get(first.id))?.alert).toMatchObject({
        state: 'resolved',
        resolvedBy: 'system',
        outcome: 'restored',
      });
      expect(await data.unreachableSites()).toEqual(['s2']);
      // operators act on the center's own alerts directly
      const s2 = (await data.alerts.list({ site: 's2' }))[0]!;
      expect(await data.alerts.acknowledge(s2.id, 'op')).toMatchObject({
        state: 'acknowledged',
        acknowledgedBy: 'op',
      });
      expect(await codeOf(data.alerts.acknowledge(s2.id, 'op'))).toBe('ALERT_STATE');
      const note = await data.alerts.addNote(s2.id, 'op', '已电话联系');
      expect(note).toMatchObject({ action: 'note', note: '已电话联系', by: 'op' });
      expect(await data.alerts.resolve(s2.id, 'op', 'fixed')).toMatchObject({
        state: 'resolved',
        outcome: 'fixed',
      });
      expect(await codeOf(data.alerts.resolve(s2.id, 'op', 'fixed'))).toBe('ALERT_STATE');
      expect(await codeOf(data.alerts.acknowledge('al-none', 'op'))).toBe('ALERT_NOT_FOUND');
      expect((await data.alerts.get(s2.id))?.history.map((e) => e.action)).toEqual([
        'raised',
        'acknowledged',
        'note',
        'resolved',
      ]);
    });

    it('reports its database and that it answers', () => {
      expect(data.health()).toMatchObject({ database: data.kind, reachable: true });
    });
  });
}
