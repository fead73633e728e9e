// The few MQTT encoding pieces the benches' raw-socket device clients need (bench/fleet.ts,
// bench/storm-fleet.ts): a length-prefixed string, the remaining-length varint, a whole packet.
// Raw sockets, not a client library, so 10,000 devices fit beside the broker on a small machine.

/** A UTF-8 string with its 2-byte length. */
export function str(text: string): Buffer {
  const bytes = Buffer.from(text);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(bytes.length);
  return Buffer.concat([len, bytes]);
}

/** The remaining-length varint. */
export function remLen(length: number): Buffer {
  const out: number[] = [];
  let rest = length;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    out.push(byte);
  } while (rest > 0);
  return Buffer.from(out);
}

/** A packet: its first byte (type and flags), the remaining length, the body. */
export function packet(first: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([first]), remLen(body.length), body]);
}
