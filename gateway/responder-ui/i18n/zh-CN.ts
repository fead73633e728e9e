// 简体中文 — the base catalogue of the responder's page: it defines every key.
import type { Language } from '@linli/shared/ui/i18n.ts';

export const strings = {
  'app.title': '邻里 紧急求助',
  'lang.switch': 'English',
  loading: '正在打开…',
  'what.sos': '按下了紧急呼叫',
  'what.fall': '可能跌倒了',
  'what.other': '需要帮助',
  'ago.min': '{n} 分钟前',
  'ago.now': '刚刚',
  'place.building': '{b} 栋',
  'place.unit': '{u} 单元',
  'place.room': '{r} 室',
  'notes.title': '注意事项',
  'others.going': '已有 {n} 位邻里正在赶去',
  acked: '值班人员已接警',
  'you.going': '您已回应：正在赶去',
  'you.there': '您已到达',
  'btn.going': '我这就去',
  'btn.there': '我已到达',
  'btn.ambulance': '需要救护车',
  'btn.falseAlarm': '是误报',
  'sent.ambulance': '已通知值班人员：需要救护车。紧急情况请直接拨打 120。',
  'sent.falseAlarm': '已告诉值班人员：这是误报。谢谢！',
  'err.LINK_EXPIRED': '这个链接已失效（呼叫已结束或已过期）。谢谢您！',
  'err.LINK_INVALID': '这个链接无效。',
  'err.network': '网络不通，请再试一次。',
  'err.generic': '出错了，请再试一次。',
  call120: '紧急情况请直接拨打 120',
};

export type Key = keyof typeof strings;

export const zhCN: Language<Key> = { tag: 'zh-CN', name: '中文', dir: 'ltr', strings };
