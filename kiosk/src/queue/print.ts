// The printed ticket: station name, the number big and bold, the service in Chinese (and
// English), people ahead, estimated wait, the time, a QR code with the follow-the-queue URL, cut.
// ticketLayout() is the layout; ticketBytes() gives the same bytes from a template rendered once
// per station name, service and priority (the ASCII values spliced in, the QR code built per
// ticket), as rendering and GB18030-encoding every line was a tenth of issuing a ticket.
import { EscPos } from '@linli/shared';

export interface TicketPrint {
  number: string;
  serviceZh: string;
  serviceEn: string;
  priority: boolean;
  peopleAhead: number;
  estimatedWaitMin: number;
  issuedAt: string; // local 'YYYY-MM-DD HH:MM'
  followUrl: string;
  stationName?: string;
}

type Values = Pick<TicketPrint, 'number' | 'issuedAt'> & { ahead: string; wait: string };
const QR_OPTIONS = { size: 6, level: 'M' } as const;

function layout(t: TicketPrint, v: Values, qr: (p: EscPos) => void): Buffer {
  const p = new EscPos().init().align('center');
  p.size(1, 1)
    .bold(false)
    .line(t.stationName ?? '社区服务站 排队取号');
  p.feed(1);
  p.size(4, 4).bold(true).line(v.number).bold(false);
  p.size(2, 2).line(t.serviceZh);
  p.size(1, 1).line(t.serviceEn);
  if (t.priority) p.bold(true).line('优先 Priority').bold(false);
  p.feed(1);
  p.line(`前面还有 ${v.ahead} 人  (${v.ahead} ahead)`);
  p.line(`预计等候约 ${v.wait} 分钟  (~${v.wait} min)`);
  p.line(`取号时间 ${v.issuedAt}`);
  p.feed(1);
  qr(p);
  p.line('扫码查看排队进度 Scan to follow the queue');
  p.line('请留意叫号，过号请到窗口咨询');
  p.feed(3).cut('partial');
  return p.build();
}

/** The ticket rendered line by line (the reference ticketBytes() is tested equal to). */
export function ticketLayout(t: TicketPrint): Buffer {
  const values = {
    number: t.number,
    issuedAt: t.issuedAt,
    ahead: String(t.peopleAhead),
    wait: String(t.estimatedWaitMin),
  };
  return layout(t, values, (p) => p.qr(t.followUrl, QR_OPTIONS));
}

// Markers in the template: ASCII that no fixed text contains, each value's place.
const MARKS = { number: '~~N~~', ahead: '~~A~~', wait: '~~W~~', issuedAt: '~~T~~', qr: '~~Q~~' } as const;
type Mark = keyof typeof MARKS;
interface Template {
  parts: Buffer[]; // fixed bytes, between them the value of `slots[i]`
  slots: Mark[];
}
const templates = new Map<string, Template>();
const printableAscii = /^[\x20-\x7e]*$/;

function template(t: TicketPrint): Template | undefined {
  const marked = layout(t, MARKS, (p) => p.raw(Buffer.from(MARKS.qr, 'latin1')));
  const text = marked.toString('latin1');
  const pattern = /~~[NAWTQ]~~/g;
  const parts: Buffer[] = [];
  const slots: Mark[] = [];
  let from = 0;
  for (const m of text.matchAll(pattern)) {
    parts.push(marked.subarray(from, m.index));
    slots.push((Object.keys(MARKS) as Mark[]).find((k) => MARKS[k] === m[0]) as Mark);
    from = m.index + m[0].length;
  }
  parts.push(marked.subarray(from));
  // A fixed text that looked like a marker would misplace a value: render line by line then.
  if (slots.join() !== 'number,ahead,ahead,wait,wait,issuedAt,qr') return undefined;
  return { parts, slots };
}

export function ticketBytes(t: TicketPrint): Buffer {
  if (!printableAscii.test(t.number) || !printableAscii.test(t.issuedAt)) return ticketLayout(t);
  const key = `${t.stationName ?? ''}\n${t.serviceZh}\n${t.serviceEn}\n${t.priority}`;
  let tpl = templates.get(key);
  if (!tpl) {
    tpl = template(t);
    if (!tpl) return ticketLayout(t);
    if (templates.size >= 64) templates.clear();
    templates.set(key, tpl);
  }
  const chunks: Buffer[] = [];
  tpl.parts.forEach((part, i) => {
    chunks.push(part);
    const slot = tpl.slots[i];
    if (slot === undefined) return;
    if (slot === 'qr') chunks.push(new EscPos().qr(t.followUrl, QR_OPTIONS).build());
    else if (slot === 'number') chunks.push(Buffer.from(t.number, 'latin1'));
    else if (slot === 'issuedAt') chunks.push(Buffer.from(t.issuedAt, 'latin1'));
    else if (slot === 'ahead') chunks.push(Buffer.from(String(t.peopleAhead), 'latin1'));
    else chunks.push(Buffer.from(String(t.estimatedWaitMin), 'latin1'));
  });
  return Buffer.concat(chunks);
}
