import http from 'node:http'
import autocannon from 'autocannon'

export interface BenchRequest {
  method: 'GET' | 'POST'
  path: string
  /** application/x-www-form-urlencoded body for POST. */
  body?: string
}

export interface LoadSpec {
  baseUrl: string
  /** Cycled through in order, one per request, so each request differs (ids, search terms). */
  requests: BenchRequest[]
  cookie?: string | null
  connections: number
  /** Steady arrival rate in requests/s over all connections; none = closed loop. */
  rate?: number | null
  seconds: number
  /** Status codes that count as success (e.g. 200, or 303 for a form post). */
  expect: number[]
}

export interface LoadResult {
  requests: number
  errors: number
  p50_ms: number
  p95_ms: number
  p99_ms: number
  rps: number
  statuses: Record<string, number>
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i]!
}

/**
 * One autocannon run against 127.0.0.1, bounded in time. Percentiles come from every response's own
 * time (autocannon's summary has no p95), and a response whose status is not expected counts as an
 * error (its time is still in the percentiles).
 */
export function drive(spec: LoadSpec): Promise<LoadResult> {
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(spec.baseUrl))
    throw new Error(`load only to 127.0.0.1: ${spec.baseUrl}`)
  if (spec.rate) return driveOpenLoop(spec)
  const times: number[] = []
  const statuses: Record<string, number> = {}
  let errors = 0
  let next = 0
  const list = spec.requests
  const headers: Record<string, string> = {}
  if (spec.cookie) headers.cookie = spec.cookie
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const instance = autocannon(
      {
        url: spec.baseUrl,
        connections: spec.connections,
        duration: spec.seconds,
        timeout: 30,
        ...(spec.rate ? { overallRate: spec.rate } : {}),
        requests: [
          {
            setupRequest: (req) => {
              const r = list[next % list.length]!
              next += 1
              const h: Record<string, string> = { ...headers }
              if (r.method === 'POST') h['content-type'] = 'application/x-www-form-urlencoded'
              return { ...req, method: r.method, path: r.path, headers: h, body: r.body ?? '' }
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err)
        const wall = (performance.now() - started) / 1000
        times.sort((a, b) => a - b)
        errors += result.errors + result.timeouts
        resolve({
          requests: times.length,
          errors,
          p50_ms: round(percentile(times, 50)),
          p95_ms: round(percentile(times, 95)),
          p99_ms: round(percentile(times, 99)),
          rps: round(times.length / Math.max(spec.seconds, Math.min(wall, spec.seconds + 1))),
          statuses,
        })
      },
    )
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      times.push(responseTime)
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1
      if (!spec.expect.includes(statusCode)) errors += 1
    })
  })
}

export function round(n: number, digits = 2): number {
  if (!Number.isFinite(n)) return n
  const f = 10 ** digits
  return Math.round(n * f) / f
}

/**
 * Steady arrivals: requests start at random moments (Poisson, mean `rate`/s) whether or not earlier
 * ones have finished, over at most `connections` keep-alive sockets; a request that finds every
 * socket busy waits, and that wait is part of its time (no coordinated omission). autocannon's own
 * rate option sends each connection's quota in a burst at the start of every second, which measures
 * bursts of 16 simultaneous requests instead of staff arriving at random.
 */
function driveOpenLoop(spec: LoadSpec): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections })
  const url = new URL(spec.baseUrl)
  const times: number[] = []
  const statuses: Record<string, number> = {}
  let errors = 0
  let inFlight = 0
  let next = 0
  const rate = spec.rate!
  const endAt = performance.now() + spec.seconds * 1000
  return new Promise((resolve) => {
    let scheduling = true
    let resolved = false
    const finish = () => {
      if (resolved || scheduling || inFlight > 0) return
      resolved = true
      agent.destroy()
      times.sort((a, b) => a - b)
      resolve({
        requests: times.length,
        errors,
        p50_ms: round(percentile(times, 50)),
        p95_ms: round(percentile(times, 95)),
        p99_ms: round(percentile(times, 99)),
        rps: round(times.length / spec.seconds),
        statuses,
      })
    }
    const fire = () => {
      const r = spec.requests[next % spec.requests.length]!
      next += 1
      const started = performance.now()
      inFlight += 1
      const headers: Record<string, string> = {}
      if (spec.cookie) headers.cookie = spec.cookie
      if (r.method === 'POST') {
        headers['content-type'] = 'application/x-www-form-urlencoded'
        headers['content-length'] = String(Buffer.byteLength(r.body ?? ''))
      }
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: r.path,
          method: r.method,
          headers,
          agent,
          timeout: 30_000,
        },
        (res) => {
          res.resume()
          res.on('end', () => {
            times.push(performance.now() - started)
            const code = res.statusCode ?? 0
            statuses[code] = (statuses[code] ?? 0) + 1
            if (!spec.expect.includes(code)) errors += 1
            if (resolved) return
            inFlight -= 1
            finish()
          })
        },
      )
      req.on('error', () => {
        if (resolved) return
        errors += 1
        inFlight -= 1
        finish()
      })
      req.on('timeout', () => req.destroy(new Error('timeout')))
      req.end(r.method === 'POST' ? (r.body ?? '') : undefined)
    }
    // Arrival times are drawn in advance and kept to even when a timer fires late (a busy machine):
    // overdue arrivals are sent at once, so the offered rate is the one asked for.
    let nextAt = performance.now()
    const schedule = () => {
      const now = performance.now()
      while (nextAt <= now && nextAt < endAt) {
        fire()
        nextAt += (-Math.log(1 - Math.random()) / rate) * 1000
      }
      if (nextAt >= endAt) {
        scheduling = false
        // Requests still waiting 30 s after the window count as errors (timeouts) and are dropped.
        setTimeout(() => {
          if (inFlight > 0) {
            errors += inFlight
            inFlight = 0
            finish()
          }
        }, 30_000).unref()
        finish()
        return
      }
      setTimeout(schedule, Math.max(0, nextAt - performance.now()))
    }
    schedule()
  })
}
