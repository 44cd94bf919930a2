// The inputs both actions take, read once from the runner and checked by the same rules: how to reach the API,
// the gate, and the zod pieces (one of a list, a boolean, a whole number) each action's schema is built from.
import { z } from 'zod/mini'
import { REQUIREMENTS } from '../domain/health.js'
import { closestNames, orList } from '../domain/suggest.js'
import { isLoopback } from '../net/node-http.js'
import { withoutCredentials } from '../net/url-credentials.js'

/** The inputs both actions take, with the same defaults and the same rules: how to reach the API, and the gate. */
export const SHARED_DEFAULTS = {
  'secret-key': '',
  'api-url': 'https://api.qonversion.io/v4',
  'max-attempts': '4',
  'timeout-seconds': '30',
  require: 'exists',
  'wait-seconds': '0'
} as const

/**
 * Reads each input of `defaults` once through `getInput` (core.getInput in the action); an empty value takes its
 * default, as the runner would have given it.
 */
export function readInputs<N extends string>(
  getInput: (name: string) => string,
  defaults: Readonly<Record<N, string>>
): Record<N, string> {
  const raw = {} as Record<N, string>
  for (const name of Object.keys(defaults) as N[]) raw[name] = getInput(name).trim() || defaults[name]
  return raw
}

/** A problem as the schemas below report it: always a message of their own. */
type Issue = { code: 'custom'; message: string }
type Context = { addIssue: (issue: Issue) => void }

/**
 * zod/mini's forms of `text.transform(fn)` and `text.superRefine(fn)` (`text` a string schema, plain by default):
 * mini's transform context has no `addIssue`, so `stringTo` hands `fn` one that records the issue on the value.
 */
export const stringTo = <T>(fn: (value: string, ctx: Context) => T, text = z.string()) =>
  z.pipe(
    text,
    z.transform((value: string, payload) =>
      fn(value, { addIssue: (issue) => payload.issues.push({ ...issue, input: value }) })
    )
  )
export const refinedString = (fn: (value: string, ctx: Context) => void, text = z.string()) =>
  text.check(z.superRefine(fn))

/** One of a fixed list of words, any case: `Input \`name\` is \`x\`; it must be … Did you mean …?` otherwise. */
export const oneOf = <T extends readonly string[]>(name: string, allowed: T) =>
  stringTo((value, ctx) => {
    const match = allowed.find((a): a is T[number] => a === value.toLowerCase())
    if (match) return match
    const [near] = closestNames(value, allowed, 1)
    ctx.addIssue({
      code: 'custom',
      message:
        `Input \`${name}\` is \`${value}\`; it must be ${orList(allowed)}.` +
        (near ? ` Did you mean \`${near}\`?` : '')
    })
    return z.NEVER
  })

const printableAscii = /^[\x21-\x7e]+$/

export const booleanInput = (name: string) =>
  stringTo((value, ctx) => {
    const lower = value.toLowerCase()
    if (lower === 'true' || lower === 'false') return lower === 'true'
    ctx.addIssue({
      code: 'custom',
      message: `Input \`${name}\` is \`${value}\`; it must be \`true\` or \`false\`.`
    })
    return z.NEVER
  })

export const integerIn = (name: string, min: number, max: number, unit = '') =>
  stringTo((value, ctx) => {
    const n = Number(value)
    if (/^\d+$/.test(value) && n >= min && n <= max) return n
    ctx.addIssue({
      code: 'custom',
      message: `Input \`${name}\` is \`${value}\`; it must be a whole number from ${min} to ${max}${unit}.`
    })
    return z.NEVER
  })

const secretKey = refinedString((value, ctx) => {
  if (value === '')
    ctx.addIssue({
      code: 'custom',
      message:
        'Input `secret-key` is empty. Pass the project Secret Key from a repository secret, e.g. ' +
        '`secret-key: ${{ secrets.QONVERSION_SECRET_KEY }}`. Workflows started by pull requests from forks ' +
        'and by Dependabot receive no secrets, so the value is empty there.'
    })
  else if (!printableAscii.test(value))
    ctx.addIssue({
      code: 'custom',
      message:
        'Input `secret-key` contains spaces, line breaks or non-ASCII characters; copy the Secret Key again ' +
        'from Project settings → API keys and store it in the secret without extra characters.'
    })
})

const apiUrl = stringTo((value, ctx) => {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (url && url.protocol === 'http:' && !isLoopback(url.hostname)) {
    ctx.addIssue({
      code: 'custom',
      message:
        `Input \`api-url\` is \`${withoutCredentials(value)}\`: plain http:// would send the Secret Key across the network unencrypted, ` +
        'so it is allowed only for localhost, 127.0.0.0/8 and ::1 (a local emulator). Use https://, such as ' +
        `\`${SHARED_DEFAULTS['api-url']}\`.`
    })
    return z.NEVER
  }
  if (
    url &&
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    !url.search &&
    !url.hash &&
    !url.username
  ) {
    return url.href.replace(/\/+$/, '')
  }
  ctx.addIssue({
    code: 'custom',
    message: `Input \`api-url\` is \`${withoutCredentials(value)}\`; it must be an https:// URL without credentials, query or fragment, such as \`${SHARED_DEFAULTS['api-url']}\`.`
  })
  return z.NEVER
})

/** The validators of SHARED_DEFAULTS' inputs, and the settings they become. */
export const sharedFields = {
  'secret-key': secretKey,
  'api-url': apiUrl,
  'max-attempts': integerIn('max-attempts', 1, 10),
  'timeout-seconds': integerIn('timeout-seconds', 1, 300, ' seconds'),
  require: oneOf('require', REQUIREMENTS),
  'wait-seconds': integerIn('wait-seconds', 0, 3600, ' seconds')
}

type SharedInputs = { [K in keyof typeof sharedFields]: z.output<(typeof sharedFields)[K]> }

export function sharedSettings(i: SharedInputs) {
  return {
    secretKey: i['secret-key'],
    apiUrl: i['api-url'],
    maxAttempts: i['max-attempts'],
    timeoutMs: i['timeout-seconds'] * 1000,
    requirement: i.require,
    waitSeconds: i['wait-seconds']
  }
}

/** A key that is not a v4 Secret Key is sent anyway (the API decides), with a warning that says what 401 will mean. */
export function secretKeyWarnings(secretKey: string): string[] {
  if (/^(test_)?sk_/.test(secretKey)) return []
  return [
    'Input `secret-key` does not start with `sk_` or `test_sk_`. API v4 needs the Secret Key from ' +
      'Project settings; the older public Project Key is refused with 401.'
  ]
}

/** `sandbox` for a `test_sk_` key: the key picks the environment whose data the request reaches. */
export function environmentOf(secretKey: string): 'sandbox' | 'production' {
  return secretKey.startsWith('test_sk_') ? 'sandbox' : 'production'
}
