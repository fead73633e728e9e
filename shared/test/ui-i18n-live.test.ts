// shared/ui: the catalogue helper (fallback per key, placeholders) and the live-stream client
// (resync on every (re)connect and after a gap in event ids, stale after a while without a connection).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fill, type Language, missingKeys, translator } from '../ui/i18n.ts';
import { connectLive } from '../ui/live.ts';

type K = 'hello' | 'bye';
const base: Language<K> = {
  tag: 'zh-CN',
  name: '中文',
  dir: 'ltr',
  strings: { hello: '您好，{name}', bye: '再见' },
};
const partial: Language<K> = {
  tag: 'ug',
  name: 'ئۇيغۇرچە',
  dir: 'rtl',
  review: true,
  strings: { hello: 'ياخشىمۇسىز، {name}' },
};

describe('i18n', () => {
  it('fills placeholders and leaves unknown ones', () => {
    expect(fill('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });

  it('falls back to the base language key by key and lists what is missing', () => {
    const t = translator(partial, base);
    expect(t.t('hello', { name: 'X' })).toBe('ياخشىمۇسىز، X');
    expect(t.t('bye')).toBe('再见');
    expect(t.maybe('svc.none')).toBeUndefined();
    expect(missingKeys(partial, base)).toEqual(['bye']);
  });
});

class FakeEventSource {
  static last: FakeEventSource;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  readyState = 1;
  private readonly listeners = new Map<string, (m: { data: string; lastEventId: string }) => void>();
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(type: string, fn: (m: { data: string; lastEventId: string }) => void) {
    this.listeners.set(type, fn);
  }
  emit(type: string, data: unknown, id: number) {
    this.listeners.get(type)?.({ data: JSON.stringify(data), lastEventId: String(id) });
  }
  close() {
    this.closed = true;
  }
}

describe('live client', () => {
  afterEach(() => vi.useRealTimers());

  it('resyncs on connect and reconnect, after a gap in ids, and says when it is stale', async () => {
    vi.useFakeTimers();
    const resync = vi.fn();
    const events: unknown[] = [];
    const stale: boolean[] = [];
    const live = connectLive({
      url: '/api/stream',
      types: ['ticket.called'],
      onEvent: (e) => events.push(e.data),
      resync,
      onStale: (s) => stale.push(s),
      staleAfterMs: 5000,
      gapCheck: true,
      EventSourceImpl: FakeEventSource as unknown as typeof EventSource,
    });
    const es = FakeEventSource.last;
    es.onopen?.();
    await vi.runAllTimersAsync();
    expect(resync).toHaveBeenCalledTimes(1);
    es.emit('ticket.called', { n: 1 }, 1);
    es.emit('ticket.called', { n: 2 }, 2);
    await vi.runAllTimersAsync();
    expect(resync).toHaveBeenCalledTimes(1);
    es.emit('ticket.called', { n: 5 }, 5); // 3 and 4 were lost
    await vi.runAllTimersAsync();
    expect(resync).toHaveBeenCalledTimes(2);
    expect(events).toEqual([{ n: 1 }, { n: 2 }, { n: 5 }]);

    es.onerror?.();
    await vi.advanceTimersByTimeAsync(4999);
    expect(live.stale).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(live.stale).toBe(true);
    es.onopen?.();
    await vi.runAllTimersAsync();
    expect(live.stale).toBe(false);
    expect(resync).toHaveBeenCalledTimes(3);
    expect(stale).toEqual([true, false]);
    live.close();
    expect(es.closed).toBe(true);
  });

  it('opens a new stream when the browser gave one up for good (HTTP error while the service restarts)', async () => {
    vi.useFakeTimers();
    const resync = vi.fn();
    const stale: boolean[] = [];
    const live = connectLive({
      url: '/api/stream/public',
      types: ['ticket.called'],
      onEvent: () => {},
      resync,
      onStale: (s) => stale.push(s),
      staleAfterMs: 1000,
      reopenMs: 2000,
      EventSourceImpl: FakeEventSource as unknown as typeof EventSource,
    });
    const first = FakeEventSource.last;
    first.onopen?.();
    first.readyState = 2; // CLOSED: EventSource will not retry by itself
    first.onerror?.();
    await vi.advanceTimersByTimeAsync(1000);
    expect(live.stale).toBe(true);
    expect(FakeEventSource.last).toBe(first);
    await vi.advanceTimersByTimeAsync(1000);
    const second = FakeEventSource.last;
    expect(second).not.toBe(first);
    second.onopen?.();
    await vi.runAllTimersAsync();
    expect(live.stale).toBe(false);
    expect(resync).toHaveBeenCalledTimes(2);
    expect(stale).toEqual([true, false]);
    live.close();
    expect(second.closed).toBe(true);
  });
});
