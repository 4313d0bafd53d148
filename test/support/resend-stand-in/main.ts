// Standalone stand-in, so a bench can measure a sender process apart from the server:
//   node --import tsx test/support/resend-stand-in/main.ts --port 0 --rate 2 --key re_test \
//     [--no-bodies] [--fault-rate 0.2 --seed 1 --fault-kinds status500,drop --slow-ms 500]
//     [--rate-precision ms] [--arrival-jitter-ms 10]   (--rate 0 turns the rate limit off)
// Prints one JSON line {"url":"http://127.0.0.1:PORT"} once listening; exits on SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { FAULT_KINDS, type FaultKind } from './faults.ts';
import { startResendStandIn } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    rate: { type: 'string', default: '2' },
    key: { type: 'string', default: 're_test' },
    'no-bodies': { type: 'boolean', default: false },
    'fault-rate': { type: 'string' },
    'fault-kinds': { type: 'string' },
    seed: { type: 'string', default: '1' },
    'slow-ms': { type: 'string' },
    'rate-precision': { type: 'string', default: 'seconds' },
    'arrival-jitter-ms': { type: 'string', default: '0' },
  },
  strict: true,
});

const num = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: not a number ≥ 0: ${v}`);
  return n;
};

const kinds = values['fault-kinds']?.split(',').map((k) => k.trim()) as FaultKind[] | undefined;
const unknownKind = kinds?.find((k) => !FAULT_KINDS.includes(k));
if (unknownKind) throw new Error(`--fault-kinds: unknown kind ${unknownKind}`);
const faultRate = num('fault-rate', values['fault-rate']);
const rate = num('rate', values.rate)!;

const standIn = await startResendStandIn({
  port: num('port', values.port),
  apiKey: values.key,
  rateLimit: rate === 0 ? false : rate,
  rateLimitPrecision: values['rate-precision'] === 'ms' ? 'ms' : 'seconds',
  recordBodies: !values['no-bodies'],
  arrivalJitterMs: num('arrival-jitter-ms', values['arrival-jitter-ms']),
  jitterSeed: num('seed', values.seed),
  faults: faultRate
    ? {
        rate: faultRate,
        kinds,
        seed: num('seed', values.seed),
        slowMs: num('slow-ms', values['slow-ms']),
      }
    : null,
});
process.stdout.write(`${JSON.stringify({ url: standIn.url })}\n`);

const stop = () => {
  standIn.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
