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

const classes = (keepJ: boolean): Array<[RegExp, string]> => [
  [/schtsch|shtch|chtch|szcz|shch|tsch|dsch|dzh|sch|tch|dj|sz|cz|sh|zh|ch|kh|gh|h/g, 'X'],
  [/ts|tz|dz|c|s|z/g, 'S'],
  [/x/g, 'KS'],
  [/f/g, 'F'],
  [/ck|k|q|g/g, 'K'],
  [/v|w/g, 'V'],
  ...(keepJ ? ([[/j/g, 'J']] as Array<[RegExp, string]>) : []),
  [keepJ ? /[aeiouy]+/g : /[aeiouyj]+/g, 'a'],
]

export function nameSkeleton(input: string): string {
  return skeletonOf(input, false)
}

/**
 * The twin of `name_pair_skeleton()` (migration 205), the form of the pair-key words: the skeleton
 * with a j that is not part of dj/dzh/dsch kept as `j`, since it may be й (Jurij, Yuriy) or ج
 * (Jufayth, Dschufeith, Egyptian Gamila). `skeletonReadings` gives its readings.
 */
export function namePairSkeleton(input: string): string {
  return skeletonOf(input, true)
}

function skeletonOf(input: string, keepJ: boolean): string {
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
      for (const [re, to] of classes(keepJ)) w = w.replace(re, to)
      w = w.replace(/(.)\1+/g, '$1')
      // an Arabic article written together with the name: Alhashimee → Hashimee
      return w.replace(/^al([^a][^ ]{2,})$/, '$1').toLowerCase()
    })
    .join(' ')
}

/**
 * The ways one pair-key word may be read: j as a vowel (й, the skeleton proper), as `x` (ج written
 * j, dj, dsch) and as `k` (Egyptian g); and each without an Arabic article written together with a
 * name that begins with a vowel (Alajmal → ajmal; the skeleton keeps it, Alam is a name too).
 */
export function skeletonReadings(word: string): string[] {
  const readings = word.includes('j')
    ? [
        word.replaceAll('j', 'a').replace(/a+/g, 'a'),
        ...['x', 'k'].map((l) => word.replaceAll('j', l).replace(/(.)\1+/g, '$1')),
      ]
    : [word]
  return [...new Set(readings.flatMap((r) => (/^ala[^ ]{3,}$/.test(r) ? [r, r.slice(2)] : [r])))]
}

/**
 * The dictionary entries of one pair-key word (`name_skeleton_entries()`, migration 205): each
 * reading and each reading with hushing sounds read as hissing ones (Turkish ş typed as s: Şimşek,
 * Simsek) at 0 edits, and for forms of 4+ classes each form with one class left out at 1 edit
 * (SymSpell: two words one edit apart share an entry).
 */
export function skeletonEntries(word: string): Array<{ variant: string; edits: number }> {
  const out = new Map<string, number>()
  const readings = skeletonReadings(word)
  for (const t of new Set([...readings, ...readings.map((r) => r.replaceAll('x', 's'))])) {
    if (t.length < 2) continue
    out.set(t, 0)
    if (t.length >= 4)
      for (let i = 0; i < t.length; i++) {
        const v = t.slice(0, i) + t.slice(i + 1)
        out.set(v, Math.min(out.get(v) ?? 1, 1))
      }
  }
  return [...out].map(([variant, edits]) => ({ variant, edits }))
}

/** The variants of `skeletonEntries`: what a search looks up for one of its words. */
export function skeletonVariants(word: string): string[] {
  return skeletonEntries(word).map((e) => e.variant)
}
