// POST /emails and POST /emails/batch after auth and rate limiting: idempotency key check,
// fault injection, JSON parsing, idempotency replay, schema validation, recording.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorReply, type Reply } from './errors.ts';
import { type FaultFn, type FaultKind, faultReply, normalizeFault } from './faults.ts';
import { checkKey, type IdempotencyStore } from './idempotency.ts';
import { type EmailCheck, onlyMissingFields } from './openapi-check.ts';
import type { Recorder } from './recorder.ts';

export const MAX_BATCH = 100;

export type Endpoint = '/emails' | '/emails/batch';

export interface SendDeps {
  check: EmailCheck;
  idempotency: IdempotencyStore;
  recorder: Recorder;
  faults: () => FaultFn;
  isClosed: () => boolean;
}

export interface SendRequest {
  endpoint: Endpoint;
  requestNo: number;
  rawBody: string;
  idempotencyKey: string | undefined;
  batchValidation: 'strict' | 'permissive';
}

/** `reply`: answer it; `hang`: never answer; `destroy`: close the socket unanswered. */
export type Outcome = { kind: 'reply'; reply: Reply } | { kind: 'hang' } | { kind: 'destroy' };

const reply = (r: Reply): Outcome => ({ kind: 'reply', reply: r });

const parseJson = (raw: string): { ok: true; value: unknown } | { ok: false; value: string } => {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false, value: raw };
  }
};

const refuse = (problems: string[], prefix = ''): Reply =>
  errorReply(
    422,
    onlyMissingFields(problems) ? 'missing_required_field' : 'validation_error',
    prefix + problems.slice(0, 5).join('; '),
  );

/** Validates and records; returns the reply for a fresh (non-replayed) request. */
const accept = (deps: SendDeps, req: SendRequest, body: unknown): Reply => {
  const batch = req.endpoint === '/emails/batch';
  const meta = { requestNo: req.requestNo, idempotencyKey: req.idempotencyKey };
  const record = (email: unknown) => {
    const id = randomUUID();
    deps.recorder.record(email as Record<string, unknown>, { ...meta, id, endpoint: req.endpoint });
    return { id };
  };
  if (!batch) {
    const problems = deps.check(body, { batch: false });
    return problems.length > 0 ? refuse(problems) : { status: 200, body: record(body) };
  }
  if (!Array.isArray(body))
    return errorReply(422, 'validation_error', 'The body must be an array.');
  if (body.length === 0 || body.length > MAX_BATCH) {
    const msg = `A batch holds 1 to ${MAX_BATCH} emails; got ${body.length}.`;
    return errorReply(422, 'validation_error', msg);
  }
  const problems = body.map((email) => deps.check(email, { batch: true }));
  if (req.batchValidation === 'strict') {
    const bad = problems.findIndex((p) => p.length > 0);
    if (bad >= 0) return refuse(problems[bad]!, `Email at index ${bad}: `);
    return { status: 200, body: { data: body.map(record) } };
  }
  const data: { id: string }[] = [];
  const errors: { index: number; message: string }[] = [];
  body.forEach((email, index) => {
    const p = problems[index]!;
    if (p.length === 0) data.push(record(email));
    else errors.push({ index, message: p.join('; ') });
  });
  return { status: 200, body: { data, errors } };
};

export const handleSend = async (
  deps: SendDeps,
  req: SendRequest,
): Promise<{ outcome: Outcome; fault?: FaultKind }> => {
  const badKey = checkKey(req.idempotencyKey);
  if (badKey) return { outcome: reply(badKey) };
  const parsed = parseJson(req.rawBody);
  const chosen = deps.faults()({
    endpoint: req.endpoint,
    requestNo: req.requestNo,
    idempotencyKey: req.idempotencyKey,
    body: parsed.value,
  });
  const fault = chosen ? normalizeFault(chosen) : undefined;
  const kind = fault?.kind;
  const answered = kind ? faultReply(kind) : null;
  if (answered) return { outcome: reply(answered), fault: kind };
  if (kind === 'hang') return { outcome: { kind: 'hang' }, fault: kind };
  if (kind === 'drop') return { outcome: { kind: 'destroy' }, fault: kind };
  if (!parsed.ok) {
    return {
      outcome: reply(errorReply(400, 'validation_error', 'Invalid JSON body.')),
      fault: kind,
    };
  }
  const claim = req.idempotencyKey
    ? deps.idempotency.claim(req.endpoint, req.idempotencyKey, parsed.value)
    : undefined;
  let result: Reply;
  if (claim && claim.kind !== 'fresh') {
    result = claim.reply;
  } else {
    if (kind === 'slow') await sleep(fault!.ms);
    if (deps.isClosed()) {
      claim?.release();
      return { outcome: { kind: 'destroy' }, fault: kind };
    }
    result = accept(deps, req, parsed.value);
    claim?.complete(result);
  }
  if (kind === 'lostResponse') return { outcome: { kind: 'destroy' }, fault: kind };
  return { outcome: reply(result), fault: kind };
};
