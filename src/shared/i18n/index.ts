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

export function fixedT(instance: i18n, lang: Language): TFunction {
  return instance.getFixedT(lang)
}

/** Flattens a catalog to dotted keys (for the catalog completeness test). */
export function flattenKeys(c: Catalog, prefix = ''): string[] {
  return Object.entries(c).flatMap(([k, v]) =>
    typeof v === 'string' ? [prefix + k] : flattenKeys(v, `${prefix}${k}.`),
  )
}
