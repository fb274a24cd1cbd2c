import { Router } from 'express'
import type { AppDeps } from '../types.js'
import { transferRoutes } from './routes-transfers.js'
import { holdingsRoutes } from './routes-holdings.js'
import { queryRoutes } from './routes-queries.js'
import { loanRoutes } from './routes-loans.js'
import { disposalRoutes } from './routes-disposal.js'

/** Every archive page, on one router; each route's first handler is its permit(). */
export function archiveRoutes(deps: AppDeps): Router {
  const router = Router()
  transferRoutes(router, deps)
  holdingsRoutes(router, deps)
  queryRoutes(router, deps)
  loanRoutes(router, deps)
  disposalRoutes(router, deps)
  return router
}
