import type { Knex } from 'knex'
import type { BokModule, WorkQueue } from '../types.js'
import { can } from '../../shared/auth/permissions.js'
import { correspondenceRoutes } from './routes.js'
import { officeDate } from '../../shared/clock/office.js'
import { addDays } from './dates.js'
import pl from './locales/pl.json' with { type: 'json' }
import en from './locales/en.json' with { type: 'json' }

/** The general registry (Kancelaria Ogólna): incoming and outgoing registers, routing, inquiries. */
export const correspondenceModule: BokModule = {
  name: 'registry',
  paths: ['/registry'],
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
    const today = officeDate(new Date())
    const count = async (q: Knex.QueryBuilder) =>
      Number((await q.count<{ c: string }>({ c: '*' }).first())?.c ?? 0)
    const registered = () => db('incoming_items').where('status', 'registered')
    const reader = can(user.roles, 'registry.read')
    const unit = can(user.roles, 'registry.inbox') ? user.orgUnitId : null
    // The counts run side by side (each on its own partial index).
    const [toRoute, returned, inquiriesDue, inbox] = await Promise.all([
      reader ? count(registered().whereIn('routing_status', ['unassigned', 'returned'])) : 0,
      reader ? count(registered().where('routing_status', 'returned')) : 0,
      reader
        ? count(
            registered()
              .whereNotNull('inquiry_type_id')
              .whereNull('answered_at')
              .where('due_date', '<=', addDays(today, 3)),
          )
        : 0,
      unit ? count(registered().where({ unit_id: unit, routing_status: 'assigned' })) : 0,
    ])
    const queues: WorkQueue[] = []
    if (reader)
      queues.push(
        { key: 'registry.queues.toRoute', count: toRoute, href: '/registry/incoming?routing=unassigned' },
        {
          key: 'registry.queues.returned',
          count: returned,
          href: '/registry/incoming?routing=returned',
          urgent: true,
        },
        {
          key: 'registry.queues.inquiriesDue',
          count: inquiriesDue,
          href: '/registry/inquiries',
          urgent: true,
        },
      )
    if (unit) queues.push({ key: 'registry.queues.inbox', count: inbox, href: '/registry/inbox' })
    return queues
  },
}
