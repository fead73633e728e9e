// Typed event bus of the gateway: the engine emits, the API's live stream and the metrics listen.
import { EventEmitter } from 'node:events';
import type { GatewayEvents } from './types.ts';

export interface EngineEvents extends GatewayEvents {
  /** An incoming message was refused; reason is a short counted code. */
  'message.refused': {
    reason: RefusalReason;
    clientId?: string;
    username?: string;
    topic?: string;
    detail?: string;
  };
}

export type RefusalReason =
  | 'auth'
  /** a client id that belongs to another account (session takeover attempt) */
  | 'client-id'
  /** a CONNECT from an address blocked after repeated failed logins */
  | 'address-blocked'
  /** a malformed or out-of-order MQTT packet, or no CONNECT in time: the connection is closed */
  | 'protocol'
  | 'acl'
  | 'acl-subscribe'
  | 'rate'
  | 'oversize'
  | 'encoding'
  | 'json'
  | 'schema'
  | 'topic'
  | 'unknown-device'
  | 'site'
  | 'store';

export class GatewayBus {
  private readonly ee = new EventEmitter();
  constructor() {
    this.ee.setMaxListeners(100);
  }
  on<K extends keyof EngineEvents>(name: K, fn: (e: EngineEvents[K]) => void): () => void {
    this.ee.on(name, fn as (e: unknown) => void);
    return () => this.ee.off(name, fn as (e: unknown) => void);
  }
  off<K extends keyof EngineEvents>(name: K, fn: (e: EngineEvents[K]) => void): void {
    this.ee.off(name, fn as (e: unknown) => void);
  }
  emit<K extends keyof EngineEvents>(name: K, e: EngineEvents[K]): void {
    // A failing listener must not break the engine.
    for (const fn of this.ee.listeners(name)) {
      try {
        (fn as (e: unknown) => void)(e);
      } catch (err) {
        process.emitWarning(`bus listener for ${String(name)} failed: ${(err as Error).message}`);
      }
    }
  }
}
