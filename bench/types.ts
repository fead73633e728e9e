// Every benchmark module (bench/*.bench.ts) exports `run(): Promise<BenchResult[]>`.
export interface BenchResult {
  name: string; // e.g. 'SOS press → stored + PUBACK p99 (10,000 devices)'
  value: number;
  unit: string; // 'ms', 'msg/s', 'KB', '%'
  target: string; // e.g. '≤ 50 ms'
  pass: boolean;
  baseline?: string; // what it is compared with, e.g. 'raw aedes QoS 1: 12,300 msg/s'
  detail?: string;
}
