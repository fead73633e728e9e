// 'simulated' devices: the firmware-sim reader, printer and scanner on pseudo-terminals. The
// kiosk then opens their paths exactly as it would open real ports. firmware-sim is a development
// dependency, loaded on first use only (a production image does not ship it).
import type {
  IdCardReaderHandle,
  IdCardReaderOptions,
  PrinterHandle,
  PrinterHandleOptions,
  SerialScannerHandle,
  SerialScannerOptions,
} from '@linli/firmware-sim';
import { HardwareError } from './errors.ts';

export interface SimulatedDevices {
  idcard?: IdCardReaderHandle;
  printer?: PrinterHandle;
  scanner?: SerialScannerHandle;
}

/** Options passed to each simulator (see @linli/firmware-sim). */
export interface SimulatorOptions {
  idcard?: IdCardReaderOptions;
  printer?: PrinterHandleOptions;
  scanner?: SerialScannerOptions;
}

export interface SimStarter {
  idcard(): Promise<IdCardReaderHandle>;
  printer(): Promise<PrinterHandle>;
  scanner(): Promise<SerialScannerHandle>;
}

/**
 * `record`: write each simulator's pseudo-terminal and control URL to firmware-sim's state files,
 * as the standalone simulators do, so `npm run sim -- ctl idcard place li-92` drives the ones the
 * kiosk started in-process (forgotten again when they stop).
 */
export function firmwareSimStarter(opts: SimulatorOptions = {}, record = false): SimStarter {
  // firmware-sim is a development dependency: a production install without it refuses 'simulated'.
  const load = async () => {
    try {
      return await import('@linli/firmware-sim');
    } catch (err) {
      throw new HardwareError(
        'HW_CONFIG',
        "'simulated' devices need the development dependency @linli/firmware-sim, which is not installed",
        { cause: err },
      );
    }
  };
  const recorded = async <H extends { path: string; controlUrl: string | undefined; stop(): Promise<void> }>(
    device: 'idcard' | 'printer' | 'scanner',
    handle: H,
  ): Promise<H> => {
    if (!record) return handle;
    const forget = (await load()).writeState(device, { path: handle.path, controlUrl: handle.controlUrl });
    const stop = handle.stop.bind(handle);
    handle.stop = async () => {
      forget();
      await stop();
    };
    return handle;
  };
  return {
    // A re-finding reader shows 'card.removed' when the card is lifted (see idcard/reader.ts).
    idcard: async () =>
      recorded(
        'idcard',
        await (await load()).startIdCardReader({
          refindAfterRead: true,
          serialInSelect: true,
          ...opts.idcard,
        }),
      ),
    printer: async () => recorded('printer', await (await load()).startPrinter({ ...opts.printer })),
    scanner: async () => recorded('scanner', await (await load()).startSerialScanner({ ...opts.scanner })),
  };
}
