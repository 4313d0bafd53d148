// Who gets which email of a frozen week: the route the freeze takes for each reader's topics
// (the full issue, an archived variant, or nothing), and the builder that turns a frozen row
// into that reader's email from the archive's shared segments. Pure.
import type { ArchivedEmail } from '../archive/index.ts';
import { variantChoice } from '../content/index.ts';
import { compileFiller } from '../render/index.ts';
import type { OutgoingEmail } from '../send/index.ts';
import type { FreezeRoute } from '../store/index.ts';
import type { JobSettings } from './settings.ts';

type Mailable = Pick<ArchivedEmail, 'html' | 'text' | 'issue'> & { meta: { subject: string } };

export function emailBuilder(
  email: JobSettings['email'],
  week: string,
  archived: Mailable & { variants?: ReadonlyMap<string, Mailable> },
) {
  const { from, replyTo, links } = email;
  // Bodies stay as the archive's shared segments plus this reader's values: the transport
  // encodes the segments once per issue (per variant), not once per reader.
  const one = (a: Mailable, variant: string | null) => {
    const fill = compileFiller(a, a.issue);
    const { subject } = a.meta;
    const tags = [{ name: 'issue', value: week }];
    if (variant) tags.push({ name: 'variant', value: variant });
    return (r: { subscriberId: number; email: string; name: string | null }): OutgoingEmail => {
      const { html, text, headers } = fill(r, links);
      const e: OutgoingEmail = { from, to: r.email, subject, html, text, headers, tags };
      if (replyTo) e.replyTo = replyTo;
      return e;
    };
  };
  const full = one(archived, null);
  const byVariant = new Map<string, ReturnType<typeof one>>();
  return (r: {
    subscriberId: number;
    email: string;
    name: string | null;
    variant?: string | null;
  }): OutgoingEmail => {
    if (!r.variant) return full(r);
    let build = byVariant.get(r.variant);
    if (!build) {
      const v = archived.variants?.get(r.variant);
      // The freeze only routes to variants of this archive, whose digest the ledger pins.
      if (!v) throw new Error(`send: variant ${r.variant} of ${week} is not in its archive`);
      build = one(v, r.variant);
      byVariant.set(r.variant, build);
    }
    return build(r);
  };
}

/** Where each topic choice goes this week: the full issue, an archived variant, or nowhere. */
export function variantRoute(
  archived: Pick<ArchivedEmail, 'issue' | 'variants' | 'meta'>,
): FreezeRoute {
  return (topics) => {
    const choice = variantChoice(archived.issue, topics);
    if (choice.kind === 'none') return { skip: 'no_topics' };
    if (choice.kind === 'full') return { variant: null };
    if (!archived.variants.has(choice.id)) {
      // An archive built before variants existed: its readers get the full issue as before.
      if (!archived.meta.variants) return { variant: null };
      throw new Error(`send: the archive of ${archived.issue.week} lacks variant ${choice.id}`);
    }
    return { variant: choice.id };
  };
}
