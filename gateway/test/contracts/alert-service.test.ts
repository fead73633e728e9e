// The AlertService contract against the real engine (real SQLite file) and the API tests' fake.
import { runTx } from '../../src/db/tx.ts';
import { alert, FakeAlerts } from '../api/helpers.ts';
import { makeEngine } from '../engine/helpers.ts';
import { alertServiceContract } from './alert-service.contract.ts';

alertServiceContract('AlertEngine on SQLite', () => {
  const engine = makeEngine();
  return {
    service: engine.alerts,
    raise: (deviceId, site, at) =>
      runTx(engine.db, (tx) => engine.alerts.raise(tx, { type: 'sos', site, deviceId, at }).alert),
    close: () => engine.cleanup(),
  };
});

alertServiceContract('FakeAlerts (gateway/test/api/helpers.ts)', () => {
  const fake = new FakeAlerts();
  let next = 1;
  return {
    service: fake,
    raise: (deviceId, site, at) => {
      const record = alert(`fake-${next++}`, { deviceId, site, raisedAt: at, lastAt: at });
      fake.add(record);
      return record;
    },
    close: () => {},
  };
});
