// Announces calls one after another: a two-tone chime (Web Audio), then the call spoken in
// Mandarin through shared/ui/speech.ts (the kiosk's offline /api/speech WAV, else Web Speech,
// else silence). The board never depends on sound: the call is on screen first, whatever plays.
import { say } from '@linli/shared/ui/speech.ts';

const CHIME_MS = 900;
/** Time given to one announcement before the next starts (chime + a call of ~3 s). */
const SLOT_MS = 4500;

let ctx: AudioContext | undefined;

function chime(): void {
  try {
    ctx ??= new AudioContext();
    if (ctx.state === 'suspended') void ctx.resume().catch(() => {});
    const t0 = ctx.currentTime;
    for (const [i, freq] of [659.25, 523.25].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      const start = t0 + i * 0.4;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.4, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.38);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(start + 0.4);
    }
  } catch {
    // no Web Audio: silent
  }
}

const queue: string[] = [];
let busy = false;

function next(): void {
  const text = queue.shift();
  if (text === undefined) {
    busy = false;
    return;
  }
  busy = true;
  chime();
  setTimeout(() => say(text, 'zh-CN'), CHIME_MS);
  setTimeout(next, SLOT_MS);
}

/** Queues one spoken call (a burst of calls is said in order, none cut off). */
export function announce(text: string): void {
  if (queue.length >= 6) queue.shift(); // a backlog after an outage: keep the newest
  queue.push(text);
  if (!busy) next();
}
