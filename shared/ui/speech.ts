// Spoken prompts: the kiosk service's offline synthesis (`GET /api/speech?text=&lang=`, espeak-ng,
// WAV cached per text), else Web Speech where the browser has a voice for the language, else
// silence — the screen never depends on sound.
let current: HTMLAudioElement | undefined;
let enabled = true;

export function setSpeechEnabled(on: boolean): void {
  enabled = on;
  if (!on) stopSpeech();
}

export function stopSpeech(): void {
  current?.pause();
  current = undefined;
  if (typeof speechSynthesis !== 'undefined') speechSynthesis.cancel();
}

function webSpeech(text: string, lang: string): void {
  if (typeof speechSynthesis === 'undefined') return;
  const voice = speechSynthesis.getVoices().find((v) => v.lang.toLowerCase().startsWith(lang.toLowerCase()));
  if (!voice) return;
  const u = new SpeechSynthesisUtterance(text);
  u.voice = voice;
  u.lang = voice.lang;
  u.rate = 0.9;
  speechSynthesis.speak(u);
}

/** Say `text`; `lang` is the UI language tag (the service synthesizes Mandarin and English). */
export function say(text: string, lang: string, endpoint = '/api/speech'): void {
  if (!enabled || !text) return;
  stopSpeech();
  const audio = new Audio(`${endpoint}?lang=${encodeURIComponent(lang)}&text=${encodeURIComponent(text)}`);
  current = audio;
  audio.play().catch(() => {
    if (current === audio) webSpeech(text, lang);
  });
}
