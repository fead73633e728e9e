// What the rest of the kiosk sees of the hardware service (implemented in this folder).
import type { DeviceHealth } from '../events.ts';

export interface PrintJobRequest {
  ticketId?: string; // the queue's ticket id, so a job can be tied back to its ticket
  bytes: Buffer; // ESC/POS, built with EscPos from @linli/shared
  /**
   * The job's id, chosen by the caller: a request with the id of a job the queue already has
   * returns that job and prints nothing more (the queue hands a ticket's paper again after a
   * crash without printing it twice). Default: a new id.
   */
  jobId?: string;
}
export interface PrintJobInfo {
  jobId: string;
  ticketId?: string;
  state: 'queued' | 'printing' | 'printed' | 'held' | 'failed';
  reason?: string;
  /**
   * What came out, said plainly: 'complete' (printed to its end), 'incomplete' (the printer
   * stopped before the end: reprint), 'unknown' (the printer cannot tell: the ticket may have
   * printed, check before a retry). Set once a job has printed or failed.
   */
  paper?: 'complete' | 'incomplete' | 'unknown';
  createdAt: number;
  printedAt?: number;
}

export interface Hardware {
  /**
   * Queue a print job; never lost, never printed twice. Progress arrives as 'print.job' events.
   * Throws HardwareError PRINT_JOB_INVALID for empty or oversized (> 1 MiB) bytes.
   */
  print(job: PrintJobRequest): PrintJobInfo;
  /**
   * Queue several jobs in one write; the same rules as print().
   * Optional: callers fall back to print() one by one.
   */
  printAll?(jobs: PrintJobRequest[]): PrintJobInfo[];
  /**
   * Resolves once every job queued so far survives a power cut (an fdatasync off the event loop;
   * a process crash never loses a queued job even before it). Optional: fakes keep jobs in memory.
   */
  syncPrints?(): Promise<void>;
  /** The newest print jobs first, at most `limit` (default 100). */
  printJobs(limit?: number): PrintJobInfo[];
  /**
   * Staff retry: a 'failed' job goes back into the queue, a 'held' one is re-checked at once.
   * Throws HardwareError PRINT_JOB_NOT_FOUND / PRINT_JOB_STATE. (Optional so fakes stay small.)
   */
  retryPrintJob?(jobId: string): PrintJobInfo;
  health(): DeviceHealth[];
  /** Counters per device (polls, reads, bad frames, time-outs, printed, scans, refusals, connects). */
  stats?(): Record<string, Record<string, number>>;
  stop(): Promise<void>;
}

/**
 * Each port: a device path, 'simulated' (start the firmware-sim device on a pseudo-terminal:
 * development and tests), 'none' (deliberately absent), or '' (not configured: no device, health
 * says so).
 */
export interface HardwareConfig {
  idcard: string; // LINLI_KIOSK_IDCARD (default '': not configured); 'hid:<path>' for USB-HID readers
  printer: string; // LINLI_KIOSK_PRINTER (default '': not configured); /dev/ttyUSB*, /dev/usb/lp*
  scanner: string; // LINLI_KIOSK_SCANNER (default '': not configured); 'hid:<path>' or a serial path
  pollIntervalMs?: number; // ≥ 300
  dataDir: string; // print queue persistence
}
