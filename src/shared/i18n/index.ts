import i18next, { type TFunction, type i18n } from 'i18next'

export type Catalog = { [key: string]: string | Catalog }
export type Language = 'pl' | 'en'
export const languages: Language[] = ['pl', 'en']

/**
 * One i18next instance over the merged catalogs: the shared one plus each module's, every module under
 * its own top-level key. Polish first; English falls back to Polish for nothing (tests require both).
 */
export async function createI18n(catalogs: Array<{ pl: Catalog; en: Catalog }>): Promise<i18n> {
  const merged: Record<Language, Catalog> = { pl: {}, en: {} }
  for (const c of catalogs) for (const lang of languages) Object.assign(merged[lang], c[lang])
  const instance = i18next.createInstance()
  await instance.init({
    lng: 'pl',
    fallbackLng: 'pl',
    supportedLngs: languages,
    resources: { pl: { translation: merged.pl }, en: { translation: merged.en } },
    interpolation: { escapeValue: false }, // EJS escapes at output
    returnNull: false,
    showSupportNotice: false,
  } as Parameters<typeof instance.init>[0])
  return instance
}

const fixed = new WeakMap<i18n, Map<Language, TFunction>>()

/**
 * The translate function of a language, made once per instance and language. The catalogs are loaded
 * once at start, so a key asked without options always gives the same text: those are remembered (a
 * list page asks for the same column labels and states hundreds of times).
 */
export function fixedT(instance: i18n, lang: Language): TFunction {
  let byLang = fixed.get(instance)
  if (!byLang) fixed.set(instance, (byLang = new Map()))
  let t = byLang.get(lang)
  if (!t) {
    const translate = instance.getFixedT(lang)
    const plain = new Map<string, string>()
    t = ((key: unknown, ...rest: unknown[]) => {
      if (typeof key !== 'string' || rest.length)
        return (translate as unknown as (...a: unknown[]) => string)(key, ...rest)
      let text = plain.get(key)
      if (text === undefined) plain.set(key, (text = translate(key)))
      return text
    }) as unknown as TFunction
    byLang.set(lang, t)
  }
  return t
}

/** Flattens a catalog to dotted keys (for the catalog completeness test). */
export function flattenKeys(c: Catalog, prefix = ''): string[] {
  return Object.entries(c).flatMap(([k, v]) =>
    typeof v === 'string' ? [prefix + k] : flattenKeys(v, `${prefix}${k}.`),
  )
}
