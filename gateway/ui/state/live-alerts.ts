// The open alerts, kept current from the gateway's live stream (shared/ui/live.ts): a snapshot
// on every (re)connect, then `alert.changed` events. Says when it may be stale.
import { connectLive, type LiveClient } from '@linli/shared/ui/live.ts';
import { useEffect, useState } from 'preact/hooks';
import { type ActionRequest, type Alert, ApiError, api, type Location } from '../api.ts';
import { mask } from '../format.ts';

export interface QueueItem {
  alert: Alert;
  location?: Location;
  residentName?: string;
  livesAlone?: boolean;
}

export interface LiveAlerts {
  items: QueueItem[];
  stale: boolean;
  connected: boolean;
  syncedAt: number | undefined;
  sessionEnded: boolean;
  /** At the center: action requests by alert id — pending, or refused (until the next change) */
  actions: Map<string, ActionRequest[]>;
}

const isOpen = (a: Alert) => a.state === 'raised' || a.state === 'acknowledged';
const SEVERITY = { critical: 0, major: 1, minor: 2, warning: 3 } as const;

/** Critical first, then the oldest first. */
export function queueOrder(a: QueueItem, b: QueueItem): number {
  return SEVERITY[a.alert.severity] - SEVERITY[b.alert.severity] || a.alert.raisedAt - b.alert.raisedAt;
}

interface Changed {
  alert: Alert;
  device?: { location?: Location } | null;
  resident?: { name?: string; livesAlone?: boolean } | null;
}

/** `site`: only this site's alerts and action requests (the center's site filter; '' = all). */
export function useLiveAlerts(active: boolean, site = ''): LiveAlerts {
  const [state, setState] = useState<LiveAlerts>({
    items: [],
    stale: false,
    connected: false,
    syncedAt: undefined,
    sessionEnded: false,
    actions: new Map(),
  });
  useEffect(() => {
    if (!active) return;
    setState((s) => ({ ...s, sessionEnded: false }));
    const items = new Map<string, QueueItem>();
    // action requests (center): the pending ones, and refused ones until the operator acts again
    const actions = new Map<string, ActionRequest>();
    const byAlert = () => {
      const m = new Map<string, ActionRequest[]>();
      for (const a of actions.values()) m.set(a.alertId, [...(m.get(a.alertId) ?? []), a]);
      return m;
    };
    const noteAction = (a: ActionRequest) => {
      if (a.state === 'applied') actions.delete(a.id);
      else actions.set(a.id, a);
      if (a.state === 'pending')
        for (const [k, o] of actions) if (o.alertId === a.alertId && o.state === 'refused') actions.delete(k);
    };
    const publish = (over: Partial<LiveAlerts> = {}) =>
      setState((s) => ({
        ...s,
        ...over,
        items: [...items.values()].sort(queueOrder),
        actions: byAlert(),
      }));
    const upsert = (it: QueueItem) => {
      const prev = items.get(it.alert.id);
      if (prev && prev.alert.rev > it.alert.rev) return;
      if (!isOpen(it.alert)) items.delete(it.alert.id);
      else items.set(it.alert.id, { ...prev, ...it });
    };
    let client: LiveClient | undefined;
    let onStale: (stale: boolean) => void;
    const resync = async () => {
      const { alerts: open, pending } = await api.openAlerts(site).catch((e: unknown) => {
        // signed out elsewhere, expired or disabled: back to sign-in rather than retrying forever
        if (e instanceof ApiError && e.status === 401) {
          if (retry) clearInterval(retry);
          retry = undefined;
          client?.close();
          publish({ sessionEnded: true });
        }
        throw e;
      });
      const ids = new Set(open.map((a) => a.id));
      for (const id of [...items.keys()]) if (!ids.has(id)) items.delete(id);
      for (const a of open) upsert({ alert: a });
      for (const [k, a] of actions) if (a.state === 'pending') actions.delete(k);
      for (const a of pending) noteAction(a);
      onStale(false);
      publish({ syncedAt: Date.now() });
      // who and where, for alerts known only from the snapshot
      await Promise.all(
        open
          .filter((a) => !items.get(a.id)?.location)
          .map(async (a) => {
            const d = await api.alert(a.id).catch(() => undefined);
            const it = items.get(a.id);
            if (!d || !it) return;
            items.set(a.id, {
              ...it,
              ...(d.device ? { location: d.device.location } : {}),
              ...(d.resident
                ? { residentName: mask(d.resident.name), livesAlone: d.resident.livesAlone }
                : {}),
            });
          }),
      );
      publish();
    };
    // EventSource gives up for good on an HTTP error (a 503 while the gateway shuts down): while
    // stale, start a new stream every few seconds until one opens.
    let retry: ReturnType<typeof setInterval> | undefined;
    onStale = (stale: boolean) => {
      publish({ stale, connected: !stale });
      if (stale && !retry) retry = setInterval(open, 4000);
      if (!stale && retry) {
        clearInterval(retry);
        retry = undefined;
      }
    };
    const open = () => {
      client?.close();
      client = stream();
    };
    const stream = () =>
      connectLive({
        url: site ? `/api/stream?site=${encodeURIComponent(site)}` : '/api/stream',
        types: ['alert.changed', 'center.action', 'session.expired'],
        resync,
        onStale,
        staleAfterMs: 3000,
        onEvent: (ev) => {
          if (ev.type === 'session.expired') {
            client?.close();
            publish({ sessionEnded: true });
            return;
          }
          if (ev.type === 'center.action') {
            noteAction(ev.data as ActionRequest);
            publish();
            return;
          }
          const c = ev.data as Changed;
          upsert({
            alert: c.alert,
            ...(c.device?.location ? { location: c.device.location } : {}),
            ...(c.resident?.name
              ? { residentName: c.resident.name, livesAlone: !!c.resident.livesAlone }
              : {}),
          });
          publish({ syncedAt: Date.now() });
        },
      });
    client = stream();
    return () => {
      if (retry) clearInterval(retry);
      client?.close();
    };
  }, [active, site]);
  return state;
}
