// Preloaded into a bench child (`node --import ./bench/proc-stats.ts …`, spawned with an IPC
// channel): answers each 'stats' message with the process's memory use and whatever the child
// registered as `globalThis.linliBenchStats` (the station's outbox depth, for the soak run).
const g = globalThis as { linliBenchStats?: () => Record<string, number | null> };
if (process.send) {
  process.on('message', (m) => {
    if (m !== 'stats') return;
    const mem = process.memoryUsage();
    process.send?.({ stats: { rss: mem.rss, heapUsed: mem.heapUsed, ...(g.linliBenchStats?.() ?? {}) } });
  });
  process.channel?.unref();
}
