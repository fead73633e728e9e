import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIGURATION_DOC, configurationDoc } from '../../scripts/config-doc.ts';

describe('docs/configuration.md', () => {
  it('is generated from the current schemas (run npm run docs:config)', () => {
    expect(readFileSync(CONFIGURATION_DOC, 'utf8')).toBe(configurationDoc());
  });

  it('lists every variable with its key, type and default', () => {
    const doc = configurationDoc();
    expect(doc).toContain('| `LINLI_GW_ESCALATION_CRITICAL` | `alerts.escalation.critical` |');
    expect(doc).toContain('`[60,180,600]`');
    expect(doc).toContain('| `LINLI_KIOSK_PORT` | `port` | an integer ≥ 0 and ≤ 65535 | `8090` |');
    expect(doc).toContain('| `LINLI_GW_SESSION_TTL_S` | `sessionTtlS` |');
  });
});
