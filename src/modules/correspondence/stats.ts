import type { Db } from '../../shared/db/index.js'
import { addDays, daysBetween } from './dates.js'

const localDay = `((i.received_at AT TIME ZONE 'Europe/Warsaw')::date)`
const periodWhere = `i.received_at >= (?::date)::timestamp AT TIME ZONE 'Europe/Warsaw'
  AND i.received_at < ((?::date) + 1)::timestamp AT TIME ZONE 'Europe/Warsaw' AND i.status = 'registered'`

/** Incoming items per day, channel and unit for a period (annulled items are not counted). */
export async function registryStats(db: Db, from: string, to: string) {
  const [perDay, perChannel, perUnit] = await Promise.all([
    db('incoming_items as i')
      .whereRaw(periodWhere, [from, to])
      .groupByRaw(localDay)
      .orderByRaw(localDay)
      .select(db.raw(`to_char(${localDay}, 'YYYY-MM-DD') as day`), db.raw('count(*)::int as count')),
    db('incoming_items as i')
      .whereRaw(periodWhere, [from, to])
      .groupBy('i.channel')
      .orderBy('i.channel')
      .select('i.channel', db.raw('count(*)::int as count')),
    db('incoming_items as i')
      .leftJoin('org_units as o', 'o.id', 'i.unit_id')
      .whereRaw(periodWhere, [from, to])
      .groupBy('o.symbol')
      .orderBy('o.symbol')
      .select('o.symbol', db.raw('count(*)::int as count')),
  ])
  const counts = new Map(perDay.map((r: { day: string; count: number }) => [r.day, Number(r.count)]))
  const days: Array<{ day: string; count: number }> = []
  for (let d = from; d <= to; d = addDays(d, 1)) days.push({ day: d, count: counts.get(d) ?? 0 })
  return {
    days,
    perChannel: perChannel.map((r: { channel: string; count: number }) => ({
      channel: r.channel,
      count: Number(r.count),
    })),
    perUnit: perUnit.map((r: { symbol: string | null; count: number }) => ({
      symbol: r.symbol,
      count: Number(r.count),
    })),
    total: days.reduce((s, d) => s + d.count, 0),
  }
}

export const maxStatsDays = 366

export function periodLength(from: string, to: string): number {
  return daysBetween(from, to) + 1
}

export interface BarChart {
  width: number
  height: number
  bars: Array<{ x: number; y: number; w: number; h: number; label: string; value: number }>
  ticks: Array<{ y: number; value: number }>
  xLabels: Array<{ x: number; text: string }>
  max: number
}

/**
 * Geometry for a server-rendered SVG bar chart (the view draws it; no client library, no external
 * service). Every bar has a <title> and the same figures are in a table beside it.
 */
export function barChart(
  points: Array<{ label: string; value: number }>,
  width = 720,
  height = 240,
): BarChart {
  const left = 40
  const bottom = 30
  const top = 10
  const plotW = width - left - 10
  const plotH = height - top - bottom
  const max = Math.max(1, ...points.map((p) => p.value))
  const niceMax = Math.ceil(max / 5) * 5 || 5
  const slot = plotW / Math.max(1, points.length)
  const bars = points.map((p, i) => {
    const h = Math.round((p.value / niceMax) * plotH)
    return {
      x: Math.round(left + i * slot + slot * 0.1),
      y: top + plotH - h,
      w: Math.max(1, Math.round(slot * 0.8)),
      h,
      label: p.label,
      value: p.value,
    }
  })
  const ticks = [0, 1, 2, 3, 4, 5].map((k) => ({
    y: Math.round(top + plotH - (k / 5) * plotH),
    value: Math.round((k / 5) * niceMax),
  }))
  const every = Math.max(1, Math.ceil(points.length / 12))
  const xLabels = points
    .map((p, i) => ({ x: Math.round(left + i * slot + slot / 2), text: p.label, i }))
    .filter((l) => l.i % every === 0)
    .map(({ x, text }) => ({ x, text }))
  return { width, height, bars, ticks, xLabels, max: niceMax }
}
