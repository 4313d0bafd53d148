// The sign-up form's proof of work, when the site asks for one: the altcha widget (its build
// without bundled workers, so the page's CSP needs no blob: or inline script) and its SHA-256
// worker, both served by this site. Registered before the widget's first solve, which waits for
// the page's load event.
import './altcha.js';

globalThis.$altcha.algorithms.set(
  'SHA-256',
  () => new Worker(new URL('./altcha-sha.js', import.meta.url)),
);
