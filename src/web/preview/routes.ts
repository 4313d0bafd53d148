// The preview's own URLs, in one place so pages, the client script and the server agree.
// Archive pages keep the public server's paths (links.ts) so their links work here too.
import { routes } from '../../links.ts';

export const previewRoutes = {
  home: '/',
  go: '/go',
  week: (week: string) => `/weeks/${week}`,
  fragments: (week: string) => `/weeks/${week}/fragments`,
  email: (week: string) => `/weeks/${week}/email.html`,
  variant: (week: string, id: string) => `/weeks/${week}/variants/${id}/email.html`,
  lint: (week: string) => `/weeks/${week}/lint`,
  report: (week: string) => `/weeks/${week}/report`,
  sendTest: (week: string) => `/weeks/${week}/send-test`,
  web: (week: string) => routes.issue(week),
  events: '/events',
  asset: (name: string) => `/_preview/${name}`,
  archiveIndex: '/archive/',
  feed: routes.feed,
} as const;
