import type { Db } from '../../shared/db/index.js'
import type { WorkQueue } from '../types.js'
import { officeToday } from '../../shared/clock/office.js'

async function count(qb: Promise<Array<{ c: number | string }>> | unknown): Promise<number> {
  const rows = (await qb) as Array<{ c: number | string }>
  return Number(rows[0]?.c ?? 0)
}

export async function archivistCounts(db: Db, now: Date) {
  const today = officeToday(now)
  const [submitted, overdueLoans, openQueries, lateQueries, toStateArchive] = await Promise.all([
    count(db('archive_transfer_lists').where('status', 'submitted').count({ c: '*' })),
    count(db('archive_loans').whereNull('returned_on').where('due_on', '<', today).count({ c: '*' })),
    count(db('archive_queries').where('status', 'open').count({ c: '*' })),
    count(db('archive_queries').where('status', 'open').where('due_on', '<', today).count({ c: '*' })),
    // Category A past its 25 years: to be passed to the State Archive (art. 5 ustawy o narodowym zasobie).
    count(
      db('archive_folders')
        .where({ status: 'held', category: 'A' })
        .where('state_archive_from', '<=', today)
        .count({ c: '*' }),
    ),
  ])
  return { submitted, overdueLoans, openQueries, lateQueries, toStateArchive }
}

export async function archivistQueues(db: Db, now: Date): Promise<WorkQueue[]> {
  const c = await archivistCounts(db, now)
  return [
    { key: 'archive.queues.submitted', count: c.submitted, href: '/archive/lists?status=submitted' },
    {
      key: 'archive.queues.openQueries',
      count: c.openQueries,
      href: '/archive/queries?status=open',
      urgent: c.lateQueries > 0,
    },
    {
      key: 'archive.queues.overdueLoans',
      count: c.overdueLoans,
      href: '/archive/loans?overdue=1',
      urgent: c.overdueLoans > 0,
    },
  ]
}

// --- Annual report figures -------------------------------------------------------------------------

export async function holdingsByUnitAndCategory(db: Db) {
  return db('archive_folders as f')
    .join('org_units as u', 'u.id', 'f.unit_id')
    .where('f.status', 'held')
    .groupBy('u.symbol', 'f.category')
    .orderBy([{ column: 'u.symbol' }, { column: 'f.category' }])
    .select(
      'u.symbol as unit_symbol',
      'f.category',
      db.raw('count(*)::int AS folders'),
      db.raw('coalesce(sum(f.linear_metres), 0)::numeric(12,3)::text AS linear_metres'),
    ) as Promise<Array<{ unit_symbol: string; category: string; folders: number; linear_metres: string }>>
}

export async function transfersPerYear(db: Db) {
  return db('archive_transfer_lists as t')
    .where('t.status', 'accepted')
    .groupBy('t.year')
    .orderBy('t.year')
    .select(
      't.year',
      db.raw('count(*)::int AS lists'),
      db.raw(
        '(SELECT count(*)::int FROM archive_folders f JOIN archive_transfer_lists t2 ON t2.id = f.transfer_list_id WHERE t2.year = t.year AND t2.status = ?) AS folders',
        ['accepted'],
      ),
      db.raw('coalesce(sum(t.linear_metres), 0)::numeric(12,3)::text AS linear_metres'),
    ) as Promise<Array<{ year: number; lists: number; folders: number; linear_metres: string }>>
}

export async function queriesPerYear(db: Db) {
  return db('archive_queries')
    .groupBy('year')
    .orderBy('year')
    .select(
      'year',
      db.raw('count(*)::int AS total'),
      db.raw(`count(*) FILTER (WHERE outcome = 'found')::int AS found`),
      db.raw(`count(*) FILTER (WHERE outcome = 'partly')::int AS partly`),
      db.raw(`count(*) FILTER (WHERE outcome = 'nothing')::int AS nothing`),
      db.raw(`count(*) FILTER (WHERE status = 'open')::int AS open`),
    ) as Promise<
    Array<{ year: number; total: number; found: number; partly: number; nothing: number; open: number }>
  >
}
