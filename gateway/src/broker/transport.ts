import type { CommandSender } from '../alerts/feedback.ts';

/** The MQTT side of the gateway: an embedded aedes broker or a client of an external broker. */
export interface Transport extends CommandSender {
  readonly mode: 'embedded' | 'external';
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Publish a gateway message (status, center traffic); resolves when the broker has it (QoS ≥ 1). */
  publish(topic: string, payload: string | Buffer, opts: { qos: 0 | 1; retain?: boolean }): Promise<void>;
}
