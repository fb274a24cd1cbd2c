import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Router } from 'express'
import type { Knex } from 'knex'
import type { BokModule } from '../../src/modules/types.js'
import { permit } from '../../src/shared/auth/guard.js'
import { acceptFiles } from '../../src/shared/files/upload.js'
import { withStoredFiles } from '../../src/shared/files/store.js'
import { recordAudit } from '../../src/shared/audit/audit.js'

/**
 * An upload route built exactly as the modules build theirs (permit → acceptFiles → 422 with the
 * message next to the field, or withStoredFiles → one transaction with its audit entry → 303), for the
 * upload and fault suites while no module upload route is on main.
 */
const here = path.dirname(fileURLToPath(import.meta.url))
export const MAX_BYTES = 256 * 1024

export const probe: BokModule = {
  name: 'probe',
  paths: ['/probe'],
  locales: { pl: {}, en: {} },
  router: ({ db, files }) => {
    const router = Router()
    router.get('/probe/uploads', permit('registry.write'), (_req, res) => {
      res.render(path.join(here, 'fixtures', 'upload-probe.ejs'))
    })
    router.post(
      '/probe/uploads',
      permit('registry.write'),
      ...acceptFiles('files', { maxBytes: MAX_BYTES }),
      async (req, res) => {
        if (req.uploadErrors!.length || !req.uploaded!.length)
          return res.status(422).render(path.join(here, 'fixtures', 'upload-probe.ejs'), {
            values: req.body,
            errors: req.uploadErrors!.length
              ? req.uploadErrors
              : [{ field: 'files', href: '#files', key: 'files.empty' }],
          })
        await withStoredFiles(
          files,
          req.uploaded!.map((f) => f.content),
          (stored) =>
            db.transaction(async (trx) => {
              const rows = (await trx('probe_uploads')
                .insert(
                  stored.map((s, i) => ({
                    file_id: s.id,
                    sha256: s.sha256,
                    original_name: req.uploaded![i]!.originalName,
                  })),
                )
                .returning('id')) as Array<{ id: number }>
              await recordAudit(
                trx,
                req.actor,
                rows.map((r) => ({ action: 'probe.uploaded', entityType: 'probe', entityId: r.id })),
              )
            }),
        )
        res.redirect(303, '/probe/uploads')
      },
    )
    return router
  },
}

export async function createProbeTable(db: Knex): Promise<void> {
  if (await db.schema.hasTable('probe_uploads')) return
  await db.schema.createTable('probe_uploads', (t) => {
    t.increments('id')
    t.uuid('file_id').notNullable()
    t.string('sha256', 64).notNullable()
    t.string('original_name', 200).notNullable()
  })
}

export const probeFileTable = { table: 'probe_uploads', fileIdColumn: 'file_id', sha256Column: 'sha256' }
