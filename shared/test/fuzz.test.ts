// Hostile input: property-based fuzzing (fast-check) of every decoder that reads bytes or text
// from outside — the SAM frame codec and stream parser, the card text decoder, the ESC/POS status
// and stream decoders, the MQTT topic parser and every MQTT payload schema. The property is the
// same for each: only the documented typed errors escape, the call returns (a hang trips the
// test time-out), and what is kept or produced is bounded by the input.
//
// Deterministic: the seed is FUZZ_SEED or a fixed default; fast-check prints the seed and the
// shrunk counterexample path on failure (replay with FUZZ_SEED=<seed>). FUZZ_RUNS scales the runs.
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CardTextError, FrameError, LinliError, ValidationError } from '../src/errors.ts';
import {
  decodeEscPos,
  decodeGb18030,
  decodeStatusByte,
  encodeStatusByte,
  isStatusByte,
  renderEscPos,
} from '../src/escpos/index.ts';
import { checkIdNumber, maskIdNumber, maskName } from '../src/id/idnumber.ts';
import {
  CARD_TEXT_LENGTH,
  CARD_TYPE_OFFSET,
  decodeCardText,
  decodeFrame,
  decodeReadData,
  decodeReply,
  encodeCardText,
  encodeFrame,
  FRAME_HEADER_BYTES,
  identifyCommand,
  MAX_FRAME_LENGTH,
  PREAMBLE,
  SamFrameParser,
  samStatus,
} from '../src/idcard/index.ts';
import {
  EVENT_TYPES,
  MAX_PAYLOAD_BYTES,
  parsePayload,
  parseTopic,
  TOPIC_SCHEMAS,
  topics,
  validate,
} from '../src/mqtt/index.ts';
import { permit, resident } from './helpers/cards.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const params = (runs = RUNS): fc.Parameters<unknown> => ({ seed: SEED, numRuns: runs, endOnFailure: true });

/** Run `fn`; a throw must be one of `allowed` (a LinliError subclass with a string code). */
function onlyTyped<T>(fn: () => T, allowed: (new (...a: never[]) => LinliError)[]): T | LinliError {
  try {
    return fn();
  } catch (err) {
    if (!allowed.some((cls) => err instanceof cls)) throw err;
    expect(typeof (err as LinliError).code).toBe('string');
    return err as LinliError;
  }
}

/** Bytes biased towards the SAM preamble and plausible length fields, so fuzzing reaches deep. */
const samish = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)) },
      { weight: 2, arbitrary: fc.constant(PREAMBLE) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 60 }))
          .map(([len, body]) => {
            const h = Buffer.alloc(2);
            h.writeUInt16BE(len);
            return Buffer.concat([PREAMBLE, h, body]);
          }),
      },
      {
        weight: 2,
        arbitrary: fc.uint8Array({ minLength: 2, maxLength: 80 }).map((b) => encodeFrame(Buffer.from(b))),
      },
    ),
    { maxLength: 12 },
  )
  .map((parts) => Buffer.concat(parts));

describe('fuzz: SAM frames', () => {
  it('decodeFrame / decodeReply / identifyCommand throw only FrameError, never read past the input', () => {
    fc.assert(
      fc.property(samish, (bytes) => {
        const body = onlyTyped(() => decodeFrame(bytes), [FrameError]);
        if (Buffer.isBuffer(body)) {
          expect(body.length).toBeLessThanOrEqual(bytes.length);
          onlyTyped(() => decodeReply(body), [FrameError]);
          identifyCommand(body);
        }
      }),
      params(),
    );
  });

  it('a good frame always round-trips through decodeFrame', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: MAX_FRAME_LENGTH - 1 }), (raw) => {
        const body = Buffer.from(raw);
        expect(decodeFrame(encodeFrame(body))).toEqual(body);
      }),
      params(100),
    );
  });

  it('the stream parser never throws, keeps a bounded buffer, and finds every good frame however the bytes are split', () => {
    const goodFrame = fc.uint8Array({ minLength: 3, maxLength: 64 }).map((b) => Buffer.from(b));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(samish, goodFrame), { maxLength: 6 }),
        samish,
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 8 }),
        (pairs, tail, cuts) => {
          const parser = new SamFrameParser();
          const out: Buffer[] = [];
          parser.on('data', (b: Buffer) => out.push(b));
          parser.on('bad-frame', (err: unknown) => expect(err).toBeInstanceOf(FrameError));
          // garbage, then a good frame, repeated: the garbage cannot hide the good frame once the
          // parser is reset before it (as the driver does after a reply time-out)
          const stream = Buffer.concat([...pairs.flatMap(([g, f]) => [g, encodeFrame(f)]), tail]);
          let at = 0;
          let c = 0;
          let maxPending = 0;
          while (at < stream.length) {
            const n = cuts[c++ % cuts.length]!;
            parser.write(stream.subarray(at, at + n));
            at += n;
            maxPending = Math.max(maxPending, parser.pending);
          }
          parser.end();
          // bounded memory: never more than one maximal frame held
          expect(maxPending).toBeLessThanOrEqual(FRAME_HEADER_BYTES + MAX_FRAME_LENGTH);
          // bounded output: the bodies emitted are never more bytes than came in
          expect(out.reduce((s, b) => s + b.length, 0)).toBeLessThanOrEqual(stream.length);
          expect(parser.frames).toBe(out.length);
          expect(parser.pending).toBe(0);
        },
      ),
      params(),
    );
  });

  it('after reset() a good frame following any garbage is found', () => {
    fc.assert(
      fc.property(samish, fc.uint8Array({ minLength: 3, maxLength: 64 }), (garbage, raw) => {
        const parser = new SamFrameParser();
        const out: Buffer[] = [];
        parser.on('data', (b: Buffer) => out.push(b));
        parser.on('bad-frame', () => {});
        parser.write(garbage);
        parser.reset();
        out.length = 0;
        parser.write(encodeFrame(Buffer.from(raw)));
        expect(out).toContainEqual(Buffer.from(raw));
      }),
      params(),
    );
  });

  it('decodeReadData throws only FrameError and keeps no more than the input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1400 }), fc.boolean(), (raw, fp) => {
        const r = onlyTyped(() => decodeReadData(Buffer.from(raw), fp), [FrameError]);
        if (!(r instanceof LinliError)) {
          expect(r.text.length).toBe(256);
          expect(r.photoLength).toBeLessThanOrEqual(raw.length);
        }
      }),
      params(),
    );
  });

  it('samStatus answers for every byte', () => {
    for (let b = 0; b < 256; b++) expect(typeof samStatus(b).name).toBe('string');
  });
});

describe('fuzz: card text', () => {
  const typeChar = fc.constantFrom(0, 0x20, 0x4a, 0x49, 0x59, 0x41, 0xffff);
  /** A valid card with random bytes splashed over it: reaches the field checks, not just the type. */
  const mutated = fc
    .tuple(
      fc.constantFrom(encodeCardText(resident), encodeCardText(permit)),
      fc.array(
        fc.tuple(fc.integer({ min: 0, max: CARD_TEXT_LENGTH - 1 }), fc.integer({ min: 0, max: 255 })),
        {
          maxLength: 20,
        },
      ),
      typeChar,
    )
    .map(([base, splash, t]) => {
      const b = Buffer.from(base);
      for (const [i, v] of splash) b[i] = v;
      b.writeUInt16LE(t, CARD_TYPE_OFFSET);
      return b;
    });
  const random = fc
    .tuple(fc.uint8Array({ minLength: CARD_TEXT_LENGTH, maxLength: CARD_TEXT_LENGTH }), typeChar)
    .map(([a, t]) => {
      const b = Buffer.from(a);
      b.writeUInt16LE(t, CARD_TYPE_OFFSET);
      return b;
    });

  it('decodeCardText throws only CardTextError, for any bytes and any length', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          mutated,
          random,
          fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
        ),
        (text) => {
          const card = onlyTyped(() => decodeCardText(text), [CardTextError]);
          if (card instanceof LinliError) {
            expect(['CARD_TYPE', 'CARD_TEXT']).toContain(card.code);
            return;
          }
          // fields are bounded by the text block; the masking helpers accept whatever was read
          for (const v of Object.values(card))
            if (typeof v === 'string') expect(v.length).toBeLessThanOrEqual(128);
          maskIdNumber(card.idNumber);
          maskName('name' in card ? card.name : card.chineseName);
          checkIdNumber(card.idNumber);
        },
      ),
      params(),
    );
  });

  it('ID number helpers never throw on any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.stringMatching(/^[0-9X]{18}$/)), (s) => {
        const r = checkIdNumber(s);
        expect(typeof r.valid).toBe('boolean');
        expect(maskIdNumber(s).length).toBeLessThanOrEqual(Math.max(s.length, 18));
        maskName(s);
      }),
      params(),
    );
  });
});

describe('fuzz: ESC/POS', () => {
  it('decodeStatusByte: any byte in range decodes, anything else is a RangeError', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer(), fc.double()),
        fc.constantFrom(1, 2, 4, 0, 3, 8) as fc.Arbitrary<1 | 2 | 4>,
        (byte, n) => {
          const inRange = Number.isInteger(byte) && byte >= 0 && byte <= 255 && [1, 2, 4].includes(n);
          if (!inRange) {
            expect(() => decodeStatusByte(n, byte)).toThrow(RangeError);
            return;
          }
          const s = decodeStatusByte(n, byte);
          for (const v of Object.values(s)) expect(typeof v).toBe('boolean');
          expect(typeof isStatusByte(byte)).toBe('boolean');
        },
      ),
      params(),
    );
  });

  it('encodeStatusByte / decodeStatusByte round-trip every status', () => {
    fc.assert(
      fc.property(
        fc.record({
          offline: fc.boolean(),
          coverOpen: fc.boolean(),
          paperNearEnd: fc.boolean(),
          paperOut: fc.boolean(),
          error: fc.boolean(),
        }),
        (st) => {
          let into = {};
          for (const n of [1, 2, 4] as const) {
            const byte = encodeStatusByte(n, st);
            expect(isStatusByte(byte)).toBe(true);
            into = decodeStatusByte(n, byte, into);
          }
          expect(into).toEqual(st);
        },
      ),
      params(100),
    );
  });

  const escposish = fc
    .array(
      fc.oneof(
        fc.uint8Array({ maxLength: 30 }).map((a) => Buffer.from(a)),
        fc
          .constantFrom(0x1b, 0x1c, 0x1d, 0x10)
          .chain((p) => fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from([p, ...a]))),
        // GS ( k with a random (possibly huge) pL pH
        fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from([0x1d, 0x28, 0x6b, ...a])),
      ),
      { maxLength: 20 },
    )
    .map((parts) => Buffer.concat(parts));

  it('decodeEscPos and renderEscPos never throw and their output is bounded by the input', () => {
    fc.assert(
      fc.property(escposish, fc.integer({ min: 1, max: 80 }), (bytes, width) => {
        const items = decodeEscPos(bytes);
        // ESC d n feeds n lines (one item each): at most 255 per 3 bytes, so linear in the input
        expect(items.length).toBeLessThanOrEqual(bytes.length * 86 + 1);
        const text = renderEscPos(bytes, { width });
        // a rendered ticket is never wildly longer than the bytes that made it (padding, QR box)
        expect(text.length).toBeLessThanOrEqual(bytes.length * (width + 90) + 200);
        expect(decodeGb18030(bytes).length).toBeLessThanOrEqual(bytes.length);
      }),
      params(),
    );
  });
});

describe('fuzz: MQTT topics and payload schemas', () => {
  it('parseTopic never throws and only accepts well-formed ids', () => {
    const seg = fc.oneof(
      fc.constantFrom(
        'linli',
        'v1',
        'dev',
        'evt',
        'hb',
        'status',
        'cmd',
        'center',
        'alert',
        'ack',
        'gateway',
        '+',
        '#',
        '',
      ),
      fc.string({ maxLength: 70 }),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(seg, { maxLength: 8 }).map((s) => s.join('/')),
          fc.array(seg, { maxLength: 5 }).map((s) => `linli/v1/${s.join('/')}`),
          fc.string({ maxLength: 300 }),
        ),
        (topic) => {
          const t = parseTopic(topic);
          if (t) {
            expect(t.site).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
            if ('dev' in t) expect(t.dev).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
          }
        },
      ),
      params(),
    );
  });

  it('topic builders refuse bad ids with ValidationError only', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), (site, dev) => {
        const t = onlyTyped(() => topics.evt(site, dev), [ValidationError]);
        if (typeof t === 'string') expect(parseTopic(t)).toEqual({ kind: 'evt', site, dev });
      }),
      params(),
    );
  });

  const kinds = Object.keys(TOPIC_SCHEMAS) as (keyof typeof TOPIC_SCHEMAS)[];
  /** A JSON value biased towards the fields the schemas know, with hostile values. */
  const hostileValue = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.string({ minLength: 60, maxLength: 600 }),
    fc.constantFrom('\u0000', '\ud800', 'bad\uFFFD', '__proto__', 'constructor', '张*明', '张三明'),
    fc.integer(),
    fc.double(),
    fc.constantFrom(0, -1, 1e300, Number.MAX_SAFE_INTEGER + 2, 8.64e15, 8.64e15 + 1),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(...EVENT_TYPES, 'alert.received', 'critical', 'raised', 'resolved'),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
  );
  const keys = fc.constantFrom(
    'id',
    'seq',
    'ts',
    'type',
    'card',
    'battery',
    'note',
    'rssi',
    'fw',
    'online',
    'alertId',
    'version',
    'rev',
    'site',
    'dev',
    'severity',
    'state',
    'contactId',
    'raisedAt',
    'updatedAt',
    'count',
    'location',
    'resident',
    'by',
    'outcome',
    'at',
    '__proto__',
    'constructor',
    'extra',
  );
  const objectPayload = fc.dictionary(keys, hostileValue, { maxKeys: 14 });
  const payload = fc.oneof(
    objectPayload.map((o) => Buffer.from(JSON.stringify(o))),
    // a valid-looking event with one field replaced: exercises the checks one by one
    fc
      .tuple(keys, hostileValue)
      .map(([k, v]) =>
        Buffer.from(JSON.stringify({ id: 'e1', seq: 1, ts: 1_700_000_000_000, type: 'sos', [k]: v })),
      ),
    fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
    fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
    fc
      .integer({ min: MAX_PAYLOAD_BYTES - 2, max: MAX_PAYLOAD_BYTES * 4 })
      .map((n) => Buffer.from(`{"id":"${'x'.repeat(n)}"}`)),
    // deep nesting: must not blow the stack
    fc.integer({ min: 1, max: 2000 }).map((n) => Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`)),
    fc.constantFrom(Buffer.alloc(0), Buffer.from('null'), Buffer.from('{"id":"\\ud800"}')),
  );

  for (const kind of kinds) {
    it(`parsePayload(${kind}) never throws, says why it refused, and bounds its messages`, () => {
      const schema = TOPIC_SCHEMAS[kind];
      fc.assert(
        fc.property(payload, (bytes) => {
          const r = parsePayload(schema, bytes);
          if (r.ok) {
            // what is accepted is a plain object that validates again and is not oversize
            expect(bytes.length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
            expect(validate(schema, r.value).ok).toBe(true);
            expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype);
            return;
          }
          expect(['oversize', 'encoding', 'json', 'schema']).toContain(r.reason);
          expect(r.errors.length).toBeGreaterThan(0);
          expect(r.errors.length).toBeLessThanOrEqual(10);
          for (const e of r.errors) expect(e.length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES + 200);
          if (bytes.length > MAX_PAYLOAD_BYTES) expect(r.reason).toBe('oversize');
        }),
        params(),
      );
    });
  }

  it('validate never throws on any JS value, including non-JSON ones', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.oneof(
          fc.anything(),
          objectPayload,
          fc.constantFrom(undefined, Symbol('s'), () => 1, 10n),
        ),
        (kind, value) => {
          const r = validate(TOPIC_SCHEMAS[kind], value);
          expect(typeof r.ok).toBe('boolean');
        },
      ),
      params(),
    );
  });

  it('parsePayload never throws on a non-Buffer payload', () => {
    const weird = [undefined, null, 42, 'text', {}, [], new Uint8Array([123, 125])] as unknown as Buffer[];
    for (const kind of kinds)
      for (const w of weird) expect(typeof parsePayload(TOPIC_SCHEMAS[kind], w).ok).toBe('boolean');
  });
});

describe('fuzz: the SAM parser fed through a stream pipe', () => {
  it('survives an end() in the middle of a frame, and counts what it dropped', async () => {
    const src = new PassThrough();
    const parser = new SamFrameParser();
    parser.on('bad-frame', () => {});
    src.pipe(parser);
    const frame = encodeFrame(Buffer.from([0, 0, 0x90]));
    src.end(Buffer.concat([frame, frame.subarray(0, 9)]));
    const out: Buffer[] = [];
    for await (const b of parser) out.push(b as Buffer);
    expect(out).toHaveLength(1);
    expect(parser.badFrames).toBe(1);
  });
});
