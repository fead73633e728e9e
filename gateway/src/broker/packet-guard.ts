// Refuses an MQTT packet that is too large before the broker buffers it. MQTT allows packets of up
// to 256 MB (remaining length up to 268,435,455); aedes would buffer such a packet whole, from
// anyone, before authentication. The guard watches the bytes a connection sends (a passive
// 'data' listener: aedes still reads the stream itself), follows packet boundaries through the
// fixed headers, and reports the first packet whose declared size is over the limit, so the
// connection can be closed and the refusal counted.

/** Largest packet a device needs: a 4 KiB payload (MAX_PAYLOAD_BYTES) plus topic and headers. */
export const DEFAULT_MAX_PACKET_BYTES = 16 * 1024;

export type GuardVerdict = { ok: true } | { ok: false; declared: number; detail: string };

export class PacketSizeGuard {
  private state: 'header' | 'length' | 'body' = 'header';
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private remaining = 0;
  private failed = false;

  constructor(private readonly maxBytes = DEFAULT_MAX_PACKET_BYTES) {}

  /** Feed the next chunk the client sent. After a refusal every later call refuses too. */
  observe(chunk: Uint8Array): GuardVerdict {
    if (this.failed) return { ok: false, declared: this.length, detail: 'connection already refused' };
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'body') {
        const take = Math.min(this.remaining, chunk.length - i);
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) this.state = 'header';
        continue;
      }
      const byte = chunk[i++]!;
      if (this.state === 'header') {
        this.state = 'length';
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      // Remaining length: 1–4 bytes, 7 bits each, least significant first.
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes++;
      if (this.length > this.maxBytes) return this.refuse(`packet declares ${this.length}+ bytes`);
      if (byte & 0x80) {
        if (this.lengthBytes === 4) return this.refuse('malformed remaining length (more than 4 bytes)');
        continue;
      }
      this.remaining = this.length;
      this.state = this.remaining > 0 ? 'body' : 'header';
    }
    return { ok: true };
  }

  private refuse(detail: string): GuardVerdict {
    this.failed = true;
    return { ok: false, declared: this.length, detail: `${detail}, limit ${this.maxBytes}` };
  }
}
