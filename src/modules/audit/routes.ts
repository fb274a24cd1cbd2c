import { Router } from 'express'
import { z } from 'zod'
import type { AppDeps } from '../types.js'
import { permit } from '../../shared/auth/guard.js'
import { recordAudit } from '../../shared/audit/audit.js'
import { auditContentColumns } from '../../shared/audit/canonical.js'
import { writeCheckpoint } from '../../shared/audit/checkpoints.js'
import { verifyAuditChain } from '../../shared/audit/verify.js'
import { applyKeyset, pageOf, parseListQuery, sendCsv } from '../../shared/lists/index.js'
import { emptyToUndefined, parseDate } from '../../shared/forms/index.js'
import { flash } from '../../shared/http/flash.js'
import { HttpError } from '../../shared/http/errors.js'

const filters = z.object({
  action: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .max(100)
      .regex(/^[\w.]+$/)
      .optional(),
  ),
  actor: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().optional()),
  entityType: z.preprocess(emptyToUndefined, z.string().max(50).regex(/^\w+$/).optional()),
  entityId: z.preprocess(emptyToUndefined, z.string().max(100).optional()),
  from: z.preprocess(emptyToUndefined, z.string().max(10).optional()),
  to: z.preprocess(emptyToUndefined, z.string().max(10).optional()),
})

const sorts = { id: { column: 'audit_log.id' } }

export function auditRoutes({ db, config }: AppDeps): Router {
  const router = Router()
  const paths = { checkpointDir: config.checkpointDir, signingKeyFile: config.signingKeyFile }

  const query = (f: z.infer<typeof filters>) => {
    const q = db('audit_log').select(...auditContentColumns)
    if (f.action) q.where('action', 'like', `${f.action.replace(/[%_]/g, '')}%`)
    if (f.actor) q.where('actor_id', f.actor)
    if (f.entityType) q.where('entity_type', f.entityType)
    if (f.entityId) q.where('entity_id', f.entityId)
    const from = f.from ? parseDate(f.from) : null
    const to = f.to ? parseDate(f.to) : null
    if (from) q.where('at', '>=', from)
    if (to) q.where('at', '<', new Date(new Date(to).getTime() + 86400_000))
    return q
  }

  router.get('/audit', permit('audit.read'), async (req, res) => {
    const parsed = filters.safeParse(req.query)
    if (!parsed.success) throw new HttpError(400)
    const list = parseListQuery(req.query, sorts, { sort: 'id', dir: 'desc', limit: 100 })
    const rows = await applyKeyset(query(parsed.data), list, sorts, 'audit_log.id')
    await recordAudit(db, req.actor, { action: 'audit.searched', details: { criteria: parsed.data } })
    res.render('audit/views/list', {
      page: pageOf(rows, list, '/audit', req.query as Record<string, unknown>, (r) => [r.id, r.id]),
      values: req.query,
    })
  })

  router.get('/audit/export.csv', permit('audit.read'), async (req, res) => {
    const parsed = filters.safeParse(req.query)
    if (!parsed.success) throw new HttpError(400)
    const rows = await query(parsed.data).orderBy('id', 'desc').limit(50_000)
    await recordAudit(db, req.actor, {
      action: 'audit.exported',
      details: { criteria: parsed.data, rows: rows.length },
    })
    sendCsv(
      res,
      'audit-log.csv',
      [...auditContentColumns],
      rows.map((r) => [
        r.id,
        r.at,
        r.actor_id,
        r.actor_name,
        r.actor_unit,
        r.action,
        r.entity_type,
        r.entity_id,
        JSON.stringify(r.details),
        r.ip,
        r.request_id,
      ]),
    )
  })

  router.get('/audit/integrity', permit('audit.read'), async (req, res) => {
    const result = await verifyAuditChain(db, paths)
    await recordAudit(db, req.actor, {
      action: 'audit.verified',
      details: { ok: result.ok, rows: result.rows },
    })
    res.render('audit/views/integrity', { result })
  })

  router.post('/audit/checkpoint', permit('audit.read'), async (req, res) => {
    const checkpoint = await writeCheckpoint(db, paths)
    flash(req, 'success', checkpoint ? 'audit.checkpointWritten' : 'audit.checkpointUpToDate', {
      seq: checkpoint?.seq ?? 0,
    })
    res.redirect(303, '/audit/integrity')
  })

  return router
}
