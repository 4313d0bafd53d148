// Categories as readers choose them: a tool's `category` ("Developer Tools") as a slug
// ("developer-tools"), the topic a reader's preferences and the variants speak of.
import type { Content } from './schema.ts';

/** A category name (or another tool's tag) as a topic slug: lower case, other runs as one hyphen. */
export const categorySlug = (name: string): string =>
  name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

export type Category = { slug: string; name: string };

/** Every category the data has, by slug (the first name seen for a slug), sorted by name. */
export function categoriesOf(content: Pick<Content, 'tools'>): Category[] {
  const bySlug = new Map<string, string>();
  for (const t of content.tools.values()) {
    const slug = categorySlug(t.category);
    if (slug && !bySlug.has(slug)) bySlug.set(slug, t.category);
  }
  return [...bySlug]
    .map(([slug, name]) => ({ slug, name }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en'));
}
