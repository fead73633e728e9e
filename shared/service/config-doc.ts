// docs/configuration.md is generated from the services' schemas (scripts/config-doc.ts); a test
// compares it with this rendering so the page cannot go stale.
import type { TObject } from '@sinclair/typebox';
import type { ServiceConfigSpec } from './config-load.ts';
import { expectation, settingsOf } from './config-settings.ts';

export interface ConfigDocSection {
  title: string;
  intro: string;
  spec: ServiceConfigSpec<TObject>;
}

const cell = (text: string): string =>
  text.replace(/\|/g, '\\|').replace(/\n/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const shown = (value: unknown): string => (value === undefined ? '(unset)' : `\`${JSON.stringify(value)}\``);

export function renderConfigDoc(intro: string, sections: readonly ConfigDocSection[]): string {
  const out = ['# Configuration', '', intro.trim(), ''];
  for (const { title, intro: sectionIntro, spec } of sections) {
    out.push(`## ${title}`, '', sectionIntro.trim(), '');
    out.push('| Variable | Key | Type | Default | Description |', '| --- | --- | --- | --- | --- |');
    for (const { path, schema } of settingsOf(spec.schema)) {
      const variable = schema.env ? `\`${schema.env}\`` : '(code only)';
      out.push(
        `| ${variable} | \`${path}\` | ${cell(expectation(schema))} | ${cell(shown(schema.default))} | ${cell(schema.description ?? '')} |`,
      );
    }
    if (spec.declared?.length)
      out.push(
        '',
        `Also read with this prefix, outside this schema: ${spec.declared.map((v) => `\`${v}\``).join(', ')}.`,
      );
    out.push('');
  }
  return out.join('\n');
}
