// What the broker, ingest and supervision rely on of a DeviceDirectory, as one suite run against
// every implementation (the real Registry on a SQLite file, and the engine tests'
// MemoryDirectory), so the stand-in cannot drift from the registry unnoticed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceDirectory } from '../../src/types.ts';

export interface DirectoryHarness {
  directory: DeviceDirectory;
  addResident(id: string, name: string): void;
  addDevice(
    device: { id: string; site: string; kind: 'pendant' | 'door-contact'; residentId?: string },
    secret: string,
  ): void;
  retire(id: string): void;
  close(): void;
}

const SECRET = 'contract-secret-0123456789';

export function deviceDirectoryContract(name: string, open: () => DirectoryHarness): void {
  describe(`DeviceDirectory contract: ${name}`, () => {
    let harness: DirectoryHarness;
    beforeEach(() => {
      harness = open();
      harness.addResident('res-1', '张三明');
      harness.addDevice({ id: 'p-2', site: 's2', kind: 'pendant', residentId: 'res-1' }, SECRET);
      harness.addDevice({ id: 'p-1', site: 's1', kind: 'pendant' }, SECRET);
      harness.addDevice({ id: 'd-1', site: 's1', kind: 'door-contact' }, SECRET);
      harness.addDevice({ id: 'p-old', site: 's1', kind: 'pendant' }, SECRET);
      harness.retire('p-old');
    });
    afterEach(() => harness.close());

    it('authenticates a device by its secret, as a string or bytes', async () => {
      expect(await harness.directory.authenticate('p-1', SECRET)).toMatchObject({
        id: 'p-1',
        site: 's1',
        kind: 'pendant',
      });
      expect((await harness.directory.authenticate('p-1', Buffer.from(SECRET)))?.id).toBe('p-1');
    });

    it('refuses a wrong secret, an unknown device, an empty name and a retired device', async () => {
      expect(await harness.directory.authenticate('p-1', `${SECRET}x`)).toBeUndefined();
      expect(await harness.directory.authenticate('p-9', SECRET)).toBeUndefined();
      expect(await harness.directory.authenticate('', SECRET)).toBeUndefined();
      expect(await harness.directory.authenticate('p-old', SECRET)).toBeUndefined();
    });

    it('gets any device, retired ones marked; an unknown id is undefined', () => {
      expect(harness.directory.get('p-2')).toMatchObject({
        id: 'p-2',
        site: 's2',
        residentId: 'res-1',
        retired: false,
      });
      expect(harness.directory.get('p-old')).toMatchObject({ id: 'p-old', retired: true });
      expect(harness.directory.get('nope')).toBeUndefined();
    });

    it('lists the devices in service, by site then id', () => {
      expect(harness.directory.list().map((device) => device.id)).toEqual(['d-1', 'p-1', 'p-2']);
    });

    it("finds a device's resident", () => {
      expect(harness.directory.resident('res-1')).toMatchObject({ id: 'res-1', name: '张三明' });
      expect(harness.directory.resident('nobody')).toBeUndefined();
    });
  });
}
