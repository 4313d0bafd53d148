// Resend's error body and the names this stand-in answers with (see test/fixtures/resend/BEHAVIOUR.md).
import type { ServerResponse } from 'node:http';

export type ErrorName =
  | 'validation_error'
  | 'missing_required_field'
  | 'missing_api_key'
  | 'invalid_api_key'
  | 'rate_limit_exceeded'
  | 'daily_quota_exceeded'
  | 'invalid_idempotency_key'
  | 'invalid_idempotent_request'
  | 'concurrent_idempotent_requests'
  | 'application_error'
  | 'internal_server_error'
  | 'not_found'
  | 'method_not_allowed';

export interface ErrorBody {
  statusCode: number;
  name: ErrorName;
  message: string;
}

/** A reply the handler has decided on; the server writes it (or replays it for idempotency). */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const errorReply = (
  status: number,
  name: ErrorName,
  message: string,
  headers?: Record<string, string>,
): Reply => ({ status, body: { statusCode: status, name, message } satisfies ErrorBody, headers });

export const writeReply = (res: ServerResponse, reply: Reply): void => {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...reply.headers,
  });
  res.end(text);
};
