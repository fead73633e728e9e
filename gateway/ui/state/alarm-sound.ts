// The alarm tone (Web Audio). Browsers allow sound only after a click: `enable()` is called from
// the sign-in click (or the "sound is off" banner); `enabled` says whether sound can play now.
export class AlarmSound {
  private ctx: AudioContext | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  get enabled(): boolean {
    return this.ctx?.state === 'running';
  }

  /** Call from a click handler. Resolves to whether sound is now allowed. */
  async enable(): Promise<boolean> {
    try {
      this.ctx ??= new AudioContext();
      if (this.ctx.state !== 'running') await this.ctx.resume();
    } catch {
      return false;
    }
    return this.enabled;
  }

  /** Two-tone siren, repeated until stop(). */
  start(): void {
    if (this.timer) return;
    const beep = () => {
      const ctx = this.ctx;
      if (ctx?.state !== 'running') return;
      const t0 = ctx.currentTime;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'square';
      osc.frequency.setValueAtTime(960, t0);
      osc.frequency.setValueAtTime(720, t0 + 0.25);
      osc.frequency.setValueAtTime(960, t0 + 0.5);
      osc.frequency.setValueAtTime(720, t0 + 0.75);
      gain.gain.setValueAtTime(0.2, t0);
      gain.gain.setValueAtTime(0, t0 + 1);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0);
      osc.stop(t0 + 1);
    };
    beep();
    this.timer = setInterval(beep, 2000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  get playing(): boolean {
    return this.timer !== undefined;
  }
}
