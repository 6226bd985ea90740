// Run in the bare Tauri window once it is ready (measure.py --vs-exec-js): a large "T+00:00:00"
// redrawn once a second, as the live screen's timer is, and nothing else. The floor of any
// screen that shows seconds: what one rendering update a second costs in this web view.
const t0 = Date.now();
const d = document.createElement('div');
d.style.cssText = 'font: 96px monospace; text-align: center';
document.body.appendChild(d);
const pad = (n) => String(n).padStart(2, '0');
const tick = () => {
  const s = Math.floor((Date.now() - t0) / 1000);
  d.textContent = `T+${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
  setTimeout(tick, 1000 - ((Date.now() - t0) % 1000) + 3);
};
tick();
return 'ticking';
