import { Router } from 'express'
import type { AppDeps, WorkQueue } from '../types.js'
import { permit } from '../../shared/auth/guard.js'
import { can } from '../../shared/auth/permissions.js'
import { HttpError } from '../../shared/http/errors.js'
import { modules } from '../index.js'

export function homeRoutes(deps: AppDeps): Router {
  const router = Router()
  router.get('/', permit('account'), async (req, res) => {
    const user = req.user!
    // Each module counts its own queues; the modules' counts run side by side, shown in module order.
    const queues: WorkQueue[] = (
      await Promise.all(modules.map((m) => (m.workQueues ? m.workQueues(deps, user) : [])))
    ).flat()
    res.render('home/views/start', { queues })
  })
  // The header's find box: a register number or barcode typed or scanned (keyboard-wedge scanner)
  // opens the record in the user's own register. The POST is handed on with 307, body and token
  // intact, so the term never appears in a URL.
  router.post('/find', permit('account'), (req, res) => {
    const roles = req.user!.roles
    if (can(roles, 'registry.read')) return res.redirect(307, '/registry/search')
    if (can(roles, 'deposits.read')) return res.redirect(307, '/deposits/lookup')
    if (can(roles, 'archive.read')) {
      const q = typeof req.body.q === 'string' ? req.body.q.trim().slice(0, 200) : ''
      return res.redirect(303, `/archive/holdings?q=${encodeURIComponent(q)}`)
    }
    throw new HttpError(404)
  })

  return router
}
