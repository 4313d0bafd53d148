// The welcome email as a reader would get it, for editors: the same renderWelcome() the
// public server sends, with a sample reader's unsubscribe link. Errors become the page.
import type { Hono } from 'hono';
import { homeUrl, preferencesUrl, unsubscribeUrl } from '../../links.ts';
import {
  DEFAULT_BRAND,
  fromName,
  loadTemplates,
  personaliseWelcome,
  renderWelcome,
} from '../../render/index.ts';
import type { PreviewDeps } from './deps.ts';
import { fallbackPage } from './render-page.ts';

export const welcomeRoutes = { html: '/welcome/email.html', text: '/welcome/email.txt' } as const;

/** The sample reader the preview shows the welcome to. */
const SAMPLE_SUBSCRIBER_ID = 1;

export function welcomePreviewRoutes(app: Hono, deps: PreviewDeps): void {
  const render = async () => {
    const links = { baseUrl: deps.config.PUBLIC_BASE_URL, secret: deps.config.TOKEN_SECRET };
    const rendered = await renderWelcome(await loadTemplates(deps.templatesDir), {
      brand: fromName(deps.config.FROM_EMAIL) ?? DEFAULT_BRAND,
      homeUrl: homeUrl(links),
      postalAddress: deps.config.POSTAL_ADDRESS,
    });
    return personaliseWelcome(
      rendered,
      unsubscribeUrl(links, SAMPLE_SUBSCRIBER_ID),
      preferencesUrl(links, SAMPLE_SUBSCRIBER_ID),
    );
  };
  const headers = {
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "script-src 'none'; object-src 'none'",
  };

  app.get(welcomeRoutes.html, async (c) => {
    try {
      return c.html((await render()).html, 200, headers);
    } catch (e) {
      return c.html(fallbackPage(e as Error, 'The welcome email does not render'), 200, headers);
    }
  });
  app.get(welcomeRoutes.text, async (c) => {
    try {
      const mail = await render();
      return c.text(`Subject: ${mail.subject}\n\n${mail.text}`, 200, headers);
    } catch (e) {
      return c.text(`The welcome email does not render: ${(e as Error).message}`, 200, headers);
    }
  });
}
