import type { BokModule } from '../types.js'
import { authRoutes } from './routes.js'
import pl from './locales/pl.json' with { type: 'json' }
import en from './locales/en.json' with { type: 'json' }

export const authModule: BokModule = {
  name: 'auth',
  paths: ['/login', '/logout', '/setup', '/account', '/language'],
  locales: { pl, en },
  router: authRoutes,
}
