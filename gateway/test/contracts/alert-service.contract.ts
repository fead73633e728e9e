// What the HTTP API relies on of an AlertService, as one suite run against every implementation
// (the real AlertEngine on a SQLite file, and the API tests' FakeAlerts), so a fake that drifts
// from the engine fails here instead of letting the API tests pass against behaviour that is not.
import { LinliError } from '@linli/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertRecord, AlertService } from '../../src/types.ts';

export interface AlertHarness {
  service: AlertService;
  /** A new raised SOS alert of `deviceId` at `site`, raised at `at`. */
  raise(deviceId: string, site: string, at: number): AlertRecord;
  close(): void;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof LinliError ? err.code : `not a LinliError: ${String(err)}`;
  }
  return undefined;
}

export function alertServiceContract(name: string, open: () => AlertHarness): void {
  describe(`AlertService contract: ${name}`, () => {
    let harness: AlertHarness;
    beforeEach(() => {
      harness = open();
    });
    afterEach(() => harness.close());

    it('a raised alert is found with its history; an unknown id is undefined', () => {
      const raised = harness.raise('p-1', 's1', 1_000);
      expect(raised).toMatchObject({
        state: 'raised',
        rev: 1,
        site: 's1',
        deviceId: 'p-1',
        severity: 'critical',
      });
      const found = harness.service.get(raised.id);
      expect(found?.alert).toMatchObject({ id: raised.id, state: 'raised', rev: 1 });
      expect(found?.history.map((entry) => entry.action)).toEqual(['raised']);
      expect(harness.service.get('no-such-alert')).toBeUndefined();
    });

    it('lists by state, severity, site and device, newest first, within the limit', () => {
      const first = harness.raise('p-1', 's1', 1_000);
      const second = harness.raise('p-2', 's2', 2_000);
      const third = harness.raise('p-3', 's1', 3_000);
      harness.service.acknowledge(second.id, 'op');
      const ids = (filter: Parameters<AlertService['list']>[0]) =>
        harness.service.list(filter).map((alert) => alert.id);
      expect(ids({})).toEqual([third.id, second.id, first.id]);
      expect(ids({ state: 'raised' })).toEqual([third.id, first.id]);
      expect(ids({ state: 'acknowledged' })).toEqual([second.id]);
      expect(ids({ site: 's1' })).toEqual([third.id, first.id]);
      expect(ids({ deviceId: 'p-2' })).toEqual([second.id]);
      expect(ids({ severity: 'critical', limit: 2 })).toEqual([third.id, second.id]);
      expect(ids({ severity: 'minor' })).toEqual([]);
      expect(ids({ before: 3_000 })).toEqual([second.id, first.id]);
    });

    it('acknowledges a raised alert once; names who; a second time is ALERT_STATE', () => {
      const raised = harness.raise('p-1', 's1', 1_000);
      const acked = harness.service.acknowledge(raised.id, 'op');
      expect(acked).toMatchObject({ id: raised.id, state: 'acknowledged', acknowledgedBy: 'op', rev: 2 });
      expect(harness.service.get(raised.id)?.history.map((entry) => entry.action)).toEqual([
        'raised',
        'acknowledged',
      ]);
      expect(codeOf(() => harness.service.acknowledge(raised.id, 'op'))).toBe('ALERT_STATE');
    });

    it('resolves a raised or acknowledged alert with its outcome and note; not twice', () => {
      const raised = harness.raise('p-1', 's1', 1_000);
      const resolved = harness.service.resolve(raised.id, 'sup', 'false-alarm', 'pressed by mistake');
      expect(resolved).toMatchObject({
        state: 'resolved',
        resolvedBy: 'sup',
        outcome: 'false-alarm',
        rev: 2,
      });
      const last = harness.service.get(raised.id)?.history.at(-1);
      expect(last).toMatchObject({ action: 'resolved', by: 'sup', note: 'pressed by mistake', rev: 2 });
      expect(codeOf(() => harness.service.resolve(raised.id, 'sup', 'again'))).toBe('ALERT_STATE');
      expect(codeOf(() => harness.service.acknowledge(raised.id, 'op'))).toBe('ALERT_STATE');

      const other = harness.raise('p-2', 's1', 2_000);
      harness.service.acknowledge(other.id, 'op');
      expect(harness.service.resolve(other.id, 'op', 'helped')).toMatchObject({ state: 'resolved', rev: 3 });
    });

    it('adds a note as a new revision in any state', () => {
      const raised = harness.raise('p-1', 's1', 1_000);
      const entry = harness.service.addNote(raised.id, 'op', 'called the neighbour');
      expect(entry).toMatchObject({
        alertId: raised.id,
        rev: 2,
        by: 'op',
        action: 'note',
        note: 'called the neighbour',
      });
      expect(harness.service.get(raised.id)?.alert).toMatchObject({ state: 'raised', rev: 2 });
      harness.service.resolve(raised.id, 'op', 'helped');
      expect(harness.service.addNote(raised.id, 'op', 'visited next day').rev).toBe(4);
    });

    it('refuses every change to an unknown alert with ALERT_NOT_FOUND', () => {
      expect(codeOf(() => harness.service.acknowledge('nope', 'op'))).toBe('ALERT_NOT_FOUND');
      expect(codeOf(() => harness.service.resolve('nope', 'op', 'helped'))).toBe('ALERT_NOT_FOUND');
      expect(codeOf(() => harness.service.addNote('nope', 'op', 'x'))).toBe('ALERT_NOT_FOUND');
    });
  });
}
