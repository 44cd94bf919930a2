// URLs as they may be printed: a user name or password in one (`https://user:secret@host`) is shown as `***`.

/** Userinfo of any `scheme://user:password@` in free text: what the log and summary scrub from every line. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*(?::[^\s@]*)?@/gi

/** Free text with the userinfo of every URL in it replaced by `***`. */
export function scrubUrlCredentials(text: string): string {
  return text.replace(USERINFO, '$1***@')
}

/**
 * One URL-like value (an input, a proxy variable) as it may be printed. A value that is not a URL at all can still
 * hold a password (`user:secret@host`, or an unencoded `/` inside the password): everything before its last `@`
 * goes, since no part of it can be told apart from the secret.
 */
export function withoutCredentials(value: string): string {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  const web = url && (url.protocol === 'https:' || url.protocol === 'http:')
  if (web && !url!.username && !url!.password) return value
  const at = value.lastIndexOf('@')
  if (at < 0) return value
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value)?.[0] ?? ''
  return `${scheme}***${value.slice(at)}`
}
