// The DeviceDirectory contract against the real Registry (real SQLite file) and MemoryDirectory.
import { openRegistry } from '../../src/registry/index.ts';
import { MemoryDirectory } from '../engine/helpers.ts';
import { openTestDb } from '../registry/db-helper.ts';
import { deviceDirectoryContract } from './device-directory.contract.ts';

deviceDirectoryContract('Registry on SQLite', () => {
  const testDb = openTestDb();
  const registry = openRegistry(testDb.db, { secretKey: 'k'.repeat(32) });
  return {
    directory: registry,
    addResident: (id, name) => {
      registry.createResident({ id, name, livesAlone: true });
    },
    addDevice: (device, secret) => {
      registry.provision({ ...device, secret });
    },
    retire: (id) => {
      registry.retire(id);
    },
    close: () => testDb.close(),
  };
});

deviceDirectoryContract('MemoryDirectory (gateway/test/engine/helpers.ts)', () => {
  const memory = new MemoryDirectory();
  return {
    directory: memory,
    addResident: (id, name) => {
      memory.addResident({ id, name });
    },
    addDevice: (device, secret) => {
      memory.add(device, secret);
    },
    retire: (id) => {
      const device = memory.devices.get(id);
      if (device) memory.devices.set(id, { ...device, retired: true });
    },
    close: () => {},
  };
});
