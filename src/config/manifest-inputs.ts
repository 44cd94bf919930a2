// The manifest action's inputs, read once into one validated config: how to reach the API (the same fields and
// rules as the single step) and what to do with the file.
import { z } from 'zod'
import { InputError } from '../errors.js'
import {
  SHARED_DEFAULTS,
  booleanInput,
  integerIn,
  oneOf,
  secretKeyWarnings,
  sharedFields,
  sharedSettings
} from '../inputs.js'

export const MANIFEST_INPUT_DEFAULTS = {
  file: '.github/qonversion-integrations.yml',
  mode: 'plan',
  ...SHARED_DEFAULTS,
  prune: 'false',
  concurrency: '4',
  'comment-on-pr': 'false',
  'github-token': ''
} as const

export type ManifestInputName = keyof typeof MANIFEST_INPUT_DEFAULTS
export const MODES = ['plan', 'apply', 'check'] as const
export const PRUNE = ['false', 'pause'] as const

const manifestSchema = z
  .object({
    file: z.string(),
    mode: oneOf('mode', MODES),
    ...sharedFields,
    prune: oneOf('prune', PRUNE),
    concurrency: integerIn('concurrency', 1, 10),
    'comment-on-pr': booleanInput('comment-on-pr'),
    'github-token': z.string()
  })
  .transform((i) => ({
    file: i.file,
    mode: i.mode,
    ...sharedSettings(i),
    prune: i.prune,
    concurrency: i.concurrency,
    commentOnPr: i['comment-on-pr'],
    githubToken: i['github-token']
  }))

export type ManifestConfig = z.output<typeof manifestSchema>

/** Validates every input at once, before any request; warnings are for doubtful but allowed values. */
export function parseManifestInputs(raw: Record<ManifestInputName, string>): {
  config: ManifestConfig
  warnings: string[]
} {
  const parsed = manifestSchema.safeParse(raw)
  if (!parsed.success) throw new InputError(parsed.error.issues.map((issue) => issue.message))
  return { config: parsed.data, warnings: secretKeyWarnings(parsed.data.secretKey) }
}
