// The printed ticket: station name, the number big and bold, the service in Chinese (and
// English), people ahead, estimated wait, the time, a QR code with the follow-the-queue URL, cut.
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

export function ticketBytes(t: TicketPrint): Buffer {
  const p = new EscPos().init().align('center');
  p.size(1, 1)
    .bold(false)
    .line(t.stationName ?? '社区服务站 排队取号');
  p.feed(1);
  p.size(4, 4).bold(true).line(t.number).bold(false);
  p.size(2, 2).line(t.serviceZh);
  p.size(1, 1).line(t.serviceEn);
  if (t.priority) p.bold(true).line('优先 Priority').bold(false);
  p.feed(1);
  p.line(`前面还有 ${t.peopleAhead} 人  (${t.peopleAhead} ahead)`);
  p.line(`预计等候约 ${t.estimatedWaitMin} 分钟  (~${t.estimatedWaitMin} min)`);
  p.line(`取号时间 ${t.issuedAt}`);
  p.feed(1);
  p.qr(t.followUrl, { size: 6, level: 'M' });
  p.line('扫码查看排队进度 Scan to follow the queue');
  p.line('请留意叫号，过号请到窗口咨询');
  p.feed(3).cut('partial');
  return p.build();
}
