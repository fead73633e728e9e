// MQTT topics v1 (DESIGN.md). {site} and {dev}: [A-Za-z0-9_-]{1,64}.
export type TopicKind = 'evt' | 'hb' | 'status' | 'cmd';
export type ParsedTopic =
  | { kind: TopicKind; site: string; dev: string }
  | { kind: 'gateway-status'; site: string }
  | { kind: 'center-alert' | 'center-ack'; site: string };

export declare const TOPIC_ROOT: 'linli/v1';
export declare const ID_PATTERN: RegExp; // ^[A-Za-z0-9_-]{1,64}$
export declare const topics: {
  evt(site: string, dev: string): string; // linli/v1/{site}/dev/{dev}/evt
  hb(site: string, dev: string): string;
  status(site: string, dev: string): string;
  cmd(site: string, dev: string): string;
  gatewayStatus(site: string): string; // linli/v1/{site}/gateway/status
  centerAlert(site: string): string; // linli/v1/center/{site}/alert
  centerAck(site: string): string; // linli/v1/center/{site}/ack
};
/** Parse a topic; undefined for anything that is not a v1 Linli topic. */
export declare function parseTopic(topic: string): ParsedTopic | undefined;
