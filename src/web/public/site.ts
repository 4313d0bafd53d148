// Renders a site page with the fields every page shares (brand, links, footer, the subscribe
// form) and answers it. Pages are personal or state-changing, so they are never cached.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { feedUrl, homeUrl, type LinkContext, subscribeUrl } from '../../links.ts';
import { DEFAULT_BRAND, fromName } from '../../render/index.ts';
import type { PublicDepsBase } from './deps.ts';
import { loadSiteTemplates, type PageName } from './pages.ts';

export const CSS_PATH = '/assets/site.css';

export type MessageView = {
  title: string;
  heading: string;
  paragraphs: string[];
  link?: { href: string; label: string } | null;
  showSubscribeForm?: boolean;
};

export type Site = ReturnType<typeof createSite>;

export function createSite(deps: Pick<PublicDepsBase, 'config' | 'templatesDir'>) {
  const links: LinkContext = { baseUrl: deps.config.PUBLIC_BASE_URL, secret: '' };
  /** Absolute, so a PUBLIC_BASE_URL with a path prefix (behind a proxy) still works. */
  const url = (path: string) => deps.config.PUBLIC_BASE_URL.replace(/\/+$/, '') + path;
  const common = {
    brand: fromName(deps.config.FROM_EMAIL) ?? DEFAULT_BRAND,
    homeUrl: homeUrl(links),
    feedUrl: feedUrl(links),
    subscribeUrl: subscribeUrl(links),
    cssUrl: url(CSS_PATH),
    postalAddress: deps.config.POSTAL_ADDRESS,
    robots: 'noindex',
    showSubscribeForm: true,
  };
  const templates = () => loadSiteTemplates(deps.templatesDir);

  const page = async (
    c: Context,
    name: PageName,
    view: { title: string } & Record<string, unknown>,
    status: ContentfulStatusCode = 200,
  ): Promise<Response> => {
    const html = (await templates()).pages[name]({ ...common, ...view });
    c.header('Cache-Control', 'no-store');
    return c.html(html, status);
  };

  return {
    brand: common.brand,
    links,
    url,
    templates,
    page,
    message: (c: Context, status: ContentfulStatusCode, view: MessageView) =>
      page(c, 'message', { link: null, ...view }, status),
    /** The confirmation email's two parts (nothing in them comes from the visitor). */
    confirmEmail: async (view: { confirmUrl: string }) => {
      const t = await templates();
      const full = { ...common, ...view };
      return { html: t.confirmEmailHtml(full), text: t.confirmEmailText(full) };
    },
  };
}
