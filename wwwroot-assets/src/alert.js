// SLA alert tone, synthesised with Web Audio: no sound file to fetch, works offline.
// Browsers only allow audio after a user gesture; the toggle that enables sound is that gesture.
let context = null;

export function enable() {
  context ??= new (window.AudioContext || window.webkitAudioContext)();
  return context.resume();
}

export function beep() {
  if (!context) return;
  const now = context.currentTime;
  for (const [offset, frequency] of [[0, 880], [0.22, 660]]) {
    const osc = context.createOscillator();
    const gain = context.createGain();
    osc.type = 'square';
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, now + offset);
    gain.gain.exponentialRampToValueAtTime(0.2, now + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.18);
    osc.connect(gain).connect(context.destination);
    osc.start(now + offset);
    osc.stop(now + offset + 0.2);
  }
}
