import type { BokModule } from '../types.js'
import { adminRoutes } from './routes.js'
import pl from './locales/pl.json' with { type: 'json' }
import en from './locales/en.json' with { type: 'json' }

export const adminModule: BokModule = {
  name: 'admin',
  paths: ['/admin'],
  locales: { pl, en },
  nav: [
    { href: '/admin/users', key: 'admin.nav.users', permission: 'admin.users' },
    { href: '/admin/units', key: 'admin.nav.units', permission: 'admin.units' },
  ],
  router: adminRoutes,
}
