/**
 * An Intl date formatter per time zone, each built once: building one costs tens of µs, and a list
 * page formats hundreds of dates. `formatterPerZone(build)` returns the look-up for one set of options.
 */
export function formatterPerZone(
  build: (timeZone: string) => Intl.DateTimeFormat,
): (timeZone: string) => Intl.DateTimeFormat {
  const formats = new Map<string, Intl.DateTimeFormat>()
  return (timeZone) => {
    let format = formats.get(timeZone)
    if (!format) formats.set(timeZone, (format = build(timeZone)))
    return format
  }
}
