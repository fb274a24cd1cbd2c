const formats = new Map<string, Intl.DateTimeFormat>()

/**
 * An Intl date formatter, built once per locale and options: building one costs tens of µs, and a list
 * page formats hundreds of dates.
 */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale} ${JSON.stringify(options)}`
  let format = formats.get(key)
  if (!format) formats.set(key, (format = new Intl.DateTimeFormat(locale, options)))
  return format
}
