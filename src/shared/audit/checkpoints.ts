import fs from 'node:fs'
import path from 'node:path'
import crypto from 'node:crypto'
import type { Db } from '../db/index.js'

/**
 * Signed checkpoints of the audit chain head, kept outside the database. Someone with database access
 * can rewrite the whole chain consistently; they cannot rewrite these without the signing key.
 */
export interface Checkpoint {
  seq: number
  hash: string
  at: string
  sig: string
}

export interface CheckpointPaths {
  checkpointDir: string
  signingKeyFile: string
}

const fileName = 'checkpoints.jsonl'

function loadPrivateKey(keyFile: string): crypto.KeyObject {
  if (!fs.existsSync(keyFile)) {
    const { privateKey } = crypto.generateKeyPairSync('ed25519')
    fs.mkdirSync(path.dirname(keyFile), { recursive: true })
    fs.writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
      flag: 'wx',
    })
  }
  return crypto.createPrivateKey(fs.readFileSync(keyFile))
}

const signedText = (c: Pick<Checkpoint, 'seq' | 'hash' | 'at'>) =>
  `bok-audit-checkpoint:${c.seq}:${c.hash}:${c.at}`

export function readCheckpoints(paths: CheckpointPaths): Checkpoint[] {
  const file = path.join(paths.checkpointDir, fileName)
  if (!fs.existsSync(file)) return []
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Checkpoint)
}

export function checkpointSignatureValid(paths: CheckpointPaths, c: Checkpoint): boolean {
  const publicKey = crypto.createPublicKey(loadPrivateKey(paths.signingKeyFile))
  return crypto.verify(null, Buffer.from(signedText(c)), publicKey, Buffer.from(c.sig, 'base64'))
}

/** Writes a checkpoint of the current head unless the last one already covers it. */
export async function writeCheckpoint(db: Db, paths: CheckpointPaths): Promise<Checkpoint | null> {
  const head = await db('audit_head').where({ id: 1 }).first('seq', 'hash')
  const seq = Number(head.seq)
  if (seq === 0) return null
  const last = readCheckpoints(paths).at(-1)
  if (last && last.seq === seq && last.hash === head.hash) return null
  const body = { seq, hash: head.hash as string, at: new Date().toISOString() }
  const sig = crypto
    .sign(null, Buffer.from(signedText(body)), loadPrivateKey(paths.signingKeyFile))
    .toString('base64')
  const checkpoint = { ...body, sig }
  fs.mkdirSync(paths.checkpointDir, { recursive: true })
  fs.appendFileSync(path.join(paths.checkpointDir, fileName), JSON.stringify(checkpoint) + '\n', {
    mode: 0o600,
  })
  return checkpoint
}
