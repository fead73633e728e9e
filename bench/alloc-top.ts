// Allocation shares of a sampling heap profile (a .heapprofile from LINLI_BENCH_ALLOC in
// storm.bench.ts): bytes allocated by function (self), and by function with its caller, so the
// sources of garbage-collection work can be ranked. `npx tsx bench/alloc-top.ts FILE [rows=40]`
import { readFileSync } from 'node:fs';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: npx tsx bench/alloc-top.ts FILE [rows]');
  process.exit(2);
}
const rows = Number(rowsArg ?? 40);
const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode };
const shortUrl = (url: string) =>
  url.replace(/^.*node_modules\//, 'nm/').replace(/^file:\/\/.*?\/(gateway|shared|bench)\//, '$1/');
const label = (n: HeapNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

const self = new Map<string, number>();
const withCaller = new Map<string, number>();
let total = 0;
const walk = (n: HeapNode, parent: HeapNode | undefined) => {
  if (n.selfSize > 0) {
    total += n.selfSize;
    self.set(label(n), (self.get(label(n)) ?? 0) + n.selfSize);
    const k = `${label(n)}  ← ${parent ? label(parent) : '(root)'}`;
    withCaller.set(k, (withCaller.get(k) ?? 0) + n.selfSize);
  }
  for (const c of n.children) walk(c, n);
};
walk(head, undefined);
const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, rows);
const pct = (b: number) => `${((b / total) * 100).toFixed(1).padStart(5)} %`;
console.log(`${file}: ${(total / 2 ** 20).toFixed(1)} MiB sampled`);
console.log('-- allocated by function');
for (const [k, b] of top(self)) console.log(pct(b), k);
console.log('-- allocated by function and caller');
for (const [k, b] of top(withCaller)) console.log(pct(b), k);
