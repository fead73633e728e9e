// MQTT topics v1 (DESIGN.md). {site} and {dev}: [A-Za-z0-9_-]{1,64}.
import { ValidationError } from '../errors.ts';

export type TopicKind = 'evt' | 'hb' | 'status' | 'cmd';
export type ParsedTopic =
  | { kind: TopicKind; site: string; dev: string }
  | { kind: 'gateway-status'; site: string }
  | { kind: 'center-alert' | 'center-ack'; site: string };

export const TOPIC_ROOT = 'linli/v1' as const;
export const ID_PATTERN: RegExp = /^[A-Za-z0-9_-]{1,64}$/;
const DEVICE_KINDS: ReadonlySet<string> = new Set<TopicKind>(['evt', 'hb', 'status', 'cmd']);

function id(value: string, what: 'site' | 'dev'): string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw new ValidationError(`${what} id ${JSON.stringify(value)} does not match ${ID_PATTERN}`);
  }
  return value;
}
const device = (site: string, dev: string, kind: TopicKind) =>
  `${TOPIC_ROOT}/${id(site, 'site')}/dev/${id(dev, 'dev')}/${kind}`;

/** Topic builders; they throw ValidationError for an id that is not [A-Za-z0-9_-]{1,64} (no wildcards, no '/'). */
export const topics = {
  evt: (site: string, dev: string): string => device(site, dev, 'evt'), // linli/v1/{site}/dev/{dev}/evt
  hb: (site: string, dev: string): string => device(site, dev, 'hb'),
  status: (site: string, dev: string): string => device(site, dev, 'status'),
  cmd: (site: string, dev: string): string => device(site, dev, 'cmd'),
  gatewayStatus: (site: string): string => `${TOPIC_ROOT}/${id(site, 'site')}/gateway/status`,
  centerAlert: (site: string): string => `${TOPIC_ROOT}/center/${id(site, 'site')}/alert`,
  centerAck: (site: string): string => `${TOPIC_ROOT}/center/${id(site, 'site')}/ack`,
};

/** Subscription filters, all sites and devices (`+` wildcards). */
export const TOPIC_FILTERS = {
  evt: `${TOPIC_ROOT}/+/dev/+/evt`,
  hb: `${TOPIC_ROOT}/+/dev/+/hb`,
  status: `${TOPIC_ROOT}/+/dev/+/status`,
  cmd: `${TOPIC_ROOT}/+/dev/+/cmd`,
  gatewayStatus: `${TOPIC_ROOT}/+/gateway/status`,
  centerAlert: `${TOPIC_ROOT}/center/+/alert`,
  centerAck: `${TOPIC_ROOT}/center/+/ack`,
} as const;

/** Parse a topic; undefined for anything that is not a v1 Linli topic. */
export function parseTopic(topic: string): ParsedTopic | undefined {
  if (typeof topic !== 'string' || topic.length > 256 || !topic.startsWith(`${TOPIC_ROOT}/`))
    return undefined;
  const p = topic.slice(TOPIC_ROOT.length + 1).split('/');
  if (p.length === 4) {
    const [site, dev, devId, kind] = p as [string, string, string, string];
    if (dev !== 'dev' || !ID_PATTERN.test(site) || !ID_PATTERN.test(devId) || !DEVICE_KINDS.has(kind)) {
      return undefined;
    }
    return { kind: kind as TopicKind, site, dev: devId };
  }
  if (p.length === 3) {
    const [a, b, c] = p as [string, string, string];
    if (a === 'center' && ID_PATTERN.test(b) && (c === 'alert' || c === 'ack')) {
      return { kind: c === 'alert' ? 'center-alert' : 'center-ack', site: b };
    }
    if (ID_PATTERN.test(a) && b === 'gateway' && c === 'status') return { kind: 'gateway-status', site: a };
  }
  return undefined;
}
