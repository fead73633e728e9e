import { decodeEscPos, renderEscPos } from '@linli/shared';
import { describe, expect, it } from 'vitest';
import { type TicketPrint, ticketBytes, ticketLayout } from '../../src/queue/print.ts';

describe('printed ticket layout', () => {
  const bytes = ticketBytes({
    number: 'A012',
    serviceZh: '社会保障',
    serviceEn: 'Social security',
    priority: true,
    peopleAhead: 4,
    estimatedWaitMin: 16,
    issuedAt: '2026-11-23 10:05',
    followUrl: 'http://127.0.0.1:8090/follow/abcdefghijklmnopqrstuvwx',
  });
  const items = decodeEscPos(bytes);

  it('prints the number big and bold, centred', () => {
    const number = items.find((i) => i.kind === 'text' && i.text === 'A012');
    expect(number).toMatchObject({ bold: true, align: 'center', width: 4, height: 4 });
  });

  it('prints the service in Chinese, people ahead, the wait, the time, priority', () => {
    const text = renderEscPos(bytes, { width: 48 });
    for (const s of [
      '社会保障',
      '前面还有 4 人',
      '预计等候约 16 分钟',
      '取号时间 2026-11-23 10:05',
      '优先',
    ]) {
      expect(text).toContain(s);
    }
  });

  it('ends with the follow-the-queue QR code and a cut', () => {
    const qr = items.find((i) => i.kind === 'qr');
    expect(qr).toEqual({ kind: 'qr', data: 'http://127.0.0.1:8090/follow/abcdefghijklmnopqrstuvwx' });
    expect(items.at(-1)).toMatchObject({ kind: 'cut' });
    expect(items.filter((i) => i.kind === 'unknown')).toEqual([]);
  });
});

describe('ticket bytes from the template', () => {
  it('equal the line-by-line layout for any values', () => {
    const cases: Pick<TicketPrint, 'stationName' | 'serviceZh' | 'serviceEn' | 'priority'>[] = [
      { serviceZh: '社会保障', serviceEn: 'Social security', priority: true },
      { stationName: 'Station 7', serviceZh: 'General', serviceEn: 'General enquiries', priority: false },
      { stationName: '幸福里社区 ~~N~~', serviceZh: '综合咨询', serviceEn: 'General', priority: false },
    ];
    for (const c of cases) {
      for (const [ahead, wait, number] of [
        [0, 0, 'J001'],
        [4, 16, 'A012'],
        [2873, 12345, 'J9999'],
      ] as const) {
        const t: TicketPrint = {
          ...c,
          number,
          peopleAhead: ahead,
          estimatedWaitMin: wait,
          issuedAt: '2026-11-23 10:05',
          followUrl: `http://127.0.0.1:8090/follow/${'x'.repeat(24 + (ahead % 7))}`,
        };
        expect(ticketBytes(t).equals(ticketLayout(t))).toBe(true);
      }
    }
    const odd: TicketPrint = {
      ...(cases[0] as TicketPrint),
      number: 'Ä1',
      peopleAhead: 1,
      estimatedWaitMin: 1,
      issuedAt: '2026-11-23 10:05',
      followUrl: 'http://h/f/t',
    };
    expect(ticketBytes(odd).equals(ticketLayout(odd))).toBe(true);
  });
});
