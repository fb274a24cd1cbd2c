import type { BokModule } from '../types.js'
import { auditRoutes } from './routes.js'
import pl from './locales/pl.json' with { type: 'json' }
import en from './locales/en.json' with { type: 'json' }

export const auditModule: BokModule = {
  name: 'audit',
  paths: ['/audit'],
  locales: { pl, en },
  nav: [{ href: '/audit', key: 'audit.nav', permission: 'audit.read' }],
  router: auditRoutes,
}
