// The preview page's behaviour: view toggles (kept on <body> and in the URL, so a live reload
// or a week switch keeps them), week switching without a page load, live reload over SSE,
// the email iframe sized to its content, and the "send a test" form.
const body = document.body;
const STATE = { width: 'desktop', scheme: 'light', tab: 'email' };
let sequence = 0;

const $ = (selector) => document.querySelector(selector);
const $$ = (selector) => [...document.querySelectorAll(selector)];

function syncControls() {
  for (const key of Object.keys(STATE)) {
    const attr = `set${key[0].toUpperCase()}${key.slice(1)}`;
    for (const button of $$(`[data-set-${key}]`)) {
      const on = button.dataset[attr] === body.dataset[key];
      button.setAttribute(key === 'tab' ? 'aria-selected' : 'aria-pressed', String(on));
    }
  }
}

function urlFor(week) {
  const url = new URL(location.href);
  if (week) url.pathname = `/weeks/${week}`;
  for (const [key, fallback] of Object.entries(STATE)) {
    if (body.dataset[key] && body.dataset[key] !== fallback) {
      url.searchParams.set(key, body.dataset[key]);
    } else url.searchParams.delete(key);
  }
  return url;
}

function setView(key, value) {
  body.dataset[key] = value;
  syncControls();
  history.replaceState(history.state, '', urlFor());
  if (key === 'scheme') applyScheme();
  requestAnimationFrame(fitFrame);
}

// Light/dark: Chromium ignores the iframe's CSS color-scheme when it evaluates the email's
// prefers-color-scheme (it follows the OS), so the email's own media rules are switched
// instead: every (prefers-color-scheme: …) condition becomes always-true or always-false.
// The served bytes stay untouched; only this copy of the CSSOM changes.
const ALWAYS = '(min-width: 0px)';
const NEVER = '(max-width: 0px)';
const original = new WeakMap();

function forceScheme(rules, scheme) {
  for (const rule of rules) {
    if (rule.media && rule.cssRules) {
      if (!original.has(rule)) original.set(rule, rule.media.mediaText);
      const text = original.get(rule);
      if (/prefers-color-scheme/.test(text)) {
        rule.media.mediaText = text.replace(
          /\(\s*prefers-color-scheme\s*:\s*(light|dark)\s*\)/g,
          (_m, wanted) => (wanted === scheme ? ALWAYS : NEVER),
        );
      }
    }
    if (rule.cssRules) forceScheme(rule.cssRules, scheme);
  }
}

function applyScheme() {
  const doc = $('#pv-email')?.contentDocument;
  if (!doc?.documentElement) return;
  const scheme = body.dataset.scheme === 'dark' ? 'dark' : 'light';
  for (const sheet of doc.styleSheets) {
    try {
      forceScheme(sheet.cssRules, scheme);
    } catch {
      // A cross-origin sheet cannot be read; the email has none of its own.
    }
  }
  // UA defaults (canvas, form controls) follow too.
  doc.documentElement.style.colorScheme = scheme;
}

/** The iframe grows to the email's height so the page, not the frame, scrolls. */
function fitFrame() {
  const frame = $('#pv-email');
  const doc = frame?.contentDocument;
  if (!doc?.documentElement) return;
  frame.style.height = '0px';
  frame.style.height = `${Math.max(200, doc.documentElement.scrollHeight)}px`;
}

function setLive(status, text) {
  const live = $('#pv-live');
  if (!live) return;
  live.dataset.live = status;
  live.textContent = text;
}

async function load(week, { push = false, reason = null } = {}) {
  const mine = ++sequence;
  let data;
  try {
    const res = await fetch(`/weeks/${encodeURIComponent(week)}/fragments`, { cache: 'no-store' });
    data = await res.json();
  } catch {
    setLive('error', 'preview server unreachable');
    return;
  }
  if (mine !== sequence) return; // a newer load started meanwhile
  // The page skeleton is missing (a page-template error page): start over.
  if (!$('#pv-weeks') || !data.list) return location.reload();
  const oldHeight = $('#pv-email')?.style.height;
  const address = $('#pv-send input[name=to]')?.value;
  $('#pv-weeks').innerHTML = data.list;
  $('#pv-panel').innerHTML = data.panel;
  const frame = $('#pv-email');
  if (frame && oldHeight) frame.style.height = oldHeight;
  const input = $('#pv-send input[name=to]');
  if (input && address) input.value = address;
  body.dataset.week = data.week;
  body.dataset.version = String(data.version);
  document.title = data.title;
  const picker = $('.pv-pick input[name=week]');
  if (picker && data.week) picker.value = data.week;
  syncControls();
  if (push) history.pushState({ week: data.week }, '', urlFor(data.week));
  if (reason) setLive('live', `updated: ${reason}`);
  await Promise.all([loadLint(mine), loadReport(mine)]);
}

/** The lint is slower than the email, so it arrives after it, into its own box. */
async function loadLint(mine) {
  const box = $('#pv-lint[data-lint-src]');
  if (!box) return;
  try {
    const res = await fetch(box.dataset.lintSrc, { cache: 'no-store' });
    const html = await res.text();
    if (mine === sequence && box.isConnected) box.outerHTML = html;
  } catch {
    // The next change or week switch tries again.
  }
}

/** An archived week's report (from the database) arrives into its own box, like the lint. */
async function loadReport(mine) {
  const box = $('#pv-report[data-report-src]');
  if (!box) return;
  try {
    const res = await fetch(box.dataset.reportSrc, { cache: 'no-store' });
    const html = await res.text();
    if (mine === sequence && box.isConnected) box.outerHTML = html;
  } catch {
    // The next change or week switch tries again.
  }
}

function listen() {
  const events = new EventSource('/events');
  events.addEventListener('hello', (e) => {
    setLive('live', 'live');
    // Reconnected after missing a change (or the server restarted): catch up.
    if (e.data !== body.dataset.version && body.dataset.week) load(body.dataset.week);
  });
  events.addEventListener('change', (e) => {
    // An error page without the preview's skeleton (a broken page template): start over.
    if (!$('#pv-weeks')) return location.reload();
    const change = JSON.parse(e.data);
    const names = change.files
      .map((f) => f.split('/').pop())
      .slice(0, 3)
      .join(', ');
    if (body.dataset.week) load(body.dataset.week, { reason: names || 'files changed' });
  });
  events.addEventListener('error', () => setLive('reconnecting', 'reconnecting…'));
}

async function sendTest(form) {
  const out = form.querySelector('output');
  const button = form.querySelector('button');
  out.dataset.ok = '';
  out.textContent = 'Sending…';
  button.disabled = true;
  try {
    const res = await fetch(form.action, {
      method: 'POST',
      body: new URLSearchParams(new FormData(form)),
    });
    const answer = await res.json();
    out.dataset.ok = String(Boolean(answer.ok));
    out.textContent = answer.message;
  } catch (error) {
    out.dataset.ok = 'false';
    out.textContent = `Not sent: ${error.message}`;
  } finally {
    button.disabled = false;
  }
}

document.addEventListener('click', (e) => {
  const control = e.target.closest('[data-set-width],[data-set-scheme],[data-set-tab]');
  if (control) {
    const [key] = Object.keys(STATE).filter((k) => control.hasAttribute(`data-set-${k}`));
    setView(key, control.getAttribute(`data-set-${key}`));
    return;
  }
  const link = e.target.closest('a[data-week]');
  if (link && !e.metaKey && !e.ctrlKey && !e.shiftKey && e.button === 0) {
    e.preventDefault();
    load(link.dataset.week, { push: true });
  }
});

document.addEventListener('submit', (e) => {
  const form = e.target;
  if (form.id === 'pv-send') {
    e.preventDefault();
    sendTest(form);
  } else if (form.classList.contains('pv-pick')) {
    const week = new FormData(form).get('week');
    if (typeof week === 'string' && week) {
      e.preventDefault();
      load(week, { push: true });
    }
  }
});

// `load` does not bubble, but it does pass the capture phase: catches every new iframe.
document.addEventListener(
  'load',
  (e) => {
    if (e.target.id === 'pv-email') {
      applyScheme();
      fitFrame();
    }
  },
  true,
);
window.addEventListener('resize', () => requestAnimationFrame(fitFrame));
window.addEventListener('popstate', () => {
  const week = /^\/weeks\/([^/]+)/.exec(location.pathname)?.[1];
  for (const key of Object.keys(STATE)) {
    body.dataset[key] = new URL(location.href).searchParams.get(key) ?? STATE[key];
  }
  if (week) load(decodeURIComponent(week));
});

syncControls();
applyScheme();
fitFrame();
loadLint(sequence);
loadReport(sequence);
listen();
