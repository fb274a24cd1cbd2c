import type { BokModule, WorkQueue } from '../types.js'
import { can } from '../../shared/auth/permissions.js'
import { archiveRoutes } from './routes.js'
import { transferYears } from './domain.js'
import { transferSupervision } from './transfers-repository.js'
import { archivistQueues } from './dashboard-repository.js'
import pl from './locales/pl.json' with { type: 'json' }
import en from './locales/en.json' with { type: 'json' }

export const archiveModule: BokModule = {
  name: 'archive',
  paths: ['/archive'],
  locales: { pl, en },
  nav: [
    { href: '/archive', key: 'archive.nav.archive', permission: 'archive.read' },
    { href: '/archive/transfers', key: 'archive.nav.transfers', permission: 'archive.transfer' },
  ],
  router: archiveRoutes,
  async workQueues({ db }, user) {
    const queues: WorkQueue[] = []
    if (can(user.roles, 'archive.read')) queues.push(...(await archivistQueues(db, new Date())))
    if (can(user.roles, 'archive.transfer') && user.orgUnitId) {
      const [mine] = await transferSupervision(db, transferYears(new Date()), user.orgUnitId)
      queues.push({
        key: 'archive.queues.unitDue',
        count: mine?.due ?? 0,
        href: '/archive/transfers',
        urgent: (mine?.overdue ?? 0) > 0,
      })
    }
    return queues
  },
}
