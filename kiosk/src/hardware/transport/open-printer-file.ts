// The one thin file that opens a USB printer device file (/dev/usb/lp*) as a ByteTransport.
// Opened read-write and non-blocking: job bytes are written (retrying on EAGAIN), and the
// printer's status replies (DLE EOT) are read by polling every `pollMs`, so no thread-pool
// thread ever blocks on the device. ENODEV on a read or write means unplugged (the line closes
// and is reopened); any other read error stops the reading only (a write-only printer: its
// status queries then time out — see the queue's printWithoutStatus).
import { constants, promises as fsp } from 'node:fs';
import { Duplex } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { type ByteTransport, duplexTransport } from './byte-transport.ts';

const isAgain = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === 'EAGAIN';

export async function openPrinterFile(path: string, pollMs = 20): Promise<ByteTransport> {
  const fh = await fsp.open(path, constants.O_RDWR | constants.O_NONBLOCK);
  const buf = Buffer.alloc(64);
  let reading = false;
  const stream = new Duplex({
    write(chunk: Buffer, _enc, cb) {
      (async () => {
        for (let at = 0; at < chunk.length; ) {
          try {
            at += (await fh.write(chunk, at, chunk.length - at)).bytesWritten;
          } catch (err) {
            if (!isAgain(err)) throw err;
            await delay(pollMs);
          }
        }
      })().then(() => cb(), cb);
    },
    read() {},
    destroy(err, cb) {
      clearInterval(timer);
      fh.close().then(
        () => cb(err),
        () => cb(err),
      );
    },
  });
  const timer = setInterval(() => {
    if (reading) return;
    reading = true;
    fh.read(buf, 0, buf.length, null).then(
      ({ bytesRead }) => {
        reading = false;
        if (bytesRead > 0) stream.push(Buffer.from(buf.subarray(0, bytesRead)));
      },
      (err: unknown) => {
        reading = false;
        if (isAgain(err)) return;
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENODEV' || code === 'ENOENT' || code === 'EBADF')
          stream.destroy(err as Error); // unplugged
        else clearInterval(timer); // a printer that cannot be read: keep writing, stop reading
      },
    );
  }, pollMs);
  return duplexTransport(stream, `printer file ${path}`);
}
