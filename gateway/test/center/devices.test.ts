// The center's copy of the stations' registries (center/devices.ts) on a real SQLite file:
// newest station time wins, removals, and a complete snapshot removing what the station dropped.
import { afterEach, describe, expect, it } from 'vitest';
import { CenterDevices } from '../../src/center/devices.ts';
import { parseStationMessage, type RegistryMessage } from '../../src/center/protocol.ts';
import { openTestDb, type TestDb } from '../registry/db-helper.ts';

const msg = (m: Partial<RegistryMessage> & Pick<RegistryMessage, 'at' | 'devices'>): RegistryMessage =>
  parseStationMessage(
    JSON.stringify({ v: 1, kind: 'registry', site: 's1', mode: 'changes', ...m }),
  ) as RegistryMessage;
const dev = (id: string, extra: object = {}) => ({ id, kind: 'pendant', online: true, ...extra });

describe('center devices', () => {
  let t: TestDb;
  afterEach(() => t?.close());

  it('newest station time wins; an older message does not undo a newer one', () => {
    t = openTestDb();
    const d = new CenterDevices(t.db);
    d.apply('s1', msg({ at: 2000, devices: [dev('p1', { online: false, building: '3' })] }));
    d.apply('s1', msg({ at: 1000, devices: [dev('p1', { online: true, building: '9' })] }));
    expect(d.get('p1')).toMatchObject({ site: 's1', online: false, location: { building: '3' } });
    d.apply('s1', msg({ at: 1500, devices: [], removed: ['p1'] }));
    expect(d.get('p1')).toBeDefined(); // the removal is older than the row
    d.apply('s1', msg({ at: 2500, devices: [], removed: ['p1'] }));
    expect(d.get('p1')).toBeUndefined();
  });

  it('a snapshot removes devices older than it only once every part is in; other sites untouched', () => {
    t = openTestDb();
    const d = new CenterDevices(t.db);
    d.apply('s1', msg({ at: 1000, devices: [dev('a'), dev('b'), dev('gone')] }));
    d.apply('s2', msg({ at: 1000, site: 's2', devices: [dev('x')] }));
    const part = (p: number, devices: object[]) =>
      msg({
        at: 5000,
        mode: 'snapshot',
        snapshot: { id: 'snap', part: p, parts: 2 },
        devices: devices as never,
      });
    d.apply('s1', part(0, [dev('a')]));
    expect(d.list({ site: 's1' }).map((x) => x.id)).toEqual(['a', 'b', 'gone']); // not complete yet
    d.apply('s1', msg({ at: 6000, devices: [dev('new')] })); // a change while the snapshot arrives
    d.apply('s1', part(1, [dev('b')]));
    expect(d.list({ site: 's1' }).map((x) => x.id)).toEqual(['a', 'b', 'new']);
    expect(d.list({ site: 's2' }).map((x) => x.id)).toEqual(['x']);
    expect(d.countBySite()).toEqual(
      new Map([
        ['s1', 3],
        ['s2', 1],
      ]),
    );
  });

  it('the schema refuses a snapshot without its part numbers and a change with them', () => {
    expect(() => msg({ at: 1, mode: 'snapshot', devices: [] })).toThrow(/part numbers/);
    expect(() => msg({ at: 1, snapshot: { id: 'x', part: 0, parts: 1 }, devices: [] })).toThrow(
      /part numbers/,
    );
    expect(() =>
      msg({ at: 1, mode: 'snapshot', snapshot: { id: 'x', part: 2, parts: 2 }, devices: [] }),
    ).toThrow(/out of range/);
  });
});
