// A strict reader of the Prometheus text format (0.0.4), for the metrics tests: every line is
// `# HELP name text`, `# TYPE name type`, a sample `name{label="value",...} value`, or empty.
// Anything else, a sample of a family without a TYPE, or a name without the verdicts_ prefix
// throws, naming the line. Returns the samples, and a lookup by name and labels.

export type Sample = { name: string; labels: Record<string, string>; value: number };
export type Scrape = {
  samples: Sample[];
  types: Map<string, string>;
  /** The value of the one sample with this name and (at least) these labels, or undefined. */
  value(name: string, labels?: Record<string, string>): number | undefined;
};

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const HELP = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const SAMPLE = new RegExp(
  `^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?,?\\})? (-?(?:\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?|\\.\\d+)|[Nn][Aa][Nn]|[+-][Ii][Nn][Ff])(?: -?\\d+)?$`,
);
const ONE_LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/g;

const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count', ''],
};

export function parsePrometheus(text: string, prefix = 'verdicts_'): Scrape {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const helped = new Set<string>();
  const fail = (n: number, line: string, why: string) => {
    throw new Error(`metrics line ${n + 1}: ${why}: ${JSON.stringify(line)}`);
  };
  const familyOf = (name: string) => {
    if (types.has(name)) return name;
    for (const [family, type] of types) {
      for (const suffix of SUFFIXES[type] ?? []) if (name === family + suffix) return family;
    }
    return undefined;
  };
  if (!text.endsWith('\n')) throw new Error('metrics text does not end with a newline');
  for (const [n, line] of text.slice(0, -1).split('\n').entries()) {
    if (line === '') continue;
    const help = HELP.exec(line);
    if (help) {
      if (helped.has(help[1]!)) fail(n, line, 'a second HELP');
      helped.add(help[1]!);
      continue;
    }
    const type = TYPE.exec(line);
    if (type) {
      if (types.has(type[1]!)) fail(n, line, 'a second TYPE');
      if (!type[1]!.startsWith(prefix)) fail(n, line, `a name without the ${prefix} prefix`);
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('#')) fail(n, line, 'an unknown comment');
    const m = SAMPLE.exec(line);
    if (!m) fail(n, line, 'not a sample');
    const [, name, labelText = '', raw] = m!;
    if (!familyOf(name!)) fail(n, line, 'a sample of no declared family');
    const labels: Record<string, string> = {};
    for (const [, k, v] of labelText.matchAll(ONE_LABEL)) {
      if (k! in labels) fail(n, line, `label ${k} twice`);
      labels[k!] = v!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    }
    // Prometheus reads values with Go's ParseFloat: NaN and Inf in any case.
    const word = raw!.toLowerCase();
    const value =
      word === 'nan'
        ? Number.NaN
        : word === '+inf'
          ? Infinity
          : word === '-inf'
            ? -Infinity
            : Number(raw);
    samples.push({ name: name!, labels, value });
  }
  return {
    samples,
    types,
    value(name, labels = {}) {
      const found = samples.filter(
        (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      );
      if (found.length > 1) throw new Error(`${found.length} samples of ${name} match`);
      return found[0]?.value;
    },
  };
}
