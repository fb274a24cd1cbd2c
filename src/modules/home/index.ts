import type { BokModule } from '../types.js'
import { homeRoutes } from './routes.js'
import pl from './locales/pl.json' with { type: 'json' }
import en from './locales/en.json' with { type: 'json' }

export const homeModule: BokModule = {
  name: 'home',
  locales: { pl, en },
  paths: ['/', '/find'],
  router: homeRoutes,
}
