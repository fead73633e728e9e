// aedes' in-memory persistence with an indexed retained store. aedes-persistence 11 answers
// every SUBSCRIBE by testing each retained message against the subscription (a new matcher per
// message): with a retained status per device, 10,000 devices reconnecting cost 10,000 × 10,000
// tests, most of the time of a reconnect storm. A device subscribes to one exact topic (its
// cmd topic): looked up in a Map here; only a wildcard subscription (the gateway's own tools)
// walks the store.
import { Readable } from 'node:stream';
import aedesPersistence from 'aedes-persistence';

// a CommonJS module whose types declare an ES default export: the module itself is the factory
const memory = aedesPersistence as unknown as () => object;

interface RetainedPacket {
  topic: string;
  payload: Buffer | string;
  [k: string]: unknown;
}

/** True when an MQTT topic filter (with + and #) matches a topic name. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  // [MQTT-4.7.2-1] a filter starting with a wildcard does not match $-topics
  if ((f[0] === '#' || f[0] === '+') && topic.startsWith('$')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

const isExact = (filter: string) => !filter.includes('+') && !filter.includes('#');

/** A persistence for `new Aedes({ persistence })`: aedes' memory persistence, retained indexed. */
export function indexedRetainedPersistence(): object {
  const p = memory();
  const retained = new Map<string, RetainedPacket>();
  const patched = p as unknown as {
    storeRetained(packet: RetainedPacket, cb?: (err: Error | null) => void): Promise<void> | undefined;
    createRetainedStream(pattern: string): Readable;
    createRetainedStreamCombi(patterns: string[]): Readable;
  };
  patched.storeRetained = (packet, cb) => {
    const copy = { ...packet };
    if (copy.payload.length === 0) retained.delete(copy.topic);
    else retained.set(copy.topic, copy);
    if (cb) return void process.nextTick(cb, null);
    return Promise.resolve();
  };
  function* matching(patterns: string[]): Generator<RetainedPacket> {
    for (const pattern of patterns) {
      if (isExact(pattern)) {
        const hit = retained.get(pattern);
        if (hit) yield hit;
        continue;
      }
      for (const [topic, packet] of retained) if (topicMatches(pattern, topic)) yield packet;
    }
  }
  patched.createRetainedStreamCombi = (patterns) => Readable.from(matching(patterns));
  patched.createRetainedStream = (pattern) => Readable.from(matching([pattern]));
  return p;
}
