declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'
  interface Request {
    method?: string
    path?: string
    headers?: Record<string, string>
    body?: string
    setupRequest?: (req: Request, context: Record<string, unknown>) => Request
  }
  interface Options {
    url: string
    connections?: number
    duration?: number
    amount?: number
    overallRate?: number
    timeout?: number
    headers?: Record<string, string>
    requests?: Request[]
    bailout?: number
  }
  interface Result {
    requests: { total: number; average: number }
    errors: number
    timeouts: number
    non2xx: number
    duration: number
  }
  interface Instance extends EventEmitter {
    stop(): void
  }
  function autocannon(opts: Options, cb: (err: Error | null, result: Result) => void): Instance
  export default autocannon
}
