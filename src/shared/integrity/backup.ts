import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import type { Knex } from 'knex'
import { loadConfig, parseEnv, type Config } from '../../config.js'
import { openPglite, wrapPglite, type Database } from '../db/index.js'

/**
 * One archive (tar) with everything BOK needs to come back: the database (a PGlite data-dir dump, or
 * `pg_dump -Fc`), the file store, the signed audit checkpoints and the keys (audit signing key, session
 * secret, field-encryption key) — so the archive is as sensitive as the data folder itself — and a
 * manifest with the row count of every table, which restore checks against.
 */
export const BACKUP_FORMAT = 'bok-backup/1'

export interface Manifest {
  format: string
  kind: 'pglite' | 'postgres'
  createdAt: string
  counts: Record<string, number>
  auditHead: { seq: number; hash: string }
}

export function pgliteDir(config: Config): string {
  return path.join(config.dataDir, 'pglite')
}

/** The keys BOK keeps in files, by their name in the archive. */
export function keyFiles(config: Pick<Config, 'dataDir' | 'signingKeyFile'>): Record<string, string> {
  return {
    'audit-signing.pem': config.signingKeyFile,
    'session-secret': path.join(config.dataDir, 'keys', 'session-secret'),
    'field-encryption-key': path.join(config.dataDir, 'keys', 'field-encryption-key'),
  }
}

/** Where the keys go, read from the environment without creating them (loadConfig would). */
function keyFilesFromEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const parsed = parseEnv(env)
  const dataDir = path.resolve(parsed.DATA_DIR)
  return keyFiles({
    dataDir,
    signingKeyFile: path.resolve(
      parsed.AUDIT_SIGNING_KEY_FILE ?? path.join(dataDir, 'keys', 'audit-signing.pem'),
    ),
  })
}

export async function tableCounts(db: Knex): Promise<Record<string, number>> {
  const tables = (
    await db.raw(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    )
  ).rows as Array<{ table_name: string }>
  const counts: Record<string, number> = {}
  for (const { table_name } of tables) {
    const [row] = await db(table_name).count<{ n: number }[]>({ n: '*' })
    counts[table_name] = Number(row!.n)
  }
  return counts
}

export function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): void {
  const res = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: opts.env ?? process.env,
    maxBuffer: 64 * 1024 * 1024,
  })
  if (res.error) throw new Error(`${cmd} could not run: ${res.error.message}`)
  if (res.status !== 0) throw new Error(`${cmd} failed (${res.status}): ${res.stderr || res.stdout}`)
}

/** Copies a folder (or links it for tar -h), tolerating a missing one. */
function linkInto(staging: string, name: string, source: string) {
  if (fs.existsSync(source)) fs.symlinkSync(path.resolve(source), path.join(staging, name))
  else fs.mkdirSync(path.join(staging, name))
}

/** An embedded database open in another process (BOK running) must not be copied underneath it. */
export function pgliteInUse(config: Config): boolean {
  return fs.existsSync(path.join(pgliteDir(config), 'postmaster.pid'))
}

export async function openForBackup(config: Config): Promise<Database> {
  if (config.DATABASE_URL) {
    const { knexForPostgres } = await import('../db/index.js')
    const knex = knexForPostgres(config.DATABASE_URL, 2)
    return { knex, kind: 'postgres', close: () => knex.destroy() }
  }
  return wrapPglite(await openPglite({ dataDir: pgliteDir(config) }))
}

export async function createBackup(config: Config, outFile: string): Promise<Manifest> {
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'bok-backup-'))
  try {
    const database = await openForBackup(config)
    let manifest: Manifest
    try {
      const head = await database.knex('audit_head').where({ id: 1 }).first('seq', 'hash')
      manifest = {
        format: BACKUP_FORMAT,
        kind: database.kind,
        createdAt: new Date().toISOString(),
        counts: await tableCounts(database.knex),
        auditHead: { seq: Number(head.seq), hash: String(head.hash) },
      }
      if (database.kind === 'pglite') {
        const pglite = (
          database.knex.client as unknown as { pglite: { dumpDataDir(c: 'none'): Promise<Blob> } }
        ).pglite
        const dump = await pglite.dumpDataDir('none')
        fs.writeFileSync(path.join(staging, 'database.pglite.tar'), Buffer.from(await dump.arrayBuffer()))
      }
    } finally {
      await database.close()
    }
    if (manifest.kind === 'postgres')
      run('pg_dump', [
        '-Fc',
        '--no-owner',
        '-f',
        path.join(staging, 'database.pgdump'),
        '-d',
        config.DATABASE_URL!,
      ])
    fs.writeFileSync(path.join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2))
    linkInto(staging, 'files', config.filesDir)
    linkInto(staging, 'audit-checkpoints', config.checkpointDir)
    fs.mkdirSync(path.join(staging, 'keys'))
    for (const [name, file] of Object.entries(keyFiles(config)))
      if (fs.existsSync(file)) fs.copyFileSync(file, path.join(staging, 'keys', name))
    fs.mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true })
    // -h follows the links to the file store and checkpoint folders (which may live outside the data folder).
    run('tar', ['-chf', path.resolve(outFile), '-C', staging, '.'])
    fs.chmodSync(outFile, 0o600)
    return manifest
  } finally {
    fs.rmSync(staging, { recursive: true, force: true })
  }
}

export interface RestoreResult {
  manifest: Manifest
  counts: Record<string, number>
  mismatches: string[]
}

function copyTree(from: string, to: string) {
  if (!fs.existsSync(from)) return
  fs.mkdirSync(to, { recursive: true })
  fs.cpSync(from, to, { recursive: true, force: false, errorOnExist: false })
}

function isEmptyDir(dir: string) {
  return !fs.existsSync(dir) || fs.readdirSync(dir).length === 0
}

/**
 * Restores into the place the configuration names: an empty PGlite data dir, or an empty PostgreSQL
 * database (create it first); the file store and checkpoint folders are filled, keys put back where
 * none exist (an existing different key is an error: the audit checkpoints would no longer verify).
 */
export async function restoreBackup(
  env: NodeJS.ProcessEnv,
  archive: string,
): Promise<RestoreResult & { config: Config }> {
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'bok-restore-'))
  try {
    run('tar', ['-xf', path.resolve(archive), '-C', staging])
    const manifest = JSON.parse(fs.readFileSync(path.join(staging, 'manifest.json'), 'utf8')) as Manifest
    if (manifest.format !== BACKUP_FORMAT) throw new Error(`not a BOK backup (${manifest.format})`)
    const target = env.DATABASE_URL ? 'postgres' : 'pglite'
    if (manifest.kind !== target)
      throw new Error(`the backup holds a ${manifest.kind} database but the configuration names ${target}`)

    // Keys first: loading the configuration would create new ones in a fresh data folder.
    for (const [name, file] of Object.entries(keyFilesFromEnv(env))) {
      const saved = path.join(staging, 'keys', name)
      if (!fs.existsSync(saved)) continue
      if (fs.existsSync(file)) {
        if (!fs.readFileSync(file).equals(fs.readFileSync(saved)))
          throw new Error(
            `${file} exists and differs from the key in the backup: restore into a fresh data folder`,
          )
        continue
      }
      fs.mkdirSync(path.dirname(file), { recursive: true })
      fs.copyFileSync(saved, file)
      fs.chmodSync(file, 0o600)
    }
    const config = loadConfig(env)

    if (target === 'pglite') {
      const dir = pgliteDir(config)
      if (!isEmptyDir(dir)) throw new Error(`${dir} is not empty: restore into a fresh data folder`)
      const blob = new Blob([fs.readFileSync(path.join(staging, 'database.pglite.tar'))])
      const restored = wrapPglite(await openPglite({ dataDir: dir, loadDataDir: blob }))
      await restored.close()
    } else {
      const database = await openForBackup(config)
      try {
        const existing = await tableCounts(database.knex)
        if (Object.keys(existing).length)
          throw new Error('the target database is not empty: create a fresh one')
      } finally {
        await database.close()
      }
      run('pg_restore', [
        '--no-owner',
        '--exit-on-error',
        '-d',
        config.DATABASE_URL!,
        path.join(staging, 'database.pgdump'),
      ])
    }
    copyTree(path.join(staging, 'files'), config.filesDir)
    copyTree(path.join(staging, 'audit-checkpoints'), config.checkpointDir)

    const database = await openForBackup(config)
    try {
      const counts = await tableCounts(database.knex)
      const mismatches = Object.entries(manifest.counts)
        .filter(([t, n]) => counts[t] !== n)
        .map(([t, n]) => `${t}: ${counts[t] ?? 'missing'} rows, the backup had ${n}`)
      return { manifest, counts, mismatches, config }
    } finally {
      await database.close()
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true })
  }
}
