// Checks one email against the OpenAPI `SendEmailRequest` schema (ajv, JSON Schema 2020-12),
// plus the rules the spec leaves to prose: no unknown (e.g. camelCase) keys in strict mode,
// no attachments / scheduled_at in a batch, tag name/value charset.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const defaultSpecPath = path.join(repoRoot, 'test/fixtures/resend/openapi.yaml');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type SchemaMap = Record<string, Json>;

const REF_PREFIX = '#/components/schemas/';

/** Copies `node` with `#/components/schemas/X` refs rewritten to `#/$defs/X`, noting each X. */
const rewriteRefs = (node: Json, found: Set<string>): Json => {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, found));
  if (node === null || typeof node !== 'object') return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith(REF_PREFIX)) {
      const name = value.slice(REF_PREFIX.length);
      found.add(name);
      out[key] = `#/$defs/${name}`;
    } else {
      out[key] = rewriteRefs(value, found);
    }
  }
  return out;
};

/** The named component schema as a self-contained JSON Schema with its refs in `$defs`. */
export const componentSchema = (schemas: SchemaMap, name: string): { [key: string]: Json } => {
  const defs: { [key: string]: Json } = {};
  const pending = [name];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    const schema = schemas[next];
    if (schema === undefined) throw new Error(`openapi: no component schema ${next}`);
    const found = new Set<string>();
    defs[next] = rewriteRefs(schema, found);
    pending.push(...found);
  }
  return { $defs: defs, $ref: `#/$defs/${name}` };
};

export interface EmailCheck {
  /** Throws nothing; returns one message per problem (empty when the email is fine). */
  (email: unknown, opts: { batch: boolean }): string[];
  /** The keys `SendEmailRequest` allows at the top level. */
  readonly knownFields: ReadonlySet<string>;
}

const describe = (e: ErrorObject): string => {
  const where = e.instancePath || '(email)';
  if (e.keyword === 'required')
    return `${where}: missing required field \`${e.params.missingProperty}\``;
  if (e.keyword === 'additionalProperties') {
    return `${where}: unknown field \`${e.params.additionalProperty}\` (the API uses snake_case)`;
  }
  return `${where}: ${e.message ?? e.keyword}`;
};

const TAG_PART = /^[A-Za-z0-9_-]{1,256}$/;
// `email@example.com` or `Name <email@example.com>`, as Resend's 422 message puts it.
const ADDRESS = /^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/;
const ADDRESS_FIELDS = ['from', 'to', 'cc', 'bcc', 'reply_to'] as const;

const loaded = new Map<string, { validate: ValidateFunction; strictValidate: ValidateFunction }>();

const compile = (specPath: string) => {
  const cached = loaded.get(specPath);
  if (cached) return cached;
  const spec = parse(readFileSync(specPath, 'utf8')) as { components: { schemas: SchemaMap } };
  const schema = componentSchema(spec.components.schemas, 'SendEmailRequest');
  const defs = schema.$defs as { [key: string]: { [key: string]: Json } };
  const strictSchema = {
    ...schema,
    $defs: { ...defs, SendEmailRequest: { ...defs.SendEmailRequest, additionalProperties: false } },
  };
  const ajv = new Ajv2020({ allErrors: true, strict: true, formats: { binary: true } });
  ajv.addKeyword('example');
  const result = { validate: ajv.compile(schema), strictValidate: ajv.compile(strictSchema) };
  loaded.set(specPath, result);
  return result;
};

/**
 * Builds the checker for `SendEmailRequest`. `strictFields` (default true) refuses top-level
 * keys the schema does not list, such as `replyTo` that slipped past the SDK's mapping.
 */
export const createEmailCheck = (
  opts: { specPath?: string; strictFields?: boolean } = {},
): EmailCheck => {
  const { validate, strictValidate } = compile(opts.specPath ?? defaultSpecPath);
  const run = opts.strictFields === false ? validate : strictValidate;
  const props = (validate.schema as { $defs: { SendEmailRequest: { properties: object } } }).$defs
    .SendEmailRequest.properties;
  const check = (email: unknown, { batch }: { batch: boolean }): string[] => {
    const problems = run(email) ? [] : (run.errors ?? []).map(describe);
    if (problems.length > 0 || email === null || typeof email !== 'object') return problems;
    const e = email as Record<string, unknown>;
    if (batch && e.attachments !== undefined)
      problems.push('attachments are not allowed in a batch');
    if (batch && e.scheduled_at !== undefined)
      problems.push('scheduled_at is not allowed in a batch');
    for (const field of ADDRESS_FIELDS) {
      const list = e[field] === undefined ? [] : ([] as unknown[]).concat(e[field]);
      for (const a of list) {
        if (!ADDRESS.test(String(a).trim())) problems.push(`/${field}: invalid address \`${a}\``);
      }
    }
    const tags = (e.tags ?? []) as { name?: unknown; value?: unknown }[];
    tags.forEach((tag, i) => {
      for (const part of ['name', 'value'] as const) {
        const v = tag[part];
        if (typeof v !== 'string' || !TAG_PART.test(v)) {
          problems.push(`/tags/${i}/${part}: only ASCII letters, digits, _ and -, 1 to 256 chars`);
        }
      }
    });
    return problems;
  };
  return Object.assign(check, { knownFields: new Set(Object.keys(props)) });
};

/** True when every problem is a missing required field (Resend's `missing_required_field`). */
export const onlyMissingFields = (problems: string[]): boolean =>
  problems.length > 0 && problems.every((p) => p.includes('missing required field'));

/** Resend's message for a `to` it will not take (its 422 `validation_error`). */
export const INVALID_TO =
  'Invalid `to` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.';

/** `check`, and also refusing any email addressed to one of `addresses` (case-insensitive). */
export const refusing = (check: EmailCheck, addresses: readonly string[]): EmailCheck => {
  if (addresses.length === 0) return check;
  const refused = new Set(addresses.map((a) => a.trim().toLowerCase()));
  const mailbox = (a: unknown) =>
    (/<([^>]+)>/.exec(String(a))?.[1] ?? String(a)).trim().toLowerCase();
  const wrapped = (email: unknown, opts: { batch: boolean }): string[] => {
    const problems = check(email, opts);
    if (problems.length > 0 || email === null || typeof email !== 'object') return problems;
    const to = ([] as unknown[]).concat((email as Record<string, unknown>).to ?? []);
    return to.some((a) => refused.has(mailbox(a))) ? [INVALID_TO] : problems;
  };
  return Object.assign(wrapped, { knownFields: check.knownFields });
};
