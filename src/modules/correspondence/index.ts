import type { BokModule, WorkQueue } from '../types.js'
import { can } from '../../shared/auth/permissions.js'
import { correspondenceRoutes } from './routes.js'
import { addDays, officeDate } from './dates.js'
import pl from './locales/pl.json' with { type: 'json' }
import en from './locales/en.json' with { type: 'json' }

/** The general registry (Kancelaria Ogólna): incoming and outgoing registers, routing, inquiries. */
export const correspondenceModule: BokModule = {
  name: 'registry',
  locales: { pl, en },
  nav: [
    { href: '/registry/incoming', key: 'registry.nav.incoming', permission: 'registry.read' },
    { href: '/registry/outgoing', key: 'registry.nav.outgoing', permission: 'registry.read' },
    { href: '/registry/search', key: 'registry.nav.search', permission: 'registry.read' },
    { href: '/registry/inquiries', key: 'registry.nav.inquiries', permission: 'registry.read' },
    { href: '/registry/stats', key: 'registry.nav.stats', permission: 'registry.read' },
    { href: '/registry/inbox', key: 'registry.nav.inbox', permission: 'registry.inbox' },
  ],
  router: correspondenceRoutes,
  async workQueues({ db }, user) {
    const queues: WorkQueue[] = []
    const today = officeDate(new Date())
    if (can(user.roles, 'registry.read')) {
      const row = await db('incoming_items')
        .where('status', 'registered')
        .whereIn('routing_status', ['unassigned', 'returned'])
        .count<{ c: string }>({ c: '*' })
        .first()
      queues.push({
        key: 'registry.queues.toRoute',
        count: Number(row?.c ?? 0),
        href: '/registry/incoming?routing=unassigned',
      })
      const returned = await db('incoming_items')
        .where({ status: 'registered', routing_status: 'returned' })
        .count<{ c: string }>({ c: '*' })
        .first()
      queues.push({
        key: 'registry.queues.returned',
        count: Number(returned?.c ?? 0),
        href: '/registry/incoming?routing=returned',
        urgent: true,
      })
      const inquiries = await db('incoming_items')
        .whereNotNull('inquiry_type_id')
        .whereNull('answered_at')
        .where('status', 'registered')
        .where('due_date', '<=', addDays(today, 3))
        .count<{ c: string }>({ c: '*' })
        .first()
      queues.push({
        key: 'registry.queues.inquiriesDue',
        count: Number(inquiries?.c ?? 0),
        href: '/registry/inquiries',
        urgent: true,
      })
    }
    if (can(user.roles, 'registry.inbox') && user.orgUnitId) {
      const row = await db('incoming_items')
        .where({ unit_id: user.orgUnitId, status: 'registered', routing_status: 'assigned' })
        .count<{ c: string }>({ c: '*' })
        .first()
      queues.push({ key: 'registry.queues.inbox', count: Number(row?.c ?? 0), href: '/registry/inbox' })
    }
    return queues
  },
}
