import type { Express } from 'express'

export interface RouteInfo {
  method: string
  path: string
  /** The permission named by the route's first handler, or undefined when none is declared. */
  permission: string | undefined
}

interface Layer {
  route?: {
    path: string | string[]
    methods: Record<string, boolean>
    stack: Array<{ handle: { permission?: string } }>
  }
  handle?: { stack?: Layer[] }
}

/** Every route of the app with its method and declared permission, found by walking the router. */
export function listRoutes(app: Express): RouteInfo[] {
  const routes: RouteInfo[] = []
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path]
        for (const path of paths)
          for (const method of Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m]))
            routes.push({
              method: method.toUpperCase(),
              path,
              permission: layer.route.stack[0]?.handle.permission,
            })
      } else if (layer.handle?.stack) walk(layer.handle.stack)
    }
  }
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack)
  return routes
}

/** A concrete URL for a route pattern: parameters filled with an id that matches no record. */
export function concretePath(path: string, fill = '999999'): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => (/id$/i.test(name) ? fill : fill))
}
