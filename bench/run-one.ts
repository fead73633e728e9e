// Runs one benchmark module in its own process and writes its results as JSON to argv[3].
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { BenchResult } from './types.ts';

const [file, out] = process.argv.slice(2);
if (!file || !out) {
  console.error('usage: run-one.ts <bench file> <result json>');
  process.exit(2);
}
const mod = (await import(pathToFileURL(file).href)) as { run: () => Promise<BenchResult[]> };
const results = await mod.run();
writeFileSync(out, JSON.stringify(results));
process.exit(0);
