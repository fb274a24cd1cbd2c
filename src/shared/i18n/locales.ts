import pl from './locales/pl.json' with { type: 'json' }
import en from './locales/en.json' with { type: 'json' }

export const sharedLocales = { pl, en }
