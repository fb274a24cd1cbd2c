import type { BokModule, WorkQueue } from '../types.js'
import { can } from '../../shared/auth/permissions.js'
import { depositsRoutes } from './routes.js'
import { countCaseEnded, countOverdueReleases } from './repository.js'
import { officeToday } from '../../shared/clock/office.js'
import pl from './locales/pl.json' with { type: 'json' }
import en from './locales/en.json' with { type: 'json' }

export const depositsModule: BokModule = {
  name: 'deposits',
  paths: ['/deposits'],
  locales: { pl, en },
  nav: [
    { href: '/deposits', key: 'deposits.nav.dashboard', permission: 'deposits.read' },
    { href: '/deposits/new', key: 'deposits.nav.new', permission: 'deposits.write' },
    { href: '/deposits/places', key: 'deposits.nav.places', permission: 'deposits.read' },
    { href: '/deposits/stocktakes', key: 'deposits.nav.stocktakes', permission: 'deposits.read' },
  ],
  router: depositsRoutes,
  async workQueues({ db }, user): Promise<WorkQueue[]> {
    if (!can(user.roles, 'deposits.read')) return []
    const [overdue, caseEnded] = await Promise.all([
      countOverdueReleases(db, officeToday()),
      countCaseEnded(db),
    ])
    return [
      { key: 'deposits.queues.overdue', count: overdue, href: '/deposits/queues/overdue', urgent: true },
      { key: 'deposits.queues.caseEnded', count: caseEnded, href: '/deposits/queues/case-ended' },
    ]
  },
}
