import { Router } from 'express'
import type { AppDeps, WorkQueue } from '../types.js'
import { permit } from '../../shared/auth/guard.js'
import { modules } from '../index.js'

export function homeRoutes(deps: AppDeps): Router {
  const router = Router()
  router.get('/', permit('account'), async (req, res) => {
    const user = req.user!
    const queues: WorkQueue[] = []
    for (const m of modules) if (m.workQueues) queues.push(...(await m.workQueues(deps, user)))
    res.render('home/views/start', { queues })
  })
  return router
}
