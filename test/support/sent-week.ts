// A week marked sent through the store's face, as a send would leave it, with no provider:
// the readers added as active, the week frozen, every batch submitted with each reader's
// message id, the send finished. Webhook events naming those message ids link to the week.
import type { Store } from '../../src/store/index.ts';

/** Returns the readers' ids, in the order of `emails`. */
export async function markSentThroughFace(
  store: Store,
  week: string,
  at: Date,
  emails: readonly string[],
  messageIdOf: (email: string) => string,
): Promise<number[]> {
  const ids: number[] = [];
  for (const email of emails) {
    const added = await store.subscribers.add(email, { source: 'cli', status: 'active', now: at });
    if (!added.ok) throw new Error(`${email}: ${added.error}`);
    ids.push(added.value.id);
  }
  const frozen = await store.ledger.freeze(week, 'test', at);
  if (!frozen.ok) throw new Error(`${week}: freeze refused`);
  for (let batch = await store.ledger.nextOpenBatch(week, -1); batch; ) {
    await store.ledger.startAttempt(week, batch.batchNo, at);
    const rs = await store.ledger.queuedRecipients(week, batch.batchNo);
    await store.ledger.markSubmitted(
      week,
      batch.batchNo,
      rs.map((r) => r.subscriberId),
      rs.map((r) => messageIdOf(r.email)),
      at,
    );
    batch = await store.ledger.nextOpenBatch(week, batch.batchNo);
  }
  if (!(await store.ledger.finishIfComplete(week, at))) throw new Error(`${week}: not finished`);
  return ids;
}
