import type { BokModule } from '../types.js'
import { foreignersRoutes } from './routes.js'
import pl from './locales/pl.json' with { type: 'json' }
import en from './locales/en.json' with { type: 'json' }

export const foreignersModule: BokModule = {
  name: 'foreigners',
  paths: ['/foreigners'],
  locales: { pl, en },
  nav: [{ href: '/foreigners', key: 'foreigners.nav', permission: 'foreigners.read' }],
  router: foreignersRoutes,
}
