// Idle: after `idleMs` without a touch, a "continue?" screen for `warnMs` (never under 20 s,
// WCAG 2.2.1), then `onTimeout`. Any touch or key press counts as activity — except while the
// warning is up: there only its button continues, so a tap never lands on the screen behind it.
import { useEffect, useRef, useState } from 'preact/hooks';

export const MIN_WARN_MS = 20_000;

export interface Idle {
  warning: boolean;
  secondsLeft: number;
  /** How long the warning stays up in all (≥ 20 s). */
  totalSeconds: number;
  keepAlive(): void;
}

export function useIdle(active: boolean, idleMs: number, warnMs: number, onTimeout: () => void): Idle {
  const warn = Math.max(MIN_WARN_MS, warnMs);
  const last = useRef(Date.now());
  const [now, setNow] = useState(Date.now());
  const timeout = useRef(onTimeout);
  timeout.current = onTimeout;

  const warningRef = useRef(false);
  useEffect(() => {
    const touch = () => {
      if (warningRef.current) return;
      last.current = Date.now();
      setNow(last.current);
    };
    window.addEventListener('pointerdown', touch, true);
    window.addEventListener('keydown', touch, true);
    return () => {
      window.removeEventListener('pointerdown', touch, true);
      window.removeEventListener('keydown', touch, true);
    };
  }, []);

  useEffect(() => {
    if (!active) return;
    last.current = Date.now();
    const timer = setInterval(() => {
      const t = Date.now();
      setNow(t);
      if (t - last.current >= idleMs + warn) {
        last.current = t;
        timeout.current();
      }
    }, 250);
    return () => clearInterval(timer);
  }, [active, idleMs, warn]);

  const since = now - last.current;
  const warning = active && since >= idleMs;
  warningRef.current = warning;
  return {
    warning,
    secondsLeft: Math.max(0, Math.ceil((idleMs + warn - since) / 1000)),
    totalSeconds: Math.round(warn / 1000),
    keepAlive: () => {
      last.current = Date.now();
      setNow(last.current);
    },
  };
}
