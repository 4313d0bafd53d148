// The newsletter's colours, one set per colour scheme. Templates read them from here (never
// hard-coded hex in templates), and a test checks every text/background pair against WCAG AA.
export type Scheme = {
  /** Behind the cards (and behind the footer text). */
  page: string;
  card: string;
  text: string;
  muted: string;
  link: string;
  ship: string;
  skip: string;
  track: string;
  rule: string;
  buttonBg: string;
  buttonText: string;
};

export const palette: { light: Scheme; dark: Scheme } = {
  light: {
    page: '#f1f3f5',
    card: '#ffffff',
    text: '#16181d',
    muted: '#525866',
    link: '#1d4ed8',
    ship: '#157347',
    skip: '#b42318',
    track: '#dfe3e8',
    rule: '#dfe3e8',
    buttonBg: '#1d4ed8',
    buttonText: '#ffffff',
  },
  dark: {
    page: '#0e1014',
    card: '#1a1d23',
    text: '#eef0f3',
    muted: '#a9b0bc',
    link: '#8ab4ff',
    ship: '#4cc38a',
    skip: '#ff8a80',
    track: '#3a404b',
    rule: '#2c313a',
    buttonBg: '#8ab4ff',
    buttonText: '#0e1014',
  },
};

/** Text that must reach 4.5:1 and the background it sits on. */
export const TEXT_PAIRS: ReadonlyArray<readonly [keyof Scheme, keyof Scheme]> = [
  ['text', 'card'],
  ['muted', 'card'],
  ['link', 'card'],
  ['ship', 'card'],
  ['skip', 'card'],
  ['muted', 'page'],
  ['link', 'page'],
  ['text', 'page'],
  ['buttonText', 'buttonBg'],
];

/** Non-text parts (the ship bar) that must reach 3:1 against their surroundings. */
export const GRAPHIC_PAIRS: ReadonlyArray<readonly [keyof Scheme, keyof Scheme]> = [
  ['ship', 'card'],
  ['ship', 'track'],
];

function channel(c: number): number {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

export function relativeLuminance(hex: string): number {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) throw new Error(`relativeLuminance: expected #rrggbb, got "${hex}"`);
  const n = Number.parseInt(m[1]!, 16);
  return 0.2126 * channel(n >> 16) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

/** WCAG 2.x contrast ratio, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [
    number,
    number,
  ];
  return (hi + 0.05) / (lo + 0.05);
}
