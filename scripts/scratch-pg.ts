import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import net from 'node:net'
import { execFileSync, spawnSync } from 'node:child_process'

/**
 * A throw-away PostgreSQL server in a scratch folder on its own port, for the benchmark and the fault
 * tests (which restart it: the machine's shared cluster must never be touched). Uses the installed
 * server binaries; as root it runs them as the `postgres` user, since PostgreSQL refuses to run as root.
 */
export interface ScratchPg {
  url: string
  port: number
  dir: string
  restart(opts?: { mode?: 'fast' | 'immediate' }): void
  stop(): void
}

function binDir(): string {
  const base = '/usr/lib/postgresql'
  const versions = fs.existsSync(base) ? fs.readdirSync(base).sort((a, b) => Number(b) - Number(a)) : []
  if (!versions.length) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql')
  return path.join(base, versions[0]!, 'bin')
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

function run(cmd: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0
  const full = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]
  const res = spawnSync(full[0] as string, full[1] as string[], { stdio: 'pipe', encoding: 'utf8' })
  if (res.status !== 0) throw new Error(`${cmd} failed: ${res.stderr || res.stdout}`)
}

/** Starts a new cluster with the given settings (e.g. { shared_buffers: '2GB', jit: 'off' }). */
export async function startScratchPg(settings: Record<string, string> = {}): Promise<ScratchPg> {
  const bin = binDir()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bok-pg-'))
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dir])
  const data = path.join(dir, 'data')
  run(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ])
  const port = await freePort()
  const conf = {
    listen_addresses: "'127.0.0.1'",
    port: String(port),
    unix_socket_directories: `'${dir}'`,
    fsync: 'on',
    ...settings,
  }
  fs.appendFileSync(
    path.join(data, 'postgresql.conf'),
    '\n' +
      Object.entries(conf)
        .map(([k, v]) => `${k} = ${v}`)
        .join('\n') +
      '\n',
  )
  const ctl = (args: string[]) =>
    run(path.join(bin, 'pg_ctl'), ['-D', data, '-w', '-l', path.join(dir, 'server.log'), ...args])
  ctl(['start'])
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    restart: (opts = {}) => ctl(['restart', '-m', opts.mode ?? 'fast']),
    stop: () => {
      try {
        ctl(['stop', '-m', 'fast'])
      } finally {
        fs.rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}
