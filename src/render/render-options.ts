// The render settings from the newsletter's settings: one mapping, used by the build, the
// preview and the public site's live web versions, so all three render the same email.
import type { Config } from '../config.ts';
import type { RenderOptions } from './view-model.ts';

/** The display name of FROM_EMAIL ("Weekly AI Tool Verdicts <verdicts@…>"), if it has one. */
export function fromName(fromEmail: string): string | undefined {
  const m = /^\s*"?([^"<]+?)"?\s*</.exec(fromEmail);
  return m?.[1]?.trim() || undefined;
}

export function renderOptions(
  config: Pick<Config, 'FROM_EMAIL' | 'PUBLIC_BASE_URL' | 'POSTAL_ADDRESS'>,
): RenderOptions {
  const name = fromName(config.FROM_EMAIL);
  return {
    baseUrl: config.PUBLIC_BASE_URL,
    postalAddress: config.POSTAL_ADDRESS,
    ...(name ? { fromName: name } : {}),
  };
}
