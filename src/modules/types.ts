import type { Router } from 'express'
import type { PassportStatic } from 'passport'
import type { Knex } from 'knex'
import type { Logger } from 'pino'
import type { i18n } from 'i18next'
import type { Config } from '../config.js'
import type { Catalog } from '../shared/i18n/index.js'
import type { Permission } from '../shared/auth/permissions.js'
import type { FileStore } from '../shared/files/store.js'

export interface AppDeps {
  db: Knex
  config: Config
  logger: Logger
  i18n: i18n
  files: FileStore
  passport: PassportStatic
}

export interface NavItem {
  href: string
  /** Catalog key of the label. */
  key: string
  permission: Permission
}

/** A count on the start page that leads to a list of work waiting for the user. */
export interface WorkQueue {
  key: string
  count: number
  href: string
  urgent?: boolean
}

/** A feature module: its routes, catalog, navigation and start-page queues. */
export interface BokModule {
  name: string
  locales: { pl: Catalog; en: Catalog }
  nav?: NavItem[]
  /**
   * Where the module's routes lie: '/registry' covers '/registry' and everything under '/registry/';
   * '/' covers the start page only. A request elsewhere passes the module's router by.
   */
  paths: string[]
  router(deps: AppDeps): Router
  workQueues?(deps: AppDeps, user: Express.User): Promise<WorkQueue[]>
}
