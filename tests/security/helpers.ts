import type { Express } from 'express'
import { Writable } from 'node:stream'
import { createApp } from '../../src/app.js'
import { createLogger } from '../../src/shared/logger.js'
import { permissions as permissionsTable, roles, type Role } from '../../src/shared/auth/permissions.js'
import { verifyCsrfAfterUpload } from '../../src/shared/http/csrf.js'
import type { TestContext } from '../helpers/app.js'

/** One route of the app as the security suites see it: found by walking Express's router stack. */
export interface RouteInfo {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  path: string
  /** The permission named by the route's first handler (`permit(...)`), or 'public'. */
  permission: string | undefined
  /** The route parses multipart itself (`acceptFiles`) and checks the CSRF token after parsing. */
  multipart: boolean
  /** The file field an upload route reads (from `acceptFiles`). */
  uploadField?: string
  /** The route types files with the shared `acceptFiles` (and so gives its messages). */
  sharedUpload: boolean
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: Array<{ handle: unknown }> }
  handle?: { stack?: Layer[] }
}

/**
 * Every route of the app, including those of modules that land later: module routers are mounted
 * without a prefix (`app.use(m.router(deps))`), so their route paths are the full paths.
 */
export function collectRoutes(app: Express): RouteInfo[] {
  const found: RouteInfo[] = []
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const handlers = layer.route.stack.map((l) => l.handle)
        const first = handlers[0] as { permission?: string } | undefined
        for (const method of Object.keys(layer.route.methods)) {
          if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue
          found.push({
            method: method as RouteInfo['method'],
            path: layer.route.path,
            permission: first?.permission,
            multipart: handlers.includes(verifyCsrfAfterUpload),
            uploadField: handlers
              .map((h) => (h as { uploadField?: string }).uploadField)
              .find((f) => typeof f === 'string'),
            sharedUpload: handlers.some((h) => (h as { name?: string }).name === 'sniff'),
          })
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack)
      }
    }
  }
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack)
  return found
}

export const stateChanging = (r: RouteInfo) => r.method !== 'get'

/** Fills `:params` (and drops Express 5 optional-segment braces) with known ids, or 1. */
export function fillPath(path: string, params: Record<string, string | number> = {}): string {
  return path
    .replace(/[{}]/g, '')
    .replace(/[:*](\w+)/g, (_m, name: string) => encodeURIComponent(String(params[name] ?? 1)))
}

/** The roles that hold a permission (every role for 'public'). */
export function rolesFor(permission: string | undefined): Role[] {
  if (!permission) return []
  if (permission === 'public') return [...roles]
  return roles.filter((r) => {
    const allowed = (permissionsTable as Record<string, readonly string[]>)[permission]
    return allowed?.includes(r)
  })
}
/** A log destination that keeps every line, to assert what the log does and does not contain. */
export function captureLog() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean))
      cb()
    },
  })
  return { stream, lines, text: () => lines.join('\n') }
}

/** Rebuilds the app of a test context with a logger writing to the capture (same database). */
export async function appWithCapturedLog(ctx: TestContext) {
  const log = captureLog()
  const logger = createLogger('info', log.stream)
  const { app } = await createApp({ db: ctx.db, config: ctx.config, logger })
  return { app, log }
}

/** Strings that must never appear in a page's raw HTML once a payload was stored. */
export const XSS_PAYLOAD = `<script>alert(1)</script>"><img src=x onerror=alert(1)>`

export function assertEscaped(html: string): string[] {
  const problems: string[] = []
  if (html.includes('<script>alert(1)')) problems.push('raw <script> from the payload')
  if (/<img[^>]*onerror=/i.test(html)) problems.push('raw <img onerror=> from the payload')
  if (html.includes('"><img')) problems.push('attribute break-out "><img')
  return problems
}
