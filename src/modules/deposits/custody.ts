/**
 * The chain of custody as a plain function: a deposit's state and place are what its movements say,
 * replayed in order. Only the transitions below are accepted; a correction is a new movement that
 * voids an earlier one (never an edit), and is refused if the history it leaves would be invalid.
 */

export const custodyStatuses = [
  'in_deposit',
  'released',
  'returned_to_owner',
  'handed_over',
  'missing',
] as const
export type CustodyStatus = (typeof custodyStatuses)[number]

export const movementKinds = [
  'taken_in',
  'moved',
  'resealed',
  'released',
  'returned_to_deposit',
  'returned_to_owner',
  'handed_over',
  'reported_missing',
  'found',
  'correction',
] as const
export type MovementKind = (typeof movementKinds)[number]

/** From which states each movement may start, and where it leaves the document. */
export const transitions: Record<
  Exclude<MovementKind, 'correction'>,
  { from: ReadonlyArray<CustodyStatus | null>; to: CustodyStatus }
> = {
  taken_in: { from: [null], to: 'in_deposit' },
  moved: { from: ['in_deposit'], to: 'in_deposit' },
  resealed: { from: ['in_deposit'], to: 'in_deposit' },
  released: { from: ['in_deposit'], to: 'released' },
  returned_to_deposit: { from: ['released'], to: 'in_deposit' },
  returned_to_owner: { from: ['in_deposit'], to: 'returned_to_owner' },
  handed_over: { from: ['in_deposit'], to: 'handed_over' },
  reported_missing: { from: ['in_deposit', 'released'], to: 'missing' },
  found: { from: ['missing'], to: 'in_deposit' },
}

export interface CustodyState {
  status: CustodyStatus
  placeId: number | null
  sealNumber: string | null
  releasedTo: string | null
  dueBackOn: string | null
  /** Some movement found a seal number other than the one on record. */
  sealMismatch: boolean
}

export interface MovementInput {
  kind: MovementKind
  placeId?: number | null
  sealOld?: string | null
  sealNew?: string | null
  releasedTo?: string | null
  purpose?: string | null
  dueBackOn?: string | null
  identityChecked?: boolean | null
  identityDocument?: string | null
  acknowledgment?: string | null
  authority?: string | null
  letterRef?: string | null
  correctsMovementId?: number | null
  note?: string | null
}

export interface StoredMovement extends MovementInput {
  id: number
}

export interface Refusal {
  ok: false
  key: string
  field?: string
  params?: Record<string, string | number>
}

export type Applied = { ok: true; state: CustodyState; sealMismatch: boolean } | Refusal

/** Fields each movement must carry (besides the kind), with the form field that shows the error. */
const required: Record<MovementKind, Array<keyof MovementInput>> = {
  taken_in: ['placeId', 'sealNew'],
  moved: ['placeId'],
  resealed: ['sealOld', 'sealNew'],
  released: ['releasedTo', 'purpose', 'dueBackOn', 'sealOld'],
  returned_to_deposit: ['placeId', 'sealNew'],
  returned_to_owner: ['identityChecked', 'identityDocument', 'acknowledgment', 'sealOld'],
  handed_over: ['authority', 'letterRef', 'sealOld'],
  reported_missing: ['note'],
  found: ['placeId', 'sealNew'],
  correction: ['correctsMovementId', 'note'],
}

export function missingField(m: MovementInput): Refusal | null {
  for (const field of required[m.kind]) {
    const v = m[field]
    if (v === undefined || v === null || v === '' || v === false)
      return { ok: false, key: `deposits.movement.${field}.required`, field }
  }
  return null
}

/** One movement applied to the current state (null before the document was taken in). */
export function applyMovement(state: CustodyState | null, m: MovementInput): Applied {
  if (m.kind === 'correction') return { ok: false, key: 'deposits.custody.correctionNeedsHistory' }
  const rule = transitions[m.kind]
  const status = state?.status ?? null
  if (!rule.from.includes(status))
    return {
      ok: false,
      key: `deposits.custody.notAllowed.${m.kind}`,
      params: { state: status ?? 'none' },
    }
  const missing = missingField(m)
  if (missing) return missing
  if (m.kind === 'moved' && state?.placeId === m.placeId)
    return { ok: false, key: 'deposits.custody.samePlace', field: 'placeId' }
  const sealMismatch = !!m.sealOld && !!state?.sealNumber && m.sealOld !== state.sealNumber
  const base: CustodyState = state ?? {
    status: 'in_deposit',
    placeId: null,
    sealNumber: null,
    releasedTo: null,
    dueBackOn: null,
    sealMismatch: false,
  }
  const next: CustodyState = {
    ...base,
    status: rule.to,
    sealMismatch: base.sealMismatch || sealMismatch,
  }
  if (m.placeId) next.placeId = m.placeId
  // An opened envelope has no seal until it is sealed again.
  if (m.sealOld) next.sealNumber = null
  if (m.sealNew) next.sealNumber = m.sealNew
  if (m.kind === 'released') {
    next.releasedTo = m.releasedTo ?? null
    next.dueBackOn = m.dueBackOn ?? null
  } else if (rule.to !== 'missing') {
    next.releasedTo = null
    next.dueBackOn = null
  }
  if (rule.to === 'returned_to_owner' || rule.to === 'handed_over') next.placeId = null
  return { ok: true, state: next, sealMismatch }
}

export type Replayed = { ok: true; state: CustodyState | null; mismatchIds: number[] } | Refusal

/**
 * The state after all movements: corrected (voided) movements are skipped, a correction may also say
 * where the document really is. Refuses a history that is not a valid sequence.
 */
export function replay(movements: StoredMovement[]): Replayed {
  const voided = new Set(
    movements.filter((m) => m.kind === 'correction').map((m) => m.correctsMovementId as number),
  )
  let state: CustodyState | null = null
  const mismatchIds: number[] = []
  for (const m of movements) {
    if (voided.has(m.id)) continue
    if (m.kind === 'correction') {
      const current = state as CustodyState | null
      if (current && m.placeId && current.status === 'in_deposit') state = { ...current, placeId: m.placeId }
      continue
    }
    const step = applyMovement(state, m)
    if (!step.ok) return step
    state = step.state
    if (step.sealMismatch) mismatchIds.push(m.id)
  }
  if (state) state = { ...state, sealMismatch: mismatchIds.length > 0 }
  return { ok: true, state, mismatchIds }
}

/** A new movement checked against the stored history; corrections are checked by replaying. */
export function nextState(
  history: StoredMovement[],
  m: MovementInput,
): { ok: true; state: CustodyState; sealMismatch: boolean } | Refusal {
  const current = replay(history)
  if (!current.ok) return current
  if (m.kind !== 'correction') return applyMovement(current.state, m)
  const missing = missingField(m)
  if (missing) return missing
  const target = history.find((h) => h.id === m.correctsMovementId)
  if (!target) return { ok: false, key: 'deposits.custody.correctionTarget', field: 'correctsMovementId' }
  if (target.kind === 'correction' || target.kind === 'taken_in')
    return { ok: false, key: `deposits.custody.cannotCorrect.${target.kind}`, field: 'correctsMovementId' }
  if (history.some((h) => h.kind === 'correction' && h.correctsMovementId === target.id))
    return { ok: false, key: 'deposits.custody.alreadyCorrected', field: 'correctsMovementId' }
  const after = replay([...history, { ...m, id: Number.MAX_SAFE_INTEGER }])
  if (!after.ok || !after.state)
    return { ok: false, key: 'deposits.custody.correctionBreaksHistory', field: 'correctsMovementId' }
  return { ok: true, state: after.state, sealMismatch: false }
}
