// 简体中文 — the base catalogue of the display board.
import type { Language } from '@linli/shared/ui/i18n.ts';

export const strings = {
  'board.title': '社区服务站 叫号',
  'board.now': '正在呼叫',
  'board.toWindow': '请到 {window} 号窗口',
  'board.recall': '再次呼叫',
  'board.none': '暂无呼叫',
  'board.windows': '各窗口最近呼叫',
  'board.window': '{window} 号窗口',
  'board.windowIdle': '—',
  'board.queues': '等候人数',
  'board.waiting': '{n} 人',
  'board.stale': '连接中断，正在重新连接…（显示的可能不是最新信息）',
  'board.failed': '显示出现问题，正在恢复…',
  'board.date': '{y}年{m}月{d}日 星期{w}',
  'board.weekdays': '日一二三四五六',
} as const;

export type Key = keyof typeof strings;

export const zhCN: Language<Key> = { tag: 'zh-CN', name: '简体中文', dir: 'ltr', strings };
