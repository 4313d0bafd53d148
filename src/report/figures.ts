// What a report is built from: the figures the store reads for one issue or for all of them,
// as plain rows. Defined here, beside the pure code that reads them, so the store depends on
// the report's shapes and never the other way round.
export type SendFigures = {
  week: string;
  status: 'sending' | 'sent';
  finishedAt: string | null;
  recipients: number;
  submitted: number;
  /** Refused by the provider one by one (permissive batches): never sent, not retried. */
  refused: number;
  /** Submitted through the local outbox (ids `outbox-…`): such messages have no events. */
  viaOutbox: number;
};
export type EventFigure = {
  week: string;
  type: string;
  /** Bounce class (hard/soft), a click's normalised link, or null. */
  detail: string | null;
  total: number;
  readers: number;
};
/** Readers the provider refused, per issue and message. */
export type RefusalFigure = { week: string; message: string; readers: number };
export type ClickerFigure = { week: string; readers: number };
export type ChangeFigure = { week: string; change: string; readers: number };
export type VoteFigure = { week: string; pairId: string; toolId: string; votes: number };

export type IssueFigures = {
  sends: SendFigures[];
  events: EventFigure[];
  /** Unique clicking readers per week, across links (a reader clicking two links is one). */
  clickers: ClickerFigure[];
  changes: ChangeFigure[];
  votes: VoteFigure[];
  refusals: RefusalFigure[];
};
