import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestApp,
  csrfFrom,
  signInAs,
  type SignedIn,
  type TestContext,
} from '../../../../tests/helpers/app.js'

let ctx: TestContext
let staff: SignedIn
let officer: SignedIn
let id: number

const person = {
  surname: 'Hnatiuk',
  givenNames: 'Roman',
  sex: 'M',
  birthDate: '09.03.1984',
  citizenship: 'UKR',
}

/** The form as the edit page shows it: every field's value and the hidden version. */
async function editForm(agent: SignedIn, foreignerId = id) {
  const page = await agent.agent.get(`/foreigners/${foreignerId}/edit`)
  expect(page.status).toBe(200)
  const field = (name: string) => new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(page.text)?.[1] ?? ''
  return {
    _csrf: csrfFrom(page.text),
    version: field('version'),
    surname: field('surname'),
    givenNames: field('givenNames'),
    surnameOriginal: field('surnameOriginal'),
    givenNamesOriginal: field('givenNamesOriginal'),
    sex: /name="sex" type="radio" value="(\w)" checked/.exec(page.text)?.[1] ?? '',
    birthDate: field('birthDate'),
    birthPlace: field('birthPlace'),
    citizenship: /<option value="(\w+)" selected/.exec(page.text)?.[1] ?? '',
    citizenship2: '',
    caseNumber: field('caseNumber'),
    pesel: field('pesel'),
    caseStatus: /name="caseStatus" type="radio" value="(\w+)" checked/.exec(page.text)?.[1] ?? '',
  }
}

const count = async (action: string, foreignerId = id) =>
  Number(
    (await ctx
      .db('audit_log')
      .where({ action, entity_id: String(foreignerId) })
      .count<{ c: string }>({ c: '*' })
      .first())!.c,
  )

beforeAll(async () => {
  ctx = await createTestApp()
  staff = await signInAs(ctx, ['hall_staff'])
  officer = await signInAs(ctx, ['document_officer'])
  const res = await staff.agent
    .post('/foreigners/new')
    .type('form')
    .send({ _csrf: staff.csrf, ...person })
  id = Number(res.headers.location!.split('/').pop())
})
afterAll(() => ctx.close())

describe('correcting a foreigner’s details', () => {
  it('links "Popraw dane" from the foreigner’s page and shows the form filled with the record', async () => {
    const show = await staff.agent.get(`/foreigners/${id}`)
    expect(show.text).toContain(`href="/foreigners/${id}/edit"`)
    expect(show.text).toContain('Popraw dane')
    const form = await editForm(staff)
    expect(form).toMatchObject({
      surname: 'Hnatiuk',
      birthDate: '09.03.1984',
      sex: 'M',
      citizenship: 'UKR',
      caseStatus: 'open',
      version: '1',
    })
    expect(await count('foreigners.viewed')).toBeGreaterThanOrEqual(2)
  })

  it('refuses invalid values with 422, messages next to the fields, and keeps what was typed', async () => {
    const form = await editForm(staff)
    const res = await staff.agent
      .post(`/foreigners/${id}/edit`)
      .type('form')
      .send({ ...form, surname: '', birthDate: '31.02.1984', pesel: '44051401358', birthPlace: 'Tarnopol' })
    expect(res.status).toBe(422)
    expect(res.text).toContain('href="#surname"')
    expect(res.text).toContain('id="surname-error"')
    expect(res.text).toContain('Wpisz datę urodzenia jako dd.mm.rrrr, mm.rrrr albo rrrr')
    expect(res.text).toContain('PESEL ma błędną cyfrę kontrolną')
    expect(res.text).toContain('value="Tarnopol"')
    expect(res.text).toContain('value="31.02.1984"')
    expect((await ctx.db('foreigners').where({ id }).first('birth_place')).birth_place).toBeNull()
  })

  it('saves corrections, writes one audit row with the changed fields, and shows them in the history', async () => {
    const form = await editForm(staff)
    const res = await staff.agent
      .post(`/foreigners/${id}/edit`)
      .type('form')
      .send({ ...form, birthPlace: 'Tarnopol', pesel: '84030912346', caseNumber: 'DPU-1/26' })
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe(`/foreigners/${id}`)
    const row = await ctx.db('foreigners').where({ id }).first()
    expect(row).toMatchObject({
      birth_place: 'Tarnopol',
      pesel: '84030912346',
      case_number: 'DPU-1/26',
      version: 2,
    })
    const audit = await ctx.db('audit_log').where({ action: 'foreigners.updated', entity_id: String(id) })
    expect(audit).toHaveLength(1)
    expect(audit[0].actor_id).toBe(staff.userId)
    const details = typeof audit[0].details === 'string' ? JSON.parse(audit[0].details) : audit[0].details
    expect(details.before).toEqual({ birthPlace: null, caseNumber: null, pesel: null })
    expect(details.after).toEqual({ birthPlace: 'Tarnopol', caseNumber: 'DPU-1/26', pesel: '84030912346' })

    const show = await staff.agent.get(`/foreigners/${id}`)
    expect(show.text).toContain('Poprawki zostały zapisane.')
    expect(show.text).toContain('Historia zmian')
    expect(show.text).toMatch(/Poprawka: Miejsce urodzenia, Numer sprawy \(teczki\) w Urzędzie, PESEL/)
    expect(show.text).toContain('Utworzenie rekordu')
  })

  it('when someone else saved in between, says so, shows the saved values and overwrites nothing', async () => {
    const mine = await editForm(staff)
    const theirs = await editForm(officer)
    const first = await officer.agent
      .post(`/foreigners/${id}/edit`)
      .type('form')
      .send({ ...theirs, birthPlace: 'Lwów' })
    expect(first.status).toBe(303)
    const before = await count('foreigners.updated')

    const second = await staff.agent
      .post(`/foreigners/${id}/edit`)
      .type('form')
      .send({ ...mine, birthPlace: 'Kijów', caseNumber: 'DPU-2/26' })
    expect(second.status).toBe(409)
    expect(second.text).toContain('Ktoś inny zmienił te dane w międzyczasie')
    expect(second.text).toContain('value="Lwów"')
    expect(second.text).not.toContain('value="Kijów"')
    // What the user typed is listed, so it is not lost.
    expect(second.text).toMatch(/Kijów/)
    expect(second.text).toMatch(/DPU-2\/26/)
    expect(second.text).toContain('name="version" value="3"')
    expect((await ctx.db('foreigners').where({ id }).first('birth_place')).birth_place).toBe('Lwów')
    expect(await count('foreigners.updated')).toBe(before)
  })

  it('a form without its version is treated as stale', async () => {
    const { version: _v, ...form } = await editForm(staff)
    const res = await staff.agent
      .post(`/foreigners/${id}/edit`)
      .type('form')
      .send({ ...form, birthPlace: 'Równe' })
    expect(res.status).toBe(409)
    expect((await ctx.db('foreigners').where({ id }).first('birth_place')).birth_place).toBe('Lwów')
  })

  it('a new name that makes the record look like another person asks for confirmation first', async () => {
    const other = await staff.agent.post('/foreigners/new').type('form').send({
      _csrf: staff.csrf,
      surname: 'Hnatyuk',
      givenNames: 'Ruslan',
      sex: 'M',
      birthDate: '1990',
      citizenship: 'UKR',
    })
    const otherId = Number(other.headers.location!.split('/').pop())
    const form = await editForm(staff)
    const changed = { ...form, givenNames: 'Ruslan', birthDate: '1990' }
    const check = await staff.agent.post(`/foreigners/${id}/edit`).type('form').send(changed)
    expect(check.status).toBe(200)
    expect(check.text).toContain('Ta osoba może już być w BOK')
    expect(check.text).toContain(`href="/foreigners/${otherId}"`)
    expect(check.text).not.toContain(`<td><a href="/foreigners/${id}">`)
    expect(check.text).toContain('value="Ruslan"')
    expect((await ctx.db('foreigners').where({ id }).first('given_names')).given_names).toBe('Roman')
    expect(await count('foreigners.duplicatesShown')).toBe(1)

    const confirmed = await staff.agent
      .post(`/foreigners/${id}/edit`)
      .type('form')
      .send({ ...changed, confirmedNotDuplicate: 'yes' })
    expect(confirmed.status).toBe(303)
    expect((await ctx.db('foreigners').where({ id }).first('given_names')).given_names).toBe('Ruslan')
  })

  it('404 for a record that does not exist; closed to roles without foreigner access', async () => {
    expect((await staff.agent.get('/foreigners/999999/edit')).status).toBe(404)
    for (const role of ['registry_clerk', 'archivist', 'auditor', 'admin'] as const) {
      const other = await signInAs(ctx, [role])
      expect((await other.agent.get(`/foreigners/${id}/edit`)).status).toBe(403)
      const post = await other.agent
        .post(`/foreigners/${id}/edit`)
        .type('form')
        .send({ _csrf: other.csrf, surname: 'X', version: '1', caseStatus: 'open' })
      expect(post.status).toBe(403)
    }
    expect((await ctx.db('foreigners').where({ id }).first('surname')).surname).toBe('Hnatiuk')
  })
})
