// The kiosk's typed event bus: hardware drivers and the queue engine publish here; the live
// stream (SSE) forwards the public, privacy-safe events to the UIs.
import { EventEmitter } from 'node:events';
import type { CardRecord, PrinterStatus } from '@linli/shared';

export type DeviceName = 'idcard' | 'printer' | 'scanner';
export interface DeviceHealth {
  device: DeviceName;
  connected: boolean;
  state: 'ok' | 'warning' | 'error' | 'disconnected';
  detail?: string; // human text, e.g. '打印机缺纸 / printer out of paper'
  lastError?: string;
  paper?: 'ok' | 'near-end' | 'out';
  since: number;
}

export interface KioskEvents {
  /** One per placement. `card` holds the full record: in-process only, never logged or streamed. */
  'card.read': { card: CardRecord; maskedName: string; maskedId: string; expired: boolean; at: number };
  /** A card was found on the reader and is being read: whoever stood there before has left. */
  'card.placed': { at: number };
  'card.removed': { at: number };
  'card.error': { code: string; zh: string; en: string; sw3?: number; at: number };
  scan: { source: 'hid' | 'serial'; code: string; symbology?: string; at: number };
  'device.health': DeviceHealth;
  'print.job': {
    jobId: string;
    ticketId?: string;
    state: 'queued' | 'printing' | 'printed' | 'held' | 'failed';
    reason?: string;
    status?: Partial<PrinterStatus>;
    at: number;
  };
  /** Queue engine events (issue 7) are added here by the queue module. */
  [other: `ticket.${string}` | `queue.${string}`]: Record<string, unknown>;
}

export class KioskBus {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(100);
  }
  emit<K extends keyof KioskEvents>(type: K, payload: KioskEvents[K]): void {
    this.emitter.emit(type as string, payload);
    this.emitter.emit('*', type, payload);
  }
  on<K extends keyof KioskEvents>(type: K, listener: (payload: KioskEvents[K]) => void): () => void {
    this.emitter.on(type as string, listener as (p: unknown) => void);
    return () => this.emitter.off(type as string, listener as (p: unknown) => void);
  }
  onAny(listener: (type: string, payload: unknown) => void): () => void {
    this.emitter.on('*', listener);
    return () => this.emitter.off('*', listener);
  }
}
