// MQTT 5 devices on the embedded broker. aedes 1.2 (the latest release; 2.0 is a beta) refuses
// protocol level 5 at CONNECT. A connection whose CONNECT says 5 is handed to aedes through a
// translator: the device's MQTT 5 packets are re-encoded as 3.1.1 for aedes, aedes' answers as
// MQTT 5 for the device. aedes still writes the PUBACK only after the gateway's
// authorizePublish has stored the event, so promise 1 (a PUBACK means stored) holds for MQTT 5
// devices as for 3.1.1 ones. What 3.1.1 cannot carry is dropped (properties, subscription
// options); the CONNACK announces no topic aliases, and an AUTH packet or a topic alias closes
// the connection. Connections at level 3 or 4 go to aedes untouched.
import { Duplex } from 'node:stream';
import mqttPacket, { type Packet } from 'mqtt-packet';

/** 3.1.1 CONNACK return code → MQTT 5 reason code */
const CONNACK_REASON: Record<number, number> = { 0: 0, 1: 0x84, 2: 0x85, 3: 0x88, 4: 0x86, 5: 0x87 };

const PEEK_TIMEOUT_MS = 30_000;

/** The first packet of a connection when it is a CONNECT: its protocol level and its size in
 *  bytes; undefined until enough bytes came to tell; 'other' when aedes should see the bytes as
 *  they are (not a CONNECT, malformed, or a declared length over `maxBytes`: aedes and the
 *  packet guard refuse those at once). */
export function connectHeader(
  buf: Buffer,
  maxBytes = Number.POSITIVE_INFINITY,
): { level: number; total: number } | undefined | 'other' {
  if (buf.length < 1) return undefined;
  if (buf[0] !== 0x10) return 'other';
  let length = 0;
  let i = 1;
  for (let mul = 1; ; mul *= 128) {
    if (i > 4) return 'other'; // a remaining length has at most 4 bytes
    if (i >= buf.length) return undefined;
    const b = buf[i++]!;
    length += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) break;
  }
  if (length > maxBytes) return 'other';
  if (buf.length < i + 2) return undefined;
  const at = i + 2 + buf.readUInt16BE(i);
  return buf.length > at ? { level: buf[at]!, total: i + length } : undefined;
}

/** The protocol level of a CONNECT at the start of `buf` (see connectHeader). */
export function connectLevel(buf: Buffer, maxBytes = Number.POSITIVE_INFINITY): number | undefined | 'other' {
  const h = connectHeader(buf, maxBytes);
  return typeof h === 'object' ? h.level : h;
}

/** Wait for the connection's whole CONNECT packet without consuming it (bytes are put back),
 *  then tell its protocol level (undefined: not a CONNECT, for aedes to refuse). A client that
 *  sends its CONNECT slowly costs a buffer here, not a login slot (broker/admission.ts). */
export function peekConnect(
  stream: Duplex,
  maxBytes: number,
  onConnect: (level: number | undefined) => void,
): void {
  let buf: Buffer = Buffer.alloc(0);
  // a connection that never sends its CONNECT is closed (as aedes' own connect timeout would)
  const timer = setTimeout(() => stream.destroy(), PEEK_TIMEOUT_MS);
  const onData = (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    const h = connectHeader(buf, maxBytes);
    if (h === undefined && buf.length < 64) return;
    if (typeof h === 'object' && buf.length < h.total) return;
    clearTimeout(timer);
    stream.off('data', onData);
    stream.off('close', onClose);
    stream.pause();
    stream.unshift(buf);
    onConnect(typeof h === 'object' ? h.level : undefined);
  };
  const onClose = () => clearTimeout(timer);
  stream.on('data', onData);
  stream.once('close', onClose);
}

type Loose = Record<string, unknown> & { cmd: string };

function toV4(p: Loose): Loose | Error {
  const { properties, ...rest } = p as Loose & { properties?: Record<string, unknown> };
  switch (p.cmd) {
    case 'connect': {
      const will = (rest as { will?: Loose }).will;
      if (will) {
        const { properties: _willProps, ...w } = will as Loose & { properties?: unknown };
        (rest as { will?: Loose }).will = w;
      }
      return { ...rest, protocolId: 'MQTT', protocolVersion: 4 };
    }
    case 'publish':
      if (properties && 'topicAlias' in properties) return new Error('topic alias (none announced)');
      return rest;
    case 'subscribe':
      return {
        ...rest,
        subscriptions: (rest.subscriptions as { topic: string; qos: number }[]).map((s) => ({
          topic: s.topic,
          qos: s.qos,
        })),
      };
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp': {
      const { reasonCode: _code, ...bare } = rest as Loose & { reasonCode?: number };
      return bare;
    }
    case 'unsubscribe':
    case 'pingreq':
    case 'disconnect':
      return {
        cmd: p.cmd,
        ...(p.messageId !== undefined ? { messageId: p.messageId } : {}),
        ...(p.cmd === 'unsubscribe' ? { unsubscriptions: p.unsubscriptions } : {}),
      };
    default:
      return new Error(`${p.cmd} is not supported`);
  }
}

/** A stream for aedes that speaks 3.1.1, over a device connection that speaks MQTT 5. */
export function mqtt5Bridge(device: Duplex, onError: (err: Error) => void): Duplex {
  const fromDevice = mqttPacket.parser({ protocolVersion: 5 });
  const fromBroker = mqttPacket.parser({ protocolVersion: 4 });
  const unsubscribed = new Map<number, number>(); // messageId → topics, for the UNSUBACK's codes
  const bridge = new Duplex({
    read() {
      device.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      fromBroker.parse(chunk);
      cb();
    },
    final(cb) {
      device.end();
      cb();
    },
    destroy(err, cb) {
      device.destroy();
      cb(err);
    },
  });
  const fail = (err: Error) => {
    onError(err);
    bridge.destroy();
  };
  fromDevice.on('packet', (p: Packet) => {
    const v4 = toV4(p as unknown as Loose);
    if (v4 instanceof Error) return fail(new Error(`MQTT 5: ${v4.message}`));
    if (v4.cmd === 'unsubscribe')
      unsubscribed.set(v4.messageId as number, (v4.unsubscriptions as string[]).length);
    if (!bridge.push(mqttPacket.generate(v4 as unknown as Packet, { protocolVersion: 4 }))) device.pause();
  });
  fromDevice.on('error', (err: Error) => fail(err));
  fromBroker.on('packet', (p: Packet) => {
    const out = { ...(p as unknown as Loose) };
    if (out.cmd === 'connack') {
      out.reasonCode = CONNACK_REASON[(out.returnCode as number) ?? 0] ?? 0x80;
      delete out.returnCode;
    } else if (out.cmd === 'unsuback') {
      const n = unsubscribed.get(out.messageId as number) ?? 1;
      unsubscribed.delete(out.messageId as number);
      out.granted = Array.from({ length: n }, () => 0);
    }
    device.write(mqttPacket.generate(out as unknown as Packet, { protocolVersion: 5 }));
  });
  fromBroker.on('error', (err: Error) => fail(err));
  device.on('data', (chunk: Buffer) => fromDevice.parse(chunk));
  device.on('end', () => bridge.push(null));
  device.on('close', () => bridge.destroy());
  device.on('error', () => bridge.destroy());
  device.resume();
  return bridge;
}
