/** Only a path on this site: `/x`, never `//host`, `/\host` or an absolute URL. */
export function safeLocalPath(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string') return fallback
  if (!/^\/(?![/\\])[\w\-./?=&%#:~]*$/.test(next)) return fallback
  return next
}
