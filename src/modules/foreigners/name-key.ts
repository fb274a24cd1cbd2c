/**
 * The TypeScript twin of the SQL `name_key()` (migration 200): one spelling for the many romanisations
 * of a name, so Szewczenko, Ševčenko and Schewtschenko all read `shevchenko`. Used in tests and to
 * explain matches; the database function is the one that indexes and searches.
 */
export function nameKey(input: string): string {
  let s = input.toLowerCase()
  s = s.replaceAll('š', 'sh').replaceAll('č', 'ch').replaceAll('ž', 'zh').replaceAll('ż', 'zh')
  s = s.replaceAll('ş', 'sh').replaceAll('ç', 'ch').replaceAll('ğ', '').replaceAll('ı', 'i')
  s = unaccent(s)
  s = s.replace(/[^a-z]+/g, ' ')
  s = s.replaceAll('tsch', 'ch').replaceAll('tch', 'ch').replaceAll('sch', 'sh')
  s = s.replaceAll('sz', 'sh').replaceAll('cz', 'ch').replaceAll('kh', 'h')
  s = s.replaceAll('w', 'v').replaceAll('j', 'y').replaceAll('ou', 'u')
  s = s.replaceAll('ph', 'f').replaceAll('q', 'k').replaceAll('x', 'ks')
  s = s.replace(/([a-z])\1+/g, '$1')
  s = s.replace(/\bm[ou]ham[ae]d\b/g, 'muhamad')
  s = s.replace(/\b(al|el) /g, '')
  return s.replace(/ +/g, ' ').trim()
}

const special: Record<string, string> = { ł: 'l', ß: 'ss', æ: 'ae', ø: 'o', đ: 'd', œ: 'oe', þ: 'th' }

function unaccent(s: string): string {
  return s
    .replace(/[łßæøđœþ]/g, (c) => special[c] ?? c)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
}

/** Each word of a key and, for words of 4+ letters, each spelling with one letter left out (SymSpell). */
export function nameKeyDeletions(key: string): string[] {
  const out = new Set<string>()
  for (const t of key.split(' ')) {
    if (t.length < 2) continue
    out.add(t)
    if (t.length >= 4) for (let i = 0; i < t.length; i++) out.add(t.slice(0, i) + t.slice(i + 1))
  }
  return [...out]
}

/** True when two keys share a word or a word one edit apart: what the index search finds. */
export function keysMeet(a: string, b: string): boolean {
  const da = new Set(nameKeyDeletions(a))
  return nameKeyDeletions(b).some((v) => da.has(v))
}
