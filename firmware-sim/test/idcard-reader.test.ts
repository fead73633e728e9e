// The ID-card reader simulator on a real pseudo-terminal, driven with serialport as the kiosk does.
import {
  ChecksumError,
  checkIdNumber,
  decodeCardText,
  decodeReadData,
  decodeReply,
  encodeCommand,
  encodeFrame,
  PREAMBLE,
  type ResidentCard,
} from '@linli/shared';
import type { SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type IdCardReaderHandle, startIdCardReader } from '../src/index.ts';
import { SamClient } from './helpers/sam-client.ts';
import { closeClient, openClient } from './helpers/serial-client.ts';

const hex = (b: Buffer): string => b.toString('hex').toUpperCase();

describe('ID-card reader on a pseudo-terminal', () => {
  let sim: IdCardReaderHandle;
  let port: SerialPort;
  let host: SamClient;

  beforeEach(async () => {
    sim = await startIdCardReader({ processingDelayMs: 1, readDelayMs: 1 });
    port = await openClient(sim.path);
    host = new SamClient(port);
  });
  afterEach(async () => {
    host.close();
    await closeClient(port);
    await sim.stop();
  });

  it('answers SAM status, reset, SAM id and max RF bytes with 90', async () => {
    for (const name of ['samStatus', 'samReset', 'maxRfBytes'] as const) {
      expect(decodeReply(await host.request(name)).sw3).toBe(0x90);
    }
    const id = decodeReply(await host.request('readSamId'));
    expect(id.sw3).toBe(0x90);
    expect(id.data.length).toBe(16);
    expect(sim.received.map((c) => c.name)).toEqual(['samStatus', 'samReset', 'maxRfBytes', 'readSamId']);
  });

  it('fails find with 80 and select with 81 when no card is present', async () => {
    expect(decodeReply(await host.request('findCard')).sw3).toBe(0x80);
    expect(decodeReply(await host.request('selectCard')).sw3).toBe(0x81);
    expect(decodeReply(await host.request('readText')).sw3).toBe(0x41);
  });

  it('finds, selects and reads a placed card with the published frames', async () => {
    sim.place('wang-86');
    await host.request('findCard');
    expect(hex(host.raw)).toBe('AAAAAA966900080000 9F0000000097'.replace(' ', ''));
    const sel = await host.request('selectCard');
    expect(hex(encodeFrame(sel))).toBe(`AAAAAA9669000C000090${'00'.repeat(8)}9C`);
    const before = host.raw.length;
    const read = await host.request('readText');
    expect(host.raw.length - before).toBe(1295);
    expect(hex(host.raw.subarray(before, before + 14))).toBe('AAAAAA966905080000900100' + '0400');
    const reply = decodeReply(read);
    expect(reply.sw3).toBe(0x90);
    const { text, photoLength } = decodeReadData(reply.data, false);
    expect(photoLength).toBe(1024);
    const card = decodeCardText(text) as ResidentCard;
    expect(card).toMatchObject({
      type: 'resident',
      name: '王秀英',
      sex: 'female',
      nation: '汉',
      validTo: 'long-term',
    });
    expect(checkIdNumber(card.idNumber).valid).toBe(true);
    // a real reader does not find the same card again until it is lifted and placed again
    expect(decodeReply(await host.request('findCard')).sw3).toBe(0x80);
    sim.remove();
    sim.place('wang-86');
    expect(decodeReply(await host.request('findCard')).sw3).toBe(0x9f);
  });

  it('reads text + photo + fingerprint (2321 bytes, length 09 0A)', async () => {
    sim.place('li-92');
    await host.request('findCard');
    await host.request('selectCard');
    const before = host.raw.length;
    const reply = decodeReply(await host.request('readTextFingerprint'));
    expect(host.raw.length - before).toBe(7 + 0x090a);
    const data = decodeReadData(reply.data, true);
    expect(data.fingerprint?.length).toBe(1024);
    expect(decodeCardText(data.text)).toMatchObject({ name: '李德明', sex: 'male', nation: '回' });
  });

  it('answers a bad checksum from the host with 10, a bad length with 11, an unknown command with 21', async () => {
    const bad = Buffer.from(encodeCommand('findCard'));
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0x55;
    host.send(bad);
    expect(decodeReply(await host.next()).sw3).toBe(0x10);
    host.send(Buffer.concat([PREAMBLE, Buffer.from([0xff, 0xff, 0x20, 0x01, 0x00])]));
    expect(decodeReply(await host.next()).sw3).toBe(0x11);
    host.send(encodeFrame(Buffer.from([0x77, 0x01])));
    expect(decodeReply(await host.next()).sw3).toBe(0x21);
    expect(sim.reader.counters.badFrames).toBe(2);
    expect(sim.reader.counters.unknown).toBe(1);
  });

  describe('fault injection', () => {
    it('bad-checksum: the reply fails its checksum, the next is good', async () => {
      sim.setFault({ name: 'bad-checksum', count: 1 });
      host.send(encodeCommand('samStatus'));
      expect(decodeReply(await host.request('samStatus')).sw3).toBe(0x90);
      expect(host.badFrames).toHaveLength(1);
      expect(host.badFrames[0]).toBeInstanceOf(ChecksumError);
    });

    it('read-failure: read answers 41 and the card must be lifted and placed again', async () => {
      sim.place('zhang-71');
      sim.setFault('read-failure');
      await host.request('findCard');
      await host.request('selectCard');
      expect(decodeReply(await host.request('readText')).sw3).toBe(0x41);
      sim.setFault(null);
      expect(decodeReply(await host.request('findCard')).sw3).toBe(0x80);
      sim.place('zhang-71');
      expect(decodeReply(await host.request('findCard')).sw3).toBe(0x9f);
    });

    it('partial-frame: half a reply, then the host resynchronises on the next frame', async () => {
      sim.setFault({ name: 'partial-frame', count: 1 });
      host.send(encodeCommand('samStatus'));
      await expect(host.next(400)).rejects.toThrow(/no reply/);
      expect(host.parser.pending).toBeGreaterThan(0);
      host.parser.reset();
      expect(decodeReply(await host.request('samStatus')).sw3).toBe(0x90);
      expect(sim.received[0]).toMatchObject({ name: 'samStatus' });
      expect(sim.received[0]?.sw3).toBeUndefined();
    });

    it('noise: garbage bytes before the reply are skipped', async () => {
      sim.setFault('noise');
      expect(decodeReply(await host.request('samStatus')).sw3).toBe(0x90);
      expect(host.parser.skippedBytes).toBeGreaterThan(0);
    });

    it('slow: the answer comes after the host gave up, then the reader is normal again', async () => {
      sim.setFault({ name: 'slow', delayMs: 800, count: 1 });
      await expect(host.request('samStatus', 200)).rejects.toThrow(/no reply/);
      expect(decodeReply(await host.next(3000)).sw3).toBe(0x90); // the late answer
      expect(decodeReply(await host.request('samStatus')).sw3).toBe(0x90);
    });

    it('silent: the reader stops answering until the fault is cleared', async () => {
      sim.setFault('silent');
      await expect(host.request('samStatus', 300)).rejects.toThrow(/no reply/);
      await expect(host.request('samStatus', 300)).rejects.toThrow(/no reply/);
      sim.setFault('none');
      expect(decodeReply(await host.request('samStatus')).sw3).toBe(0x90);
    });

    it('refuses an unknown fault name', () => {
      expect(() => sim.setFault('melted' as never)).toThrow(/unknown reader fault/);
    });
  });

  it('survives the kiosk closing its end mid-reply and opening it again', async () => {
    sim.place('wang-86');
    await host.request('findCard');
    await host.request('selectCard');
    host.send(encodeCommand('readText')); // 1295 bytes on their way
    await new Promise((r) => setTimeout(r, 20));
    host.close();
    await closeClient(port);
    await sim.reader.idle();
    port = await openClient(sim.path);
    host = new SamClient(port);
    // whatever of the interrupted reply the pty kept arrives first (or is skipped as a partial frame)
    host.send(encodeCommand('samStatus'));
    let reply = decodeReply(await host.next());
    if (reply.data.length > 0) reply = decodeReply(await host.next()); // the stale read reply, whole
    expect(reply).toMatchObject({ sw3: 0x90, data: Buffer.alloc(0) });
  });

  it('is driven through its HTTP control endpoint', async () => {
    const url = sim.controlUrl!;
    const placed = await fetch(`${url}/place`, {
      method: 'POST',
      body: JSON.stringify({ resident: 'hk-permit' }),
    });
    expect(placed.status).toBe(200);
    const state = (await (await fetch(`${url}/state`)).json()) as { card: { key: string; idNumber: string } };
    expect(state.card.key).toBe('hk-permit');
    expect(state.card.idNumber).toMatch(/^810000\*{8}\d{3}[\dX]$/);
    await host.request('findCard');
    await host.request('selectCard');
    const text = decodeReadData(decodeReply(await host.request('readText')).data, false).text;
    expect(decodeCardText(text)).toMatchObject({ type: 'residence-permit', name: '陈家豪' });
    const fault = await fetch(`${url}/fault`, { method: 'POST', body: JSON.stringify({ name: 'silent' }) });
    expect(await fault.json()).toMatchObject({ fault: { name: 'silent' } });
    const bad = await fetch(`${url}/place`, { method: 'POST', body: JSON.stringify({ resident: 'nobody' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/no resident "nobody"/);
    expect((await fetch(`${url}/remove`, { method: 'POST' })).status).toBe(200);
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });
});
