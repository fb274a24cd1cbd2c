import fs from 'node:fs'
import path from 'node:path'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { freePort } from '../scripts/scratch-pg.js'

export const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export interface ChildServer {
  baseUrl: string
  pid: number
  /** Peak resident memory so far (VmHWM), MB. */
  peakRssMb(): number
  /** The exit code once the process has ended (null while it runs or when a signal ended it). */
  exitCode(): number | null
  stop(): Promise<void>
}

function vmHwmMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1]
    return kb ? Math.round(Number(kb) / 1024) : NaN
  } catch {
    return NaN
  }
}

async function waitReady(url: string, child: ChildProcess, logFile: string, seconds = 60): Promise<void> {
  const deadline = Date.now() + seconds * 1000
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(
        `server exited (${child.exitCode}); log:\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`,
      )
    try {
      const res = await fetch(url)
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(
    `server not ready after ${seconds} s; log:\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`,
  )
}

let built = false

/** The Node flags `npm start` gives BOK (its heap settings), so the bench measures the same process. */
export function startFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(rootDir, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>
  }
  return pkg.scripts.start!.split(/\s+/).filter((a) => a.startsWith('--'))
}

/** Compiles BOK as `npm start` does (tsc into dist/), once per bench run. */
export function buildBok(): void {
  if (built) return
  const res = spawnSync('npm', ['run', '--silent', 'build'], {
    cwd: rootDir,
    stdio: 'pipe',
    encoding: 'utf8',
  })
  if (res.status !== 0) throw new Error(`npm run build failed:\n${res.stdout}${res.stderr}`)
  built = true
}

/**
 * Starts a Node process (a compiled .js directly, a .ts through tsx; either way the pid is the server
 * itself and its memory can be read), logging to a file, and waits until `readyPath` answers.
 */
export async function startChild(opts: {
  script: string
  env: Record<string, string>
  logFile: string
  readyPath: string
  nodeBin?: string
  nodeFlags?: string[]
}): Promise<ChildServer> {
  const port = await freePort()
  const out = fs.openSync(opts.logFile, 'a')
  const args = opts.script.endsWith('.ts')
    ? ['--import', 'tsx', opts.script]
    : [...(opts.nodeFlags ?? []), opts.script]
  const child = spawn(opts.nodeBin ?? process.execPath, args, {
    cwd: rootDir,
    env: { ...process.env, ...opts.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', out, out],
  })
  fs.closeSync(out)
  const baseUrl = `http://127.0.0.1:${port}`
  let peak = 0
  const sampler = setInterval(() => {
    const v = vmHwmMb(child.pid!)
    if (Number.isFinite(v)) peak = Math.max(peak, v)
  }, 500)
  sampler.unref()
  await waitReady(baseUrl + opts.readyPath, child, opts.logFile)
  return {
    baseUrl,
    pid: child.pid!,
    peakRssMb: () => {
      const v = vmHwmMb(child.pid!)
      if (Number.isFinite(v)) peak = Math.max(peak, v)
      return peak
    },
    exitCode: () => child.exitCode,
    stop: () =>
      new Promise<void>((resolve) => {
        clearInterval(sampler)
        if (child.exitCode !== null) return resolve()
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000)
        child.once('exit', () => {
          clearTimeout(force)
          resolve()
        })
        child.kill('SIGTERM')
      }),
  }
}

/**
 * BOK in production mode (compiled, as `npm start` runs it), as a separate process with its own data
 * folder. Without a database URL it opens the embedded database in `<dataDir>/pglite`.
 */
export function startBok(opts: {
  databaseUrl: string | null
  dataDir: string
  logFile: string
  poolMax: number
  nodeBin?: string
}): Promise<ChildServer> {
  fs.mkdirSync(opts.dataDir, { recursive: true })
  buildBok()
  return startChild({
    script: 'dist/src/server.js',
    nodeFlags: startFlags(),
    env: {
      NODE_ENV: 'production',
      ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
      DATABASE_POOL_MAX: String(opts.poolMax),
      DATA_DIR: opts.dataDir,
      COOKIE_SECURE: 'false',
      LOG_LEVEL: 'info',
      // Shared by both processes of the soak test: a session made on one is valid on the other.
      SESSION_SECRET: 'bench-session-secret-bench-session-secret-0123456789',
      FIELD_ENCRYPTION_KEY: 'bench-field-key-bench-field-key-bench-field-0123456789',
      AUDIT_CHECKPOINT_MINUTES: '0',
      // The bench measures throughput, not the per-user limiter on searches and exports.
      SEARCHES_PER_MINUTE: '100000',
      EXPORTS_PER_MINUTE: '100000',
    },
    logFile: opts.logFile,
    readyPath: '/readyz',
    nodeBin: opts.nodeBin,
  })
}

/** A signed-in browser: its session cookie and the session's CSRF token for forms. */
export interface Session {
  cookie: string
  csrf: string
  get(pathname: string): Promise<{ status: number; text: string; location: string | null }>
  post(
    pathname: string,
    form: Record<string, string>,
  ): Promise<{ status: number; text: string; location: string | null }>
}

function cookieFrom(res: Response, name: string): string | null {
  for (const c of res.headers.getSetCookie()) {
    const m = new RegExp(`^(${name.replace('.', '\\.')}=[^;]+)`).exec(c)
    if (m) return m[1]!
  }
  return null
}

export function csrfIn(html: string): string | null {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? null
}

export function formBody(form: Record<string, string>): string {
  return new URLSearchParams(form).toString()
}

/** Logs in as a real user would: GET /login for the token, POST the form, keep the new cookie. */
export async function login(baseUrl: string, username: string, password: string): Promise<Session> {
  // The login form's token is bound to a cookie of its own (no session is made before signing in).
  const page = await fetch(`${baseUrl}/login`)
  const csrfCookie = cookieFrom(page, 'bok.csrf')
  const token = csrfIn(await page.text())
  if (!csrfCookie || !token) throw new Error('login page gave no CSRF cookie or token')
  const res = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: csrfCookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: formBody({ username, password, _csrf: token }),
  })
  if (res.status !== 303) throw new Error(`login as ${username} failed: HTTP ${res.status}`)
  const cookie = cookieFrom(res, 'bok.sid')
  if (!cookie) throw new Error(`login as ${username} gave no session cookie`)
  const session: Session = {
    cookie,
    csrf: '',
    async get(pathname) {
      const r = await fetch(baseUrl + pathname, { headers: { cookie: session.cookie }, redirect: 'manual' })
      return { status: r.status, text: await r.text(), location: r.headers.get('location') }
    },
    async post(pathname, form) {
      const r = await fetch(baseUrl + pathname, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: formBody({ _csrf: session.csrf, ...form }),
      })
      return { status: r.status, text: await r.text(), location: r.headers.get('location') }
    },
  }
  // The token lives in the session and is made when a page with a form is first rendered.
  const start = await session.get('/')
  session.csrf = csrfIn(start.text) ?? ''
  if (!session.csrf) {
    const account = await session.get('/account/password')
    session.csrf = csrfIn(account.text) ?? ''
  }
  return session
}
