// The text message to a responder (zh-CN: the responders are the resident's neighbours and family).
const WHAT: Record<string, string> = { sos: '按下了紧急呼叫', fall: '可能跌倒了' };

export function place(loc: { building?: string; unit?: string; room?: string }): string {
  return [
    loc.building ? `${loc.building}栋` : '',
    loc.unit ? `${loc.unit}单元` : '',
    loc.room ? `${loc.room}室` : '',
  ].join('');
}

export function messageText(
  name: string,
  loc: { building?: string; unit?: string; room?: string },
  type: string,
  link: string,
): string {
  const where = place(loc);
  return `【邻里】${name || '您结对的老人'}${where ? `（${where}）` : ''}${WHAT[type] ?? '需要帮助'}。请打开链接查看并回应：${link}`;
}
