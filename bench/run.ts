// `npm run bench [-- name…]`: runs every bench/*.bench.ts (or those whose name contains one of
// the arguments), each in its own process, prints every figure beside its target and baseline,
// and writes the table to docs/benchmarks.md.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchResult } from './types.ts';

const here = import.meta.dirname;
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches ${filters.join(' ')}`);
  process.exit(2);
}

const tmp = mkdtempSync(join(tmpdir(), 'linli-bench-'));
const rows: (BenchResult & { file: string })[] = [];
const failures: string[] = [];
for (const [i, file] of files.entries()) {
  console.log(`\n[${i + 1}/${files.length}] ${file}`);
  const out = join(tmp, `${file}.json`);
  const started = Date.now();
  const code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(here, 'run-one.ts'), join(here, file), out],
      {
        stdio: 'inherit',
      },
    );
    child.on('exit', (c) => resolve(c ?? 1));
  });
  if (code !== 0) {
    failures.push(`${file}: exited ${code}`);
    continue;
  }
  const results = JSON.parse(readFileSync(out, 'utf8')) as BenchResult[];
  for (const r of results) rows.push({ ...r, file });
  console.log(`    done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
rmSync(tmp, { recursive: true, force: true });

const fmt = (r: BenchResult) => `${Number.isInteger(r.value) ? r.value : r.value.toFixed(2)} ${r.unit}`;
console.log('\n== Results');
for (const r of rows) {
  console.log(
    `${r.pass ? 'PASS' : 'MISS'}  ${r.name}: ${fmt(r)} (target ${r.target})${r.baseline ? ` — baseline: ${r.baseline}` : ''}`,
  );
}
for (const f of failures) console.log(`FAIL  ${f}`);

const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const doc = [
  '# Benchmarks',
  '',
  'Produced by `npm run bench` (each `bench/*.bench.ts` in its own process); targets from DESIGN.md.',
  `Last run: ${new Date().toISOString()} on ${machine}.`,
  filters.length ? `Filter: ${filters.join(' ')} (only these benchmarks were run).` : '',
  '',
  '| result | what | figure | target | baseline | detail | file |',
  '|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.pass ? 'pass' : '**miss**'} | ${r.name} | ${fmt(r)} | ${r.target} | ${r.baseline ?? ''} | ${r.detail ?? ''} | ${r.file} |`,
  ),
  ...failures.map((f) => `| **failed** | ${f} | | | | | |`),
  '',
].join('\n');
if (filters.length === 0) writeFileSync(join(here, '..', 'docs', 'benchmarks.md'), doc);
else console.log('\n(filtered run: docs/benchmarks.md left unchanged)');
process.exit(failures.length > 0 ? 1 : 0);
