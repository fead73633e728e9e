// Self-time shares of a V8 CPU profile (a .cpuprofile from LINLI_BENCH_PROF), by function and by
// file, and the inclusive share of the functions whose name or file contains a filter:
//   npx tsx bench/prof-top.ts FILE [rows=40] [filter]
//   LINLI_PROF_CALLERS=run npx tsx bench/prof-top.ts FILE: a function's self time by caller (e.g.
//   the native `run` of better-sqlite3: the COMMIT and its fsync under `sqliteTransaction`)
// Idle time is listed but the shares are of the busy time (samples that are not idle), so two
// runs at different loads compare by where the CPU went.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, rowsArg, filter] = process.argv.slice(2);
if (!file) {
  console.error('usage: npx tsx bench/prof-top.ts FILE [rows] [filter]');
  process.exit(2);
}
const rows = Number(rowsArg ?? 40);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));

const shortUrl = (url: string) =>
  url.replace(/^.*node_modules\//, 'nm/').replace(/^file:\/\/.*?\/(gateway|shared|bench)\//, '$1/');
const label = (node: ProfileNode) =>
  `${node.callFrame.functionName || '(anonymous)'} ${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;

const selfTime = new Map<number, number>();
let total = 0;
let idle = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  if (byId.get(id)?.callFrame.functionName === '(idle)') idle += dt;
  selfTime.set(id, (selfTime.get(id) ?? 0) + dt);
});
const busy = total - idle;

const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
for (const [id, t] of selfTime) {
  const node = byId.get(id)!;
  if (node.callFrame.functionName === '(idle)') continue;
  byFunction.set(label(node), (byFunction.get(label(node)) ?? 0) + t);
  const where = shortUrl(node.callFrame.url) || `(${node.callFrame.functionName})`;
  byFile.set(where, (byFile.get(where) ?? 0) + t);
}

// inclusive time: a node's self time plus its subtree's, counted once per label on a path
const inclusive = new Map<string, number>();
const walk = (id: number, onPath: Set<string>): number => {
  const node = byId.get(id)!;
  let t = selfTime.get(id) ?? 0;
  const key = label(node);
  const fresh = !onPath.has(key);
  if (fresh) onPath.add(key);
  for (const child of node.children ?? []) t += walk(child, onPath);
  if (fresh) {
    onPath.delete(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + t);
  }
  return t;
};
walk(profile.nodes[0]!.id, new Set());

const pct = (t: number) => `${((t / busy) * 100).toFixed(1).padStart(5)} %`;
const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
console.log(
  `${file}: ${(total / 1e6).toFixed(1)} s sampled, busy ${(busy / 1e6).toFixed(1)} s (${((busy / total) * 100).toFixed(0)} %); shares of busy time`,
);
console.log('-- self time by function');
for (const [k, t] of top(byFunction, rows)) console.log(pct(t), k);
console.log('-- self time by file');
for (const [k, t] of top(byFile, 25)) console.log(pct(t), k);
if (filter) {
  console.log(`-- inclusive time, functions matching ${filter}`);
  for (const [k, t] of top(new Map([...inclusive].filter(([k]) => k.includes(filter))), rows))
    console.log(pct(t), k);
}

// LINLI_PROF_CALLERS=name: where the self time of functions with that name comes from (parents)
const callersOf = process.env.LINLI_PROF_CALLERS;
if (callersOf) {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byCaller = new Map<string, number>();
  for (const [id, t] of selfTime) {
    if (byId.get(id)!.callFrame.functionName !== callersOf) continue;
    const p = parent.get(id);
    const key = p === undefined ? '(root)' : label(byId.get(p)!);
    byCaller.set(key, (byCaller.get(key) ?? 0) + t);
  }
  console.log(`-- self time of ${callersOf}, by caller`);
  for (const [k, t] of top(byCaller, rows)) console.log(pct(t), k);
}
