// Render's face: an Issue in, the email (HTML, text, subject, preheader) and web version out,
// compiled once; the personaliser fills recipient fields afterwards. Pure apart from reading
// templates; MJML, Handlebars and caniemail load on first use.
export * from './compile-mjml.ts';
export * from './escape.ts';
export * from './excerpt.ts';
export * from './filled.ts';
export * from './gate.ts';
export * from './inbox-line.ts';
export * from './lint.ts';
export * from './lint-a11y.ts';
export * from './palette.ts';
export * from './personalise.ts';
export * from './placeholders.ts';
export * from './render-archive-index.ts';
export * from './render-issue.ts';
export * from './render-options.ts';
export * from './render-welcome.ts';
export * from './templates.ts';
export * from './view-model.ts';
export * from './week-label.ts';
export * from './wire-size.ts';
