import { describe, expect, it } from 'vitest'
import { checkDigit, mrzDate, normaliseMrz, parseMrz } from '../mrz.js'

// Independent of the parser: Doc 9303 Part 3 §4.9 written the other way round (base-36 digits).
function icaoDigit(s: string): string {
  const weights = [7, 3, 1]
  let sum = 0
  ;[...s].forEach((c, i) => {
    sum += (c === '<' ? 0 : parseInt(c, 36)) * weights[i % 3]!
  })
  return String(sum % 10)
}
const pad = (s: string, n: number) => (s + '<'.repeat(n)).slice(0, n)
const nameField = (surname: string, given: string, n: number) =>
  pad(surname.replace(/ /g, '<') + '<<' + given.replace(/ /g, '<'), n)

interface Person {
  code?: string
  state: string
  surname: string
  given: string
  number: string
  nationality: string
  birth: string
  sex: string
  expiry: string
  optional?: string
}

function td3(p: Person): string[] {
  const number = pad(p.number, 9)
  const personal = pad(p.optional ?? '', 14)
  const personalCheck = /^<+$/.test(personal) ? '<' : icaoDigit(personal)
  const body =
    number +
    icaoDigit(number) +
    pad(p.nationality, 3) +
    p.birth +
    icaoDigit(p.birth) +
    p.sex +
    p.expiry +
    icaoDigit(p.expiry) +
    personal +
    personalCheck
  const composite = icaoDigit(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 43))
  return [pad(p.code ?? 'P', 2) + pad(p.state, 3) + nameField(p.surname, p.given, 39), body + composite]
}

function td2(p: Person): string[] {
  const number = pad(p.number, 9)
  const body =
    number +
    icaoDigit(number) +
    pad(p.nationality, 3) +
    p.birth +
    icaoDigit(p.birth) +
    p.sex +
    p.expiry +
    icaoDigit(p.expiry) +
    pad(p.optional ?? '', 7)
  const composite = icaoDigit(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 35))
  return [pad(p.code ?? 'I', 2) + pad(p.state, 3) + nameField(p.surname, p.given, 31), body + composite]
}

function td1(p: Person): string[] {
  let l1: string
  if (p.number.length > 9) {
    const ext = p.number.slice(9) + icaoDigit(p.number)
    l1 =
      pad(p.code ?? 'I', 2) +
      pad(p.state, 3) +
      p.number.slice(0, 9) +
      '<' +
      pad(ext + '<' + (p.optional ?? ''), 15)
  } else {
    const number = pad(p.number, 9)
    l1 = pad(p.code ?? 'I', 2) + pad(p.state, 3) + number + icaoDigit(number) + pad(p.optional ?? '', 15)
  }
  const l2body =
    p.birth +
    icaoDigit(p.birth) +
    p.sex +
    p.expiry +
    icaoDigit(p.expiry) +
    pad(p.nationality, 3) +
    pad('', 11)
  const composite = icaoDigit(
    l1.slice(5, 30) + l2body.slice(0, 7) + l2body.slice(8, 15) + l2body.slice(18, 29),
  )
  return [l1, l2body + composite, nameField(p.surname, p.given, 30)]
}

const shevchenko: Person = {
  state: 'UKR',
  surname: 'SHEVCHENKO',
  given: 'TARAS HRYHOROVYCH',
  number: 'FE123456',
  nationality: 'UKR',
  birth: '840309',
  sex: 'M',
  expiry: '310415',
}

describe('check digit (Doc 9303 Part 3 §4.9)', () => {
  it('gives the worked examples of DOMAIN.md', () => {
    expect(checkDigit('L898902C3')).toBe(6)
    expect(checkDigit('740812')).toBe(2)
    expect(checkDigit('120415')).toBe(9)
    expect(checkDigit('<<<<<<<<<')).toBe(0)
  })
  it('agrees with an independent implementation on many strings', () => {
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<'
    for (let n = 0; n < 300; n++) {
      const s = Array.from(
        { length: 1 + (n % 20) },
        (_, i) => alphabet[(n * 7 + i * 13) % alphabet.length],
      ).join('')
      expect(String(checkDigit(s))).toBe(icaoDigit(s))
    }
  })
})

describe('Doc 9303 specimens', () => {
  it('reads the TD3 specimen passport (composite 0)', () => {
    const r = parseMrz(
      'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10',
    )
    expect(r.problems).toEqual([])
    expect(r.fields).toMatchObject({
      format: 'TD3',
      documentCode: 'P',
      issuingState: 'UTO',
      surname: 'ERIKSSON',
      givenNames: 'ANNA MARIA',
      documentNumber: 'L898902C3',
      nationality: 'UTO',
      birthDate: '12.08.1974',
      sex: 'F',
      expiryDate: '15.04.2012',
      optionalData: 'ZE184226B',
    })
  })
  it('reads the TD2 specimen (composite 6)', () => {
    const r = parseMrz('I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6')
    expect(r.ok).toBe(true)
    expect(r.fields).toMatchObject({ format: 'TD2', documentNumber: 'D23145890', givenNames: 'ANNA MARIA' })
  })
  it('reads the TD1 specimen (document check 7, composite 6)', () => {
    const r = parseMrz(
      'I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<',
    )
    expect(r.ok).toBe(true)
    expect(r.fields).toMatchObject({
      format: 'TD1',
      documentNumber: 'D23145890',
      surname: 'ERIKSSON',
      sex: 'F',
    })
  })
})

describe('MRZs built from the rules', () => {
  it('reads a TD3 passport with two given names', () => {
    const r = parseMrz(td3(shevchenko).join('\n'))
    expect(r.ok).toBe(true)
    expect(r.fields).toMatchObject({
      surname: 'SHEVCHENKO',
      givenNames: 'TARAS HRYHOROVYCH',
      documentNumber: 'FE123456',
      birthDate: '09.03.1984',
      expiryDate: '15.04.2031',
    })
  })
  it('reads a TD3 with a personal number and its check digit', () => {
    const r = parseMrz(td3({ ...shevchenko, optional: '1234567890' }).join('\n'))
    expect(r.ok).toBe(true)
    expect(r.fields?.optionalData).toBe('1234567890')
  })
  it('accepts 0 instead of < as the check digit of an empty personal number', () => {
    const [l1, l2] = td3(shevchenko)
    const zero = l2!.slice(0, 42) + '0' + l2!.slice(43)
    // The composite covers position 43, and `<` and `0` both count 0, so it stays valid.
    expect(parseMrz(`${l1}\n${zero}`).ok).toBe(true)
  })
  it('reads surnames of several words and hyphens written with fillers', () => {
    const r = parseMrz(td3({ ...shevchenko, surname: 'AL HASSAN ABU', given: 'MOHAMMED' }).join('\n'))
    expect(r.fields).toMatchObject({ surname: 'AL HASSAN ABU', givenNames: 'MOHAMMED' })
  })
  it('reads a surname only (no given names)', () => {
    const r = parseMrz(td3({ ...shevchenko, surname: 'SUKARNO', given: '' }).join('\n'))
    expect(r.ok).toBe(true)
    expect(r.fields).toMatchObject({ surname: 'SUKARNO', givenNames: '' })
  })
  it('reads a German passport with the one-letter code D<<', () => {
    const r = parseMrz(td3({ ...shevchenko, state: 'D', nationality: 'D', number: 'C01X00T47' }).join('\n'))
    expect(r.ok).toBe(true)
    expect(r.fields).toMatchObject({ issuingState: 'D', nationality: 'D' })
  })
  it('reads a date of birth with unknown day and month', () => {
    const r = parseMrz(td3({ ...shevchenko, birth: '84<<<<' }).join('\n'))
    expect(r.ok).toBe(true)
    expect(r.fields?.birthDate).toBe('1984')
    expect(parseMrz(td3({ ...shevchenko, birth: '8403<<' }).join('\n')).fields?.birthDate).toBe('03.1984')
  })
  it('reads a TD2 document', () => {
    const r = parseMrz(td2({ ...shevchenko, code: 'I', optional: 'AB12' }).join('\n'))
    expect(r.ok).toBe(true)
    expect(r.fields).toMatchObject({ format: 'TD2', optionalData: 'AB12' })
  })
  it('reads a TD1 card', () => {
    const r = parseMrz(td1({ ...shevchenko, code: 'ID', optional: 'X1' }).join('\n'))
    expect(r.ok).toBe(true)
    expect(r.fields).toMatchObject({
      format: 'TD1',
      documentCode: 'ID',
      documentNumber: 'FE123456',
      optionalData: 'X1',
    })
  })
  it('reads a TD1 card whose number is longer than 9 characters', () => {
    const r = parseMrz(td1({ ...shevchenko, number: 'D23145890123' }).join('\n'))
    expect(r.problems).toEqual([])
    expect(r.fields?.documentNumber).toBe('D23145890123')
  })
})

describe('what readers send', () => {
  it('accepts lower case, stray spaces, CRLF and blank lines', () => {
    const [l1, l2] = td3(shevchenko)
    const messy = `\r\n  ${l1!.toLowerCase().slice(0, 20)} ${l1!.toLowerCase().slice(20)}\r\n\r\n${l2!.slice(0, 10)}  ${l2!.slice(10)} \r\n`
    const r = parseMrz(messy)
    expect(r.ok).toBe(true)
    expect(r.fields?.surname).toBe('SHEVCHENKO')
  })
  it('splits one unbroken line of 88 characters into the two TD3 lines', () => {
    expect(normaliseMrz(td3(shevchenko).join(''))).toHaveLength(2)
    expect(parseMrz(td3(shevchenko).join('')).ok).toBe(true)
  })
})

describe('precise errors', () => {
  const flip = (line: string, pos: number) => {
    const c = line[pos]!
    const d = c === '0' ? '1' : '0'
    return line.slice(0, pos) + d + line.slice(pos + 1)
  }
  it('names the document number check digit and the expected digit', () => {
    const [l1, l2] = td3(shevchenko)
    const r = parseMrz(`${l1}\n${flip(l2!, 9)}`)
    expect(r.ok).toBe(false)
    expect(r.problems[0]).toEqual({
      key: 'deposits.mrz.check.documentNumber',
      field: 'documentNumber',
      params: { found: flip(l2!, 9)[9], expected: Number(l2![9]) },
    })
  })
  it('names the date of birth, expiry date, personal number and composite check digits', () => {
    const [l1, l2] = td3({ ...shevchenko, optional: '12345' })
    const fields = (pos: number) => parseMrz(`${l1}\n${flip(l2!, pos)}`).problems.map((p) => p.field)
    expect(fields(19)).toEqual(['birthDate', 'composite'])
    expect(fields(27)).toEqual(['expiryDate', 'composite'])
    expect(fields(42)).toEqual(['personalNumber', 'composite'])
    expect(fields(43)).toEqual(['composite'])
  })
  it('finds a misread data character through its check digit', () => {
    const [l1, l2] = td3(shevchenko)
    const misread = l2!.slice(0, 2) + '8' + l2!.slice(3) // FE1… read as FE8…
    const r = parseMrz(`${l1}\n${misread}`)
    expect(r.problems.map((p) => p.field)).toContain('documentNumber')
  })
  it('checks the TD1 and TD2 composites', () => {
    const [a, b, c] = td1(shevchenko)
    expect(parseMrz(`${a}\n${flip(b!, 29)}\n${c}`).problems.map((p) => p.field)).toEqual(['composite'])
    const [d, e] = td2(shevchenko)
    expect(parseMrz(`${d}\n${flip(e!, 35)}`).problems.map((p) => p.field)).toEqual(['composite'])
  })
  it('says when the lines have the wrong number or length', () => {
    const r = parseMrz('P<UTOERIKSSON<<ANNA\nL898902C36')
    expect(r.problems[0]).toMatchObject({
      key: 'deposits.mrz.shape',
      params: { lines: 2, lengths: '19, 10' },
    })
    expect(parseMrz('  ').problems[0]!.key).toBe('deposits.mrz.empty')
  })
  it('points at a character that cannot be in an MRZ', () => {
    const [l1, l2] = td3(shevchenko)
    const r = parseMrz(`${l1}\n${l2!.slice(0, 5)}*${l2!.slice(6)}`)
    expect(r.problems[0]).toMatchObject({ key: 'deposits.mrz.character', params: { line: 2, position: 6 } })
  })
})

describe('MRZ dates', () => {
  const today = new Date('2026-11-24T00:00:00Z')
  it('puts births in the past and expiry dates ahead', () => {
    expect(mrzDate('260101', 'birth', today)).toBe('01.01.2026')
    expect(mrzDate('270101', 'birth', today)).toBe('01.01.1927')
    expect(mrzDate('350101', 'expiry', today)).toBe('01.01.2035')
    expect(mrzDate('991231', 'expiry', today)).toBe('31.12.1999')
    expect(mrzDate('840231', 'birth', today)).toBe('')
  })
})
