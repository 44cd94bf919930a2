// The manifest action's inputs, read once into one validated config: how to reach the API (the same fields and
// rules as the single step) and what to do with the file.
import { z } from 'zod'
import { InputError } from '../errors.js'
import { apiUrl, booleanInput, integerIn, requirement, secretKey, secretKeyWarnings } from '../inputs.js'
import { orList } from '../suggest.js'

export const MANIFEST_INPUT_DEFAULTS = {
  file: '.github/qonversion-integrations.yml',
  mode: 'plan',
  'secret-key': '',
  'api-url': 'https://api.qonversion.io/v4',
  'max-attempts': '4',
  'timeout-seconds': '30',
  require: 'exists',
  'wait-seconds': '0',
  prune: 'false',
  concurrency: '4',
  'comment-on-pr': 'false',
  'github-token': ''
} as const

export type ManifestInputName = keyof typeof MANIFEST_INPUT_DEFAULTS
export const MODES = ['plan', 'apply', 'check'] as const
export const PRUNE = ['false', 'pause'] as const

const oneOf = <T extends readonly string[]>(name: string, allowed: T) =>
  z.string().transform((value, ctx) => {
    const match = allowed.find((a): a is T[number] => a === value.toLowerCase())
    if (match) return match
    ctx.addIssue({
      code: 'custom',
      message: `Input \`${name}\` is \`${value}\`; it must be ${orList(allowed)}.`
    })
    return z.NEVER
  })

const manifestSchema = z
  .object({
    file: z.string(),
    mode: oneOf('mode', MODES),
    'secret-key': secretKey,
    'api-url': apiUrl,
    'max-attempts': integerIn('max-attempts', 1, 10),
    'timeout-seconds': integerIn('timeout-seconds', 1, 300, ' seconds'),
    require: requirement,
    'wait-seconds': integerIn('wait-seconds', 0, 3600, ' seconds'),
    prune: oneOf('prune', PRUNE),
    concurrency: integerIn('concurrency', 1, 10),
    'comment-on-pr': booleanInput('comment-on-pr'),
    'github-token': z.string()
  })
  .transform((i) => ({
    file: i.file,
    mode: i.mode,
    secretKey: i['secret-key'],
    apiUrl: i['api-url'],
    maxAttempts: i['max-attempts'],
    timeoutMs: i['timeout-seconds'] * 1000,
    requirement: i.require,
    waitSeconds: i['wait-seconds'],
    prune: i.prune,
    concurrency: i.concurrency,
    commentOnPr: i['comment-on-pr'],
    githubToken: i['github-token']
  }))

export type ManifestConfig = z.output<typeof manifestSchema>

export function readManifestInputs(getInput: (name: string) => string): Record<ManifestInputName, string> {
  const raw = {} as Record<ManifestInputName, string>
  for (const name of Object.keys(MANIFEST_INPUT_DEFAULTS) as ManifestInputName[]) {
    raw[name] = getInput(name).trim() || MANIFEST_INPUT_DEFAULTS[name]
  }
  return raw
}

/** Validates every input at once, before any request; warnings are for doubtful but allowed values. */
export function parseManifestInputs(raw: Record<ManifestInputName, string>): {
  config: ManifestConfig
  warnings: string[]
} {
  const parsed = manifestSchema.safeParse(raw)
  if (!parsed.success) throw new InputError(parsed.error.issues.map((issue) => issue.message))
  return { config: parsed.data, warnings: secretKeyWarnings(parsed.data.secretKey) }
}
