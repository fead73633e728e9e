import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importDevicesCsv, openRegistry, type Registry } from '../../src/registry/index.ts';
import { openTestDb, type TestDb } from './db-helper.ts';

describe('CSV device import', () => {
  let t: TestDb;
  let reg: Registry;
  beforeEach(() => {
    t = openTestDb();
    reg = openRegistry(t.db, { secretKey: 'k'.repeat(32) });
    reg.provision({ id: 'existing', site: 's1', kind: 'pendant' });
  });
  afterEach(() => t.close());

  const by = { actor: 'cli:test' };

  it('imports the good rows in one go and reports each bad row with its line, column and reason', async () => {
    const csv = [
      'id,site,kind,building,room,heartbeat_s,offline_timeout_s,resident_id,resident_name,resident_phone,resident_lives_alone,resident_emergency_contacts,zigbee_name',
      'p-1,s1,pendant,3,402,30,600,hh1,王*,13800000000,yes,王小|13900000000|daughter; 赵|010-1234567,',
      'd-1,s1,door-contact,3,402,,,hh1,,,,,', // links the resident created on the line above
      'bad id,s1,pendant,,,,,,,,,,', // line 4: id
      'p-2,s1,toaster,,,,,,,,,,', // line 5: kind
      'p-3,s1,pendant,,,often,,,,,,,', // line 6: heartbeat
      'existing,s1,pendant,,,,,,,,,,', // line 7: duplicate in registry
      'p-1,s1,pendant,,,,,,,,,,', // line 8: duplicate in file
      'p-4,s1,pendant,,,,,nobody,,,,,', // line 9: unknown resident
      'p-5,s1,pendant,,,,,,,,maybe,,', // line 10: resident column without a name
      'p-6,s1,pendant,,,,,,Li,12,,,', // line 11: bad phone
      'z-1,s1,zigbee,,,,,,,,,,hall/sos', // line 12: fine
      'z-2,s1,zigbee,,,,,,,,,,hall/sos', // line 13: friendly name taken
      'p-7,s1,pendant', // line 14: wrong field count
    ].join('\r\n');
    const r = await importDevicesCsv(reg, csv, by);
    expect(r.rows).toBe(13);
    expect(r.imported.map((i) => [i.row, i.id])).toEqual([
      [2, 'p-1'],
      [3, 'd-1'],
      [12, 'z-1'],
    ]);
    expect(r.imported[0]!.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(r.imported[2]!.secret).toBeUndefined();
    const byRow = new Map(r.errors.map((e) => [e.row, e]));
    expect([...byRow.keys()]).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 13, 14]);
    expect(byRow.get(4)).toMatchObject({ column: 'id' });
    expect(byRow.get(5)).toMatchObject({ column: 'kind' });
    expect(byRow.get(6)).toMatchObject({
      column: 'heartbeat_s',
      reason: expect.stringMatching(/whole number/),
    });
    expect(byRow.get(7)).toMatchObject({ column: 'id', reason: expect.stringMatching(/already exists/) });
    expect(byRow.get(8)).toMatchObject({ column: 'id', reason: 'duplicate of line 2' });
    expect(byRow.get(9)).toMatchObject({ column: 'resident_id', reason: expect.stringMatching(/not found/) });
    expect(byRow.get(10)).toMatchObject({ column: 'resident_lives_alone' });
    expect(byRow.get(11)).toMatchObject({ column: 'resident_phone' });
    expect(byRow.get(13)).toMatchObject({ column: 'zigbee_name', reason: expect.stringMatching(/taken/) });
    expect(byRow.get(14)?.reason).toBe('has 3 fields, the header has 13');

    const p1 = reg.get('p-1')!;
    expect(p1).toMatchObject({ heartbeatIntervalS: 30, offlineTimeoutS: 600, residentId: 'hh1' });
    expect(reg.get('d-1')?.residentId).toBe('hh1');
    expect(reg.resident('hh1')).toMatchObject({
      livesAlone: true,
      emergencyContacts: [
        { name: '王小', phone: '13900000000', relation: 'daughter' },
        { name: '赵', phone: '010-1234567' },
      ],
    });
    expect((await reg.authenticate('p-1', r.imported[0]!.secret!))?.id).toBe('p-1');
    // nothing from the failed rows was written
    expect(reg.list().map((d) => d.id)).toEqual(['d-1', 'existing', 'p-1', 'z-1']);
  });

  it('refuses a bad header as a whole: unknown, duplicate and missing columns', async () => {
    const r = await importDevicesCsv(reg, 'id,kind,colour,kind\nx,pendant,red,pendant\n', by);
    expect(r.imported).toEqual([]);
    expect(r.errors).toEqual([
      { row: 1, column: 'colour', reason: expect.stringMatching(/unknown column/) },
      { row: 1, column: 'kind', reason: 'duplicate column' },
      { row: 1, column: 'site', reason: 'required column missing' },
    ]);
  });

  it('reports a CSV syntax error and an empty file', async () => {
    expect((await importDevicesCsv(reg, 'id,site,kind\n"x,s,pendant\n', by)).errors[0]).toMatchObject({
      row: 2,
      reason: expect.stringMatching(/unterminated/),
    });
    expect((await importDevicesCsv(reg, '', by)).errors[0]!.reason).toMatch(/empty/);
  });

  it('uses given secrets and refuses short ones on their row', async () => {
    const r = await importDevicesCsv(
      reg,
      'id,site,kind,secret\ng1,s1,pendant,a-long-enough-secret\ng2,s1,pendant,short\n',
      by,
    );
    expect(r.imported).toEqual([{ row: 2, id: 'g1', secret: 'a-long-enough-secret' }]);
    expect(r.errors).toEqual([{ row: 3, column: 'secret', reason: expect.stringMatching(/16 to 128/) }]);
    expect((await reg.authenticate('g1', 'a-long-enough-secret'))?.id).toBe('g1');
  });

  it('header names are case-insensitive and cells are trimmed', async () => {
    const r = await importDevicesCsv(reg, 'ID, Site ,KIND\n q1 , s2 , wall-button \n', by);
    expect(r.errors).toEqual([]);
    expect(reg.get('q1')).toMatchObject({ site: 's2', kind: 'wall-button' });
  });
});
