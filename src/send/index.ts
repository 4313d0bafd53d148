// Send's face: the transport contract and its two implementations (Resend, the local outbox),
// and the sender that paces, retries and records batches in the ledger. Only this folder
// imports `resend`.
export * from './backoff.ts';
export * from './create-transport.ts';
export * from './outbox-transport.ts';
export * from './pace.ts';
export * from './pacer-face.ts';
export * from './progress.ts';
export * from './real-send-guard.ts';
export * from './resend-transport.ts';
export * from './resend-webhooks.ts';
export * from './sender.ts';
export * from './sender-types.ts';
export * from './shared-budget.ts';
export * from './summary.ts';
export * from './transport.ts';
