// The readers' side of the fleet test: subscribe, confirm, vote, unsubscribe and signed webhooks,
// paced streams running side by side over the servers' "proxy" (serve-fleet.ts) while a week is
// sent. Each stream records what it was answered, and when, for the checks afterwards. Links
// come from where a reader has them: the mail the stand-in accepted (confirm, vote, and the
// webhook's email id), or the token the sender puts in List-Unsubscribe for a reader whose
// copy has not gone yet.
import { routes, unsubscribeToken } from '../../src/links.ts';
import { eventBody, WEBHOOK_SECRET } from '../report/serve-fixture.ts';
import type { Delivery } from '../support/resend-stand-in/recorder.ts';
import type { ResendStandIn } from '../support/resend-stand-in/server.ts';
import { signWebhook } from '../support/webhook-sign.ts';
import type { Fleet } from '../web/serve-fleet.ts';

export type LoadPlan = {
  fleet: Fleet;
  standIn: ResendStandIn;
  site: string;
  secret: string;
  week: string;
  /** Subscriber id by address, for the readers' unsubscribe tokens. */
  ids: Map<string, number>;
  unsubscribe: string[];
  voters: string[];
  webhookReaders: string[];
  newcomers: string[];
  /** Aborted when the test ends: a load a failed test left running stops at its next step. */
  signal: AbortSignal;
};

export type LoadRecord = {
  /** Reader, and the time (ms) the server's answer to the unsubscribe arrived. */
  unsubscribed: { email: string; answeredAt: number }[];
  /** Subscriber id → the tool of the vote made last. */
  votes: Map<number, string>;
  /** Svix id → what each delivery of it was answered ('recorded' | 'duplicate'). */
  webhooks: Map<string, { type: string; to: string; outcomes: string[] }>;
  confirmed: string[];
};

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise((r) => setTimeout(r, ms)).then(() => signal.throwIfAborted());

/** The first mail to `to` on `endpoint` whose subject starts with `subject`, once it came. */
async function mailTo(
  signal: AbortSignal,
  standIn: ResendStandIn,
  endpoint: Delivery['endpoint'],
  to: string,
  subject = '',
): Promise<Delivery> {
  const until = Date.now() + 60_000;
  for (;;) {
    const found = standIn
      .deliveries()
      .find((d) => d.endpoint === endpoint && d.to[0] === to && d.subject.startsWith(subject));
    if (found) return found;
    if (Date.now() > until) throw new Error(`no ${endpoint} mail "${subject}…" to ${to} in 60 s`);
    await sleep(200, signal);
  }
}

const pathOf = (link: string) => {
  const u = new URL(link);
  return u.pathname + u.search;
};

export async function runLoad(p: LoadPlan): Promise<LoadRecord> {
  const { fleet, standIn, site } = p;
  const record: LoadRecord = {
    unsubscribed: [],
    votes: new Map(),
    webhooks: new Map(),
    confirmed: [],
  };
  const form = (body: Record<string, string>, headers: Record<string, string> = {}) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: site, ...headers },
    body: new URLSearchParams(body).toString(),
  });
  const expectOk = async (what: string, res: Response, text?: string) => {
    const body = await res.text();
    if (res.status !== 200 || (text && !body.includes(text)))
      throw new Error(`${what}: ${res.status} ${body.slice(0, 300)}`);
  };
  const copyOf = (email: string) => mailTo(p.signal, standIn, '/emails/batch', email);

  // Half through the page's button, half as Gmail's one-click POST (no Origin).
  const unsubscribes = async () => {
    for (const [i, email] of p.unsubscribe.entries()) {
      const token = unsubscribeToken({ baseUrl: '', secret: p.secret }, p.ids.get(email)!);
      const path = `${routes.unsubscribe(token)}?issue=${p.week}`;
      const res =
        i % 2 === 0
          ? await fleet.fetch(path, form({ action: 'unsubscribe' }))
          : await fleet.fetch(path, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: 'List-Unsubscribe=One-Click',
            });
      await expectOk(`unsubscribe ${email}`, res);
      record.unsubscribed.push({ email, answeredAt: Date.now() });
      await sleep(120, p.signal);
    }
  };

  // Each voter votes from their copy; every third changes their mind on another server.
  const votes = async () => {
    for (const [i, email] of p.voters.entries()) {
      const copy = await copyOf(email);
      const links = [...new Set(copy.text!.match(/https?:\/\/\S+\/vote\/\S+/g) ?? [])];
      if (links.length < 2) throw new Error(`${email}'s copy has ${links.length} vote links`);
      const choices = i % 3 === 0 ? [links[0]!, links[1]!] : [links[0]!];
      for (const link of choices) {
        await expectOk(`vote ${email}`, await fleet.fetch(pathOf(link), form({})), 'your vote');
        record.votes.set(p.ids.get(email)!, pathOf(link).split('/')[4]!);
      }
      await sleep(150, p.signal);
    }
  };

  // Delivered for each, opened for every other; every third event delivered twice at once to
  // two servers, as Resend retries a delivery it saw time out.
  const webhooks = async () => {
    let n = 0;
    for (const [i, to] of p.webhookReaders.entries()) {
      const target = { id: (await copyOf(to)).id, to };
      for (const type of i % 2 === 0 ? ['email.delivered', 'email.opened'] : ['email.delivered']) {
        const svixId = `msg_fleet_${++n}`;
        const body = eventBody(type, target);
        const outcomes: string[] = [];
        record.webhooks.set(svixId, { type, to, outcomes });
        const deliver = async () => {
          const headers = signWebhook({
            secret: WEBHOOK_SECRET,
            id: svixId,
            timestamp: Math.floor(Date.now() / 1000),
            body,
          });
          const res = await fleet.fetch('/webhooks/resend', {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body,
          });
          if (res.status !== 200) throw new Error(`webhook ${svixId}: ${res.status}`);
          outcomes.push(((await res.json()) as { outcome: string }).outcome);
        };
        await Promise.all(n % 3 === 0 ? [deliver(), deliver()] : [deliver()]);
        await sleep(100, p.signal);
      }
    }
  };

  // Sign-ups from their own clients; every fourth signs up twice and confirms twice, on two
  // servers at once. The confirmation comes by mail, through whichever server's worker sent it.
  const signups = async () => {
    const confirming: Promise<void>[] = [];
    for (const [i, email] of p.newcomers.entries()) {
      const twice = i % 4 === 0;
      for (let k = 0; k < (twice ? 2 : 1); k++) {
        const client = { 'x-forwarded-for': `10.24.${k}.${i + 1}` };
        const res = await fleet.fetch('/subscribe', form({ email, name: '', website: '' }, client));
        await expectOk(`subscribe ${email}`, res, 'Check your inbox');
      }
      confirming.push(
        (async () => {
          const mail = await mailTo(p.signal, standIn, '/emails', email, 'Confirm');
          const link = /https?:\/\/\S+\/confirm\/[^\s"<>]+/.exec(mail.text!)?.[0];
          if (!link) throw new Error(`no confirm link in the mail to ${email}`);
          const post = () => fleet.fetch(pathOf(link), form({ name: '' }));
          for (const res of await Promise.all(twice ? [post(), post()] : [post()]))
            await expectOk(`confirm ${email}`, res, 'You are subscribed');
          record.confirmed.push(email);
        })(),
      );
      await sleep(250, p.signal);
    }
    await Promise.all(confirming);
  };

  await Promise.all([unsubscribes(), votes(), webhooks(), signups()]);
  return record;
}
