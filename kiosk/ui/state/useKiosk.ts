// The resident kiosk's behaviour: the live stream (card, scanner, printer, devices, queue) and the
// resident's taps move between screens; leaving clears everything personal — the screen state,
// the preferences, the spoken text, and the kiosk service's card session.
import { connectLive, type LiveEvent } from '@linli/shared/ui/live.ts';
import { stopSpeech } from '@linli/shared/ui/speech.ts';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, type DeviceHealth, type Issued, type PublicTicket, type Service } from '../api.ts';
import { printStateOf, RecentJobs } from './print-state.ts';
import { problemOfCardError, problemOfCheckin, problemOfIssue } from './problems.ts';
import { DEFAULT_PREFS, type Prefs, type Screen } from './types.ts';

const STREAM = '/api/stream?types=card.,device.,print.,queue.,ticket.,scan';
/** A ticket not printed by then is shown to photograph (a job may wait behind a held one). */
const PRINT_WAIT_MS = 8000;

export function useKiosk() {
  const [screen, setScreenState] = useState<Screen>({ name: 'home' });
  const [services, setServices] = useState<Service[]>([]);
  const [devices, setDevices] = useState<Record<string, DeviceHealth>>({});
  const [prefs, setPrefsState] = useState<Prefs>(DEFAULT_PREFS);
  const [stale, setStale] = useState(false);
  const screenRef = useRef(screen);
  const recentJobs = useRef(new RecentJobs()).current;
  const devicesRef = useRef(devices);
  devicesRef.current = devices;
  const setScreen = useCallback((s: Screen) => {
    screenRef.current = s;
    setScreenState(s);
  }, []);

  const refresh = useCallback(async () => {
    const [svc, dev] = await Promise.all([api.services(), api.health().catch(() => [])]);
    setServices(svc);
    setDevices(Object.fromEntries(dev.map((d) => [d.device, d])));
  }, []);

  const goHome = useCallback(() => {
    setScreen({ name: 'home' });
    setPrefsState(DEFAULT_PREFS);
    stopSpeech();
    recentJobs.clear();
    performance.clearResourceTimings();
    void api.clearCard().catch(() => {});
  }, [setScreen, recentJobs]);

  const issue = useCallback(
    async (service: Service, identity: 'card' | 'anonymous') => {
      if (!service.open) {
        setScreen({ name: 'problem', kind: 'serviceClosed', service, hours: service.hoursToday.join(' ') });
        return;
      }
      try {
        const issued = await api.issue(service.id, identity);
        const printer = devicesRef.current.printer;
        const broken =
          printer !== undefined && (printer.state === 'error' || printer.state === 'disconnected');
        setScreen({
          name: 'ticket',
          issued,
          print: broken ? 'photo' : printStateOf(issued, recentJobs.of(issued.ticket.id)),
          appointment: false,
        });
      } catch (err) {
        const kind = problemOfIssue(err);
        if (kind === 'needCard') setScreen({ name: 'needCard', service });
        else setScreen({ name: 'problem', kind, service, hours: service.hoursToday.join(' ') });
      }
    },
    [setScreen, recentJobs],
  );

  const pick = useCallback(
    (service: Service) => {
      const s = screenRef.current;
      if (s.name === 'greet') void issue(service, 'card');
      else if (!service.open) void issue(service, 'anonymous');
      else if (service.idRequired) setScreen({ name: 'needCard', service });
      else void issue(service, 'anonymous');
    },
    [issue, setScreen],
  );

  const onEvent = useCallback(
    (ev: LiveEvent) => {
      const s = screenRef.current;
      const d = ev.data as Record<string, unknown>;
      switch (ev.type) {
        case 'card.read': {
          if (d.expired) {
            setScreen({ name: 'problem', kind: 'cardExpired', cardCue: true });
            return;
          }
          if (s.name === 'needCard') {
            void issue(s.service, 'card');
            return;
          }
          const maskedName = String(d.maskedName ?? '');
          const foreign = /^[A-Z]/.test(maskedName);
          setScreen({ name: 'greet', maskedName, priority: false, foreign });
          void api.card().then((c) => {
            const now = screenRef.current;
            if (c.present && c.priority && now.name === 'greet' && now.maskedName === maskedName)
              setScreen({ ...now, priority: true });
          });
          return;
        }
        case 'card.error':
          setScreen({ name: 'problem', kind: problemOfCardError(String(d.code)), cardCue: true });
          return;
        case 'device.health': {
          const h = d as unknown as DeviceHealth;
          setDevices((all) => ({ ...all, [h.device]: h }));
          return;
        }
        case 'print.job': {
          if (typeof d.ticketId === 'string' && typeof d.state === 'string')
            recentJobs.note(d.ticketId, d.state);
          if (s.name !== 'ticket') return;
          const mine =
            (d.jobId !== undefined && d.jobId === s.issued.print?.jobId) || d.ticketId === s.issued.ticket.id;
          if (!mine) return;
          const state =
            d.state === 'printed'
              ? 'printed'
              : d.state === 'held' || d.state === 'failed'
                ? 'photo'
                : s.print;
          if (state !== s.print) setScreen({ ...s, print: state });
          return;
        }
        case 'queue.checkin': {
          if (s.name !== 'home' && !(s.name === 'scan' && s.purpose === 'appointment')) return;
          if (d.ok) {
            const issued: Issued = {
              ticket: d.ticket as PublicTicket,
              peopleAhead: Number(d.peopleAhead ?? 0),
              estimatedWaitMin: Number(d.estimatedWaitMin ?? 0),
              reused: Boolean(d.reused),
              late: Boolean(d.late),
              print: (d.print as Issued['print']) ?? null,
            };
            if (typeof d.followUrl === 'string') issued.followUrl = d.followUrl;
            const printer = devicesRef.current.printer;
            const broken =
              printer !== undefined && (printer.state === 'error' || printer.state === 'disconnected');
            const print = broken ? 'photo' : printStateOf(issued, recentJobs.of(issued.ticket.id));
            setScreen({ name: 'ticket', issued, print, appointment: true });
          } else setScreen({ name: 'problem', kind: problemOfCheckin(String(d.code)) });
          return;
        }
        case 'scan': {
          if (s.name !== 'scan' || s.purpose !== 'rate') return;
          void api.scannedTicket().then(async ({ token }) => {
            if (!token) return;
            const view = await api.follow(token);
            setScreen({
              name: 'rate',
              token,
              number: view.ticket.number,
              canRate: view.canRate,
              rated: view.ticket.rating != null,
            });
          });
          return;
        }
        default:
          if (ev.type === 'queue.changed' || ev.type === 'queue.rollover') void refresh().catch(() => {});
      }
    },
    [issue, refresh, setScreen, recentJobs],
  );

  // Never a dead end: a ticket still "printing" after a while is shown to photograph.
  useEffect(() => {
    if (screen.name !== 'ticket' || screen.print !== 'printing') return;
    const timer = setTimeout(() => {
      const now = screenRef.current;
      if (now === screen) setScreen({ ...screen, print: 'photo' });
    }, PRINT_WAIT_MS);
    return () => clearTimeout(timer);
  }, [screen, setScreen]);

  useEffect(() => {
    const live = connectLive({
      url: STREAM,
      types: [
        'card.read',
        'card.error',
        'device.health',
        'print.job',
        'queue.checkin',
        'queue.changed',
        'queue.rollover',
        'scan',
      ],
      onEvent,
      resync: refresh,
      onStale: setStale,
    });
    return () => live.close();
  }, [onEvent, refresh]);

  const setPrefs = useCallback((p: Partial<Prefs>) => setPrefsState((old) => ({ ...old, ...p })), []);
  const ok = (dev: string) => {
    const h = devices[dev];
    return !h || h.state === 'ok' || h.state === 'warning';
  };

  return {
    screen,
    setScreen,
    services,
    prefs,
    setPrefs,
    stale,
    readerOk: ok('idcard'),
    printerOk: ok('printer'),
    pick,
    goHome,
  };
}
