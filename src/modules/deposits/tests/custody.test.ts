import { describe, expect, it } from 'vitest'
import {
  applyMovement,
  nextState,
  replay,
  type CustodyState,
  type CustodyStatus,
  type MovementInput,
  type MovementKind,
  type StoredMovement,
} from '../custody.js'

/** A complete, valid movement of each kind (every required field filled). */
const full: Record<Exclude<MovementKind, 'correction'>, MovementInput> = {
  taken_in: { kind: 'taken_in', placeId: 1, sealNew: 'S1' },
  moved: { kind: 'moved', placeId: 2 },
  resealed: { kind: 'resealed', sealOld: 'S1', sealNew: 'S2' },
  released: {
    kind: 'released',
    releasedTo: 'the owner',
    purpose: 'marriage',
    dueBackOn: '2026-12-01',
    sealOld: 'S1',
  },
  returned_to_deposit: { kind: 'returned_to_deposit', placeId: 1, sealNew: 'S3' },
  returned_to_owner: {
    kind: 'returned_to_owner',
    identityChecked: true,
    identityDocument: 'TZTC 123',
    acknowledgment: 'signed',
    sealOld: 'S1',
  },
  handed_over: { kind: 'handed_over', authority: 'Straż Graniczna', letterRef: 'SG-1/2026', sealOld: 'S1' },
  reported_missing: { kind: 'reported_missing', note: 'not on the shelf' },
  found: { kind: 'found', placeId: 1, sealNew: 'S4' },
}

const stateIn = (status: CustodyStatus): CustodyState => ({
  status,
  placeId: status === 'in_deposit' ? 1 : null,
  sealNumber: status === 'in_deposit' ? 'S1' : null,
  releasedTo: status === 'released' ? 'the owner' : null,
  dueBackOn: status === 'released' ? '2026-12-01' : null,
  sealMismatch: false,
})

// Written out by hand from the issue (not derived from the code's table): row = movement, columns =
// states it may start from. 'none' = not yet taken in.
const allowed: Record<Exclude<MovementKind, 'correction'>, Array<CustodyStatus | 'none'>> = {
  taken_in: ['none'],
  moved: ['in_deposit'],
  resealed: ['in_deposit'],
  released: ['in_deposit'],
  returned_to_deposit: ['released'],
  returned_to_owner: ['in_deposit'],
  handed_over: ['in_deposit'],
  reported_missing: ['in_deposit', 'released'],
  found: ['missing'],
}
const resultOf: Record<Exclude<MovementKind, 'correction'>, CustodyStatus> = {
  taken_in: 'in_deposit',
  moved: 'in_deposit',
  resealed: 'in_deposit',
  released: 'released',
  returned_to_deposit: 'in_deposit',
  returned_to_owner: 'returned_to_owner',
  handed_over: 'handed_over',
  reported_missing: 'missing',
  found: 'in_deposit',
}
const states: Array<CustodyStatus | 'none'> = [
  'none',
  'in_deposit',
  'released',
  'returned_to_owner',
  'handed_over',
  'missing',
]

describe('every transition', () => {
  for (const kind of Object.keys(allowed) as Array<keyof typeof allowed>) {
    for (const from of states) {
      const ok = allowed[kind].includes(from)
      it(`${kind} from ${from} is ${ok ? 'accepted' : 'refused'}`, () => {
        const result = applyMovement(from === 'none' ? null : stateIn(from), full[kind])
        if (ok) {
          expect(result.ok).toBe(true)
          if (result.ok) expect(result.state.status).toBe(resultOf[kind])
        } else {
          expect(result).toEqual({
            ok: false,
            key: `deposits.custody.notAllowed.${kind}`,
            params: { state: from },
          })
        }
      })
    }
  }
  it('a correction is never applied on its own (it needs the history)', () => {
    expect(
      applyMovement(stateIn('in_deposit'), { kind: 'correction', correctsMovementId: 1, note: 'x' }).ok,
    ).toBe(false)
  })
})

describe('what each movement records', () => {
  it('refuses a movement without its required details, naming the field', () => {
    expect(
      applyMovement(stateIn('in_deposit'), { kind: 'released', releasedTo: 'X', purpose: 'embassy' }),
    ).toEqual({
      ok: false,
      key: 'deposits.movement.dueBackOn.required',
      field: 'dueBackOn',
    })
    expect(applyMovement(null, { kind: 'taken_in', placeId: 1 })).toMatchObject({ field: 'sealNew' })
    expect(
      applyMovement(stateIn('in_deposit'), { ...full.returned_to_owner, identityChecked: false }),
    ).toMatchObject({ key: 'deposits.movement.identityChecked.required' })
    expect(applyMovement(stateIn('in_deposit'), { ...full.handed_over, letterRef: '' })).toMatchObject({
      field: 'letterRef',
    })
  })
  it('refuses a move to the place the document is already in', () => {
    expect(applyMovement(stateIn('in_deposit'), { kind: 'moved', placeId: 1 })).toMatchObject({
      key: 'deposits.custody.samePlace',
    })
  })
  it('a released document cannot be released again', () => {
    expect(applyMovement(stateIn('released'), full.released)).toMatchObject({
      ok: false,
      key: 'deposits.custody.notAllowed.released',
    })
  })
  it('keeps who has a released document and until when, and clears it on return', () => {
    const out = applyMovement(stateIn('in_deposit'), full.released)
    expect(out).toMatchObject({
      ok: true,
      state: { releasedTo: 'the owner', dueBackOn: '2026-12-01', sealNumber: null },
    })
    const back = applyMovement(out.ok ? out.state : null, full.returned_to_deposit)
    expect(back).toMatchObject({
      ok: true,
      state: { status: 'in_deposit', releasedTo: null, dueBackOn: null, sealNumber: 'S3' },
    })
  })
})

describe('seals', () => {
  it('records old and new seal numbers on resealing', () => {
    const r = applyMovement(stateIn('in_deposit'), full.resealed)
    expect(r).toMatchObject({ ok: true, sealMismatch: false, state: { sealNumber: 'S2' } })
  })
  it('flags at once a seal that differs from the one on record', () => {
    const r = applyMovement(stateIn('in_deposit'), { ...full.released, sealOld: 'S9' })
    expect(r).toMatchObject({ ok: true, sealMismatch: true, state: { sealMismatch: true } })
  })
})

describe('history and corrections', () => {
  const h = (...ms: MovementInput[]): StoredMovement[] => ms.map((m, i) => ({ ...m, id: i + 1 }))

  it('derives state and place from the movements', () => {
    const r = replay(h(full.taken_in, { kind: 'moved', placeId: 7 }, full.released, full.returned_to_deposit))
    expect(r).toMatchObject({ ok: true, state: { status: 'in_deposit', placeId: 1, sealNumber: 'S3' } })
  })
  it('a correction voids the wrong movement and may say where the document really is', () => {
    const history = h(full.taken_in, { kind: 'moved', placeId: 7 })
    const r = nextState(history, {
      kind: 'correction',
      correctsMovementId: 2,
      note: 'wrong shelf',
      placeId: 3,
    })
    expect(r).toMatchObject({ ok: true, state: { status: 'in_deposit', placeId: 3 } })
  })
  it('a correction of a release puts the document back in deposit', () => {
    const history = h(full.taken_in, full.released)
    const r = nextState(history, { kind: 'correction', correctsMovementId: 2, note: 'entered by mistake' })
    expect(r).toMatchObject({ ok: true, state: { status: 'in_deposit', sealNumber: 'S1' } })
  })
  it('refuses a correction that would leave an impossible history', () => {
    const history = h(full.taken_in, full.released, full.returned_to_deposit)
    expect(nextState(history, { kind: 'correction', correctsMovementId: 2, note: 'x' })).toMatchObject({
      ok: false,
      key: 'deposits.custody.correctionBreaksHistory',
    })
  })
  it('refuses to correct the taking-in, a correction, a movement twice or one of another deposit', () => {
    const history = h(
      full.taken_in,
      { kind: 'moved', placeId: 7 },
      { kind: 'correction', correctsMovementId: 2, note: 'x' },
    )
    expect(nextState(history, { kind: 'correction', correctsMovementId: 1, note: 'x' })).toMatchObject({
      key: 'deposits.custody.cannotCorrect.taken_in',
    })
    expect(nextState(history, { kind: 'correction', correctsMovementId: 3, note: 'x' })).toMatchObject({
      key: 'deposits.custody.cannotCorrect.correction',
    })
    expect(nextState(history, { kind: 'correction', correctsMovementId: 2, note: 'x' })).toMatchObject({
      key: 'deposits.custody.alreadyCorrected',
    })
    expect(nextState(history, { kind: 'correction', correctsMovementId: 99, note: 'x' })).toMatchObject({
      key: 'deposits.custody.correctionTarget',
    })
    expect(nextState(history, { kind: 'correction', correctsMovementId: 2 })).toMatchObject({
      key: 'deposits.movement.note.required',
    })
  })
  it('a finished custody accepts nothing more except a correction', () => {
    const history = h(full.taken_in, full.returned_to_owner)
    expect(nextState(history, full.moved)).toMatchObject({ ok: false })
    expect(
      nextState(history, { kind: 'correction', correctsMovementId: 2, note: 'wrong person' }),
    ).toMatchObject({
      ok: true,
      state: { status: 'in_deposit' },
    })
  })
})
