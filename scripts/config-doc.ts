// docs/configuration.md is generated from the services' config schemas: `npm run docs:config`
// writes it; test/e2e/configuration-doc.test.ts fails when it is stale.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderConfigDoc } from '@linli/shared/service';
import { API_CONFIG_SPEC } from '../gateway/src/api/config.ts';
import { GATEWAY_CONFIG_SPEC } from '../gateway/src/config.ts';
import { KIOSK_CONFIG_SPEC } from '../kiosk/src/config.ts';

export const CONFIGURATION_DOC = join(resolve(import.meta.dirname, '..'), 'docs', 'configuration.md');

const INTRO = `<!-- Generated from the config schemas by \`npm run docs:config\` (scripts/config-doc.ts); do not edit. -->

Each service reads one schema (\`gateway/src/config-schema.ts\`, \`gateway/src/api/config.ts\`,
\`kiosk/src/config-schema.ts\`) with the shared loader of \`@linli/shared/service\`: the defaults
below, then a JSON file named by \`LINLI_GW_CONFIG_FILE\` / \`LINLI_KIOSK_CONFIG_FILE\` (same shape
as the keys), then settings from code, then the environment variables. Every value is checked at
start; an error names the key, the variable and what was wrong. A variable with the service's own
prefix (\`LINLI_GW_\`, \`LINLI_KIOSK_\`) that no setting reads is refused with the nearest known name
("did you mean …?"); variables of other prefixes belong to other processes sharing the environment.
Booleans read \`true\`/\`false\`/\`1\`/\`0\`/\`yes\`/\`no\`; lists are comma-separated.`;

const OTHERS = `## Other variables

Read by other processes that may share the environment (not checked by the services):

| Variable | Read by | Meaning |
| --- | --- | --- |
| \`LINLI_DATA_DIR\` | \`scripts/start.ts\` | Data folder of \`npm start\` (default \`./data\`). |
| \`LINLI_MQTT_URL\` | firmware simulators | Broker of the simulated devices (default \`mqtt://127.0.0.1:1883\`). |
| \`LINLI_SIM_STATE_DIR\` | firmware simulators | State of standalone simulated devices (default \`<tmp>/linli-sim\`). |
| \`LINLI_BENCH_DEVICES\`, \`LINLI_BENCH_LOAD_DEVICES\`, \`LINLI_BENCH_STALLS\`, \`LINLI_BENCH_PROF\` | \`bench/\` | Benchmark knobs (docs/benchmarks.md). |
| \`LINLI_TEST_NO_TMPFS\` | gateway tests | Do not mount a small tmpfs for the disk-full test. |
`;

export function configurationDoc(): string {
  return `${renderConfigDoc(INTRO, [
    {
      title: 'Gateway (`LINLI_GW_`)',
      intro: 'The alarm gateway: broker, ingest, alerts, supervision.',
      spec: GATEWAY_CONFIG_SPEC,
    },
    {
      title: 'Gateway HTTP API (`LINLI_GW_`)',
      intro: 'The staff API of the gateway; code may also pass these as the `api` section.',
      spec: API_CONFIG_SPEC,
    },
    {
      title: 'Kiosk service (`LINLI_KIOSK_`)',
      intro: 'The kiosk: queue, devices, staff logins.',
      spec: KIOSK_CONFIG_SPEC,
    },
  ])}\n${OTHERS}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  writeFileSync(CONFIGURATION_DOC, configurationDoc());
  console.log(`wrote ${CONFIGURATION_DOC}`);
}
