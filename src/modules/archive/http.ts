import type { Request } from 'express'
import { HttpError } from '../../shared/http/errors.js'

/** A positive integer route parameter, or 404. */
export function idParam(req: Request, name = 'id'): number {
  const id = Number(req.params[name])
  if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404)
  return id
}
