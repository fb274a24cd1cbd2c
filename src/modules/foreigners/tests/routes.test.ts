import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, signInAs, type SignedIn, type TestContext } from '../../../../tests/helpers/app.js'

let ctx: TestContext
let staff: SignedIn

beforeAll(async () => {
  ctx = await createTestApp()
  staff = await signInAs(ctx, ['hall_staff'])
})
afterAll(() => ctx.close())

const person = {
  surname: 'Shevchenko',
  givenNames: 'Oleksandr',
  sex: 'M',
  birthDate: '09.03.1984',
  citizenship: 'UKR',
  pesel: '',
}

describe('recording a foreigner', () => {
  it('refuses the form with 422, the message next to the field and the values kept', async () => {
    const res = await staff.agent
      .post('/foreigners/new')
      .type('form')
      .send({ _csrf: staff.csrf, ...person, surname: '', birthDate: '31.02.1984', pesel: '44051401358' })
    expect(res.status).toBe(422)
    expect(res.text).toContain('href="#surname"')
    expect(res.text).toContain('Wpisz nazwisko')
    expect(res.text).toContain('Wpisz datę urodzenia jako dd.mm.rrrr, mm.rrrr albo rrrr')
    expect(res.text).toContain('PESEL ma błędną cyfrę kontrolną')
    expect(res.text).toContain('value="Oleksandr"')
  })

  it('saves a new person, then shows the first as a likely duplicate before saving a second spelling', async () => {
    const first = await staff.agent
      .post('/foreigners/new')
      .type('form')
      .send({ _csrf: staff.csrf, ...person })
    expect(first.status).toBe(303)
    const id = Number(first.headers.location!.split('/').pop())
    const created = await ctx
      .db('audit_log')
      .where({ action: 'foreigners.created', entity_id: String(id) })
      .first('actor_id')
    expect(created?.actor_id).toBe(staff.userId)

    const second = { _csrf: staff.csrf, ...person, surname: 'Szewczenko', givenNames: 'Aleksandr' }
    const check = await staff.agent.post('/foreigners/new').type('form').send(second)
    expect(check.status).toBe(200)
    expect(check.text).toContain('Ta osoba może już być w BOK')
    expect(check.text).toContain(`href="/foreigners/${id}"`)
    expect(check.text).toContain('ta sama data urodzenia')
    expect(check.text).toContain('value="Szewczenko"')
    expect(await ctx.db('foreigners').count<{ c: string }>({ c: '*' }).first()).toEqual({
      c: expect.anything(),
    })
    expect(Number((await ctx.db('foreigners').count<{ c: string }>({ c: '*' }).first())!.c)).toBe(1)

    const confirmed = await staff.agent
      .post('/foreigners/new')
      .type('form')
      .send({ ...second, confirmedNotDuplicate: 'yes' })
    expect(confirmed.status).toBe(303)
    expect(Number((await ctx.db('foreigners').count<{ c: string }>({ c: '*' }).first())!.c)).toBe(2)
    const audit = await ctx.db('audit_log').where({ action: 'foreigners.duplicatesShown' }).first('details')
    expect(JSON.stringify(audit.details)).toContain(String(id))
  })

  it('searches by name under an opaque id and audits each view', async () => {
    const search = await staff.agent
      .post('/foreigners/search')
      .type('form')
      .send({ _csrf: staff.csrf, name: 'Ševčenko' })
    expect(search.status).toBe(303)
    expect(search.headers.location).not.toMatch(/evc|Shev/i)
    const page = await staff.agent.get(search.headers.location!)
    expect(page.text).toContain('Shevchenko')
    expect(page.text).toContain('Szewczenko')
    const id = Number((await ctx.db('foreigners').where({ surname: 'Shevchenko' }).first('id')).id)
    const show = await staff.agent.get(`/foreigners/${id}`)
    expect(show.text).toContain('09.03.1984')
    expect(
      await ctx
        .db('audit_log')
        .where({ action: 'foreigners.viewed', entity_id: String(id) })
        .first('id'),
    ).toBeTruthy()
  })

  it('shows namesakes written alike on one line, and each of them when a year of birth is given', async () => {
    for (const year of [1961, 1962, 1963])
      await staff.agent
        .post('/foreigners/new')
        .type('form')
        .send({
          _csrf: staff.csrf,
          ...person,
          surname: 'Bondar',
          givenNames: 'Ivan',
          birthDate: String(year),
          confirmedNotDuplicate: 'yes',
        })
    const search = async (fields: Record<string, string>) => {
      const res = await staff.agent
        .post('/foreigners/search')
        .type('form')
        .send({ _csrf: staff.csrf, ...fields })
      return res.status === 303 ? staff.agent.get(res.headers.location!) : res
    }
    const all = await search({ name: 'Bondar Ivan' })
    expect(all.text.match(/>Bondar</g)).toHaveLength(1)
    expect(all.text).toContain('i 2 innych o tym samym zapisie')
    const narrowed = await search({ name: 'Bondar Ivan', birthYear: '1962' })
    expect(narrowed.text).toContain('1962')
    expect(narrowed.text).not.toContain('innych o tym samym zapisie')
    const refused = await search({ name: 'Bondar Ivan', birthYear: '62' })
    expect(refused.status).toBe(422)
    expect(refused.text).toContain('Wpisz rok urodzenia czterema cyframi')
    expect(refused.text).toContain('value="Bondar Ivan"')
  })

  it('marks the protection case as ended', async () => {
    const id = Number((await ctx.db('foreigners').where({ surname: 'Shevchenko' }).first('id')).id)
    const res = await staff.agent
      .post(`/foreigners/${id}/case-status`)
      .type('form')
      .send({ _csrf: staff.csrf, caseStatus: 'ended' })
    expect(res.status).toBe(303)
    expect((await ctx.db('foreigners').where({ id }).first('case_status')).case_status).toBe('ended')
  })

  it('is closed to roles without foreigner access', async () => {
    for (const role of ['registry_clerk', 'archivist', 'auditor', 'admin'] as const) {
      const other = await signInAs(ctx, [role])
      expect((await other.agent.get('/foreigners')).status).toBe(403)
      expect((await other.agent.get('/foreigners/new')).status).toBe(403)
    }
  })
})
