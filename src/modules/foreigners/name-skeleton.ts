/**
 * The TypeScript twin of the SQL `name_skeleton()` (migration 202): a coarse sound-alike form of a
 * name for finding candidates across romanisations. Where `name_key` keeps letters, the skeleton
 * keeps classes: every hushing or guttural sound (ш ж ч щ х, ج خ ح غ; written sh, ch, sz, cz, zh,
 * tsch, dj, kh, h…) is `x`, every hissing one (s z c ts dz) is `s`, k/q/g/ck are `k`, v/w are `v`,
 * and each run of vowels (with y and j) is one `a`. So Dschufeith, Djoufaith and Jufayth meet, and
 * Ševčenko, Chevtchenko and Schewtschenko are all `xavxanka`. The database function is the one that
 * indexes and searches; this twin explains it and is tested to agree with it.
 */
const special: Record<string, string> = { ł: 'l', ß: 'ss', æ: 'ae', ø: 'o', đ: 'd', œ: 'oe', þ: 'th' }

const classes: Array<[RegExp, string]> = [
  [/schtsch|shtch|chtch|szcz|shch|tsch|dsch|dzh|sch|tch|dj|sz|cz|sh|zh|ch|kh|gh|h/g, 'X'],
  [/ts|tz|dz|c|s|z/g, 'S'],
  [/x/g, 'KS'],
  [/f/g, 'F'],
  [/ck|k|q|g/g, 'K'],
  [/v|w/g, 'V'],
  [/[aeiouyj]+/g, 'a'],
]

export function nameSkeleton(input: string): string {
  let s = input.toLowerCase()
  s = s.replaceAll('š', 'sh').replaceAll('č', 'ch').replaceAll('ž', 'zh').replaceAll('ż', 'zh')
  s = s.replaceAll('ş', 'sh').replaceAll('ç', 'ch').replaceAll('ğ', 'g').replaceAll('ı', 'i')
  s = s
    .replace(/[łßæøđœþ]/g, (c) => special[c] ?? c)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
  const words = s
    .replace(/[^a-z]+/g, ' ')
    .split(' ')
    .filter((w) => w !== '' && w !== 'al' && w !== 'el')
  return words
    .map((w) => {
      for (const [re, to] of classes) w = w.replace(re, to)
      w = w.replace(/(.)\1+/g, '$1')
      // an Arabic article written together with the name: Alhashimee → Hashimee
      return w.replace(/^al([^a][^ ]{2,})$/, '$1').toLowerCase()
    })
    .join(' ')
}

/**
 * The dictionary entries of one skeleton word: the word, the word with hushing sounds read as hissing
 * ones (Turkish ş typed as s: Şimşek, Simsek), and for forms of 4+ classes each form with one class
 * left out (SymSpell: two words one edit apart share an entry).
 */
export function skeletonVariants(word: string): string[] {
  const out = new Set<string>()
  for (const t of new Set([word, word.replaceAll('x', 's')])) {
    if (t.length < 2) continue
    out.add(t)
    if (t.length >= 4) for (let i = 0; i < t.length; i++) out.add(t.slice(0, i) + t.slice(i + 1))
  }
  return [...out]
}
