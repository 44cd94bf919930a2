// The manifest action's inputs, read once into one validated config: how to reach the API (the same fields and
// rules as the single step) and what to do with the file.
import { isAbsolute, normalize } from 'node:path'
import { z } from 'zod/mini'
import { InputError } from '../domain/errors.js'
import { DIGEST_LENGTH, DIGEST_PATTERN } from '../domain/plan-digest.js'
import {
  SHARED_DEFAULTS,
  booleanInput,
  integerIn,
  oneOf,
  refinedString,
  secretKeyWarnings,
  sharedFields,
  sharedSettings,
  stringTo
} from '../runner/inputs.js'

export const MANIFEST_INPUT_DEFAULTS = {
  file: '.github/qonversion-integrations.yml',
  mode: 'plan',
  ...SHARED_DEFAULTS,
  prune: 'false',
  concurrency: '4',
  'comment-on-pr': 'false',
  'github-token': '',
  'plan-file': '',
  'expect-plan': '',
  label: '',
  'drift-issue': 'false'
} as const

export type ManifestInputName = keyof typeof MANIFEST_INPUT_DEFAULTS
export const MODES = ['plan', 'apply', 'check'] as const
export const PRUNE = ['false', 'pause'] as const
/** `expect-plan`'s word for "the digest in the plan comment of the pull request merged as this commit". */
export const FROM_PULL_REQUEST = 'pull-request'

/** A path for `plan-file`: relative to the workspace and inside it, so an artifact step can pick it up. */
const planFile = refinedString((value, ctx) => {
  if (value === '') return
  const path = normalize(value)
  if (isAbsolute(value) || path === '..' || path.startsWith('../') || path.startsWith('..\\'))
    ctx.addIssue({
      code: 'custom',
      message: `Input \`plan-file\` is \`${value}\`; it must be a path inside the workspace, relative to it (such as \`qonversion-plan.json\`).`
    })
})

/** `expect-plan`: empty, a `plan-digest` output, or `pull-request`. */
const expectPlan = refinedString((value, ctx) => {
  if (value === '' || value === FROM_PULL_REQUEST || DIGEST_PATTERN.test(value)) return
  ctx.addIssue({
    code: 'custom',
    message:
      `Input \`expect-plan\` is \`${value.length > 40 ? `${value.slice(0, 40)}…` : value}\`; it must be the ` +
      `\`plan-digest\` output of a plan (${DIGEST_LENGTH} hex characters, 0-9 a-f) or \`${FROM_PULL_REQUEST}\`.`
  })
})

/** GitHub trims an input's ends; a label is one line (it is part of a heading) of at most 100 characters. */
const label = stringTo((value, ctx) => {
  const text = value.trim()
  if (/[\r\n\u2028\u2029]/.test(text) || text.length > 100) {
    ctx.addIssue({
      code: 'custom',
      message:
        'Input `label` must be one line of at most 100 characters (it names the manifest in the comment).'
    })
    return z.NEVER
  }
  return text
})

const manifestSchema = z.pipe(
  z
    .object({
      file: z.string(),
      mode: oneOf('mode', MODES),
      ...sharedFields,
      prune: oneOf('prune', PRUNE),
      concurrency: integerIn('concurrency', 1, 10),
      'comment-on-pr': booleanInput('comment-on-pr'),
      'github-token': z.string(),
      'plan-file': planFile,
      'expect-plan': expectPlan,
      label: label,
      'drift-issue': booleanInput('drift-issue')
    })
    .check(
      z.superRefine((i, ctx) => {
        if (i['expect-plan'] !== '' && i.mode !== 'apply')
          ctx.addIssue({
            code: 'custom',
            message: `Input \`expect-plan\` is set, but \`mode\` is \`${i.mode}\`: only \`apply\` compares its plan with a reviewed one; leave \`expect-plan\` out.`
          })
        if (i['expect-plan'] === FROM_PULL_REQUEST && i['github-token'] === '')
          ctx.addIssue({
            code: 'custom',
            message: `Input \`expect-plan\` is \`${FROM_PULL_REQUEST}\`, but \`github-token\` is empty: the reviewed plan is read from the pull request's comment; set \`github-token: \${{ github.token }}\` (with \`pull-requests: read\`).`
          })
        if (i['drift-issue'] && i.mode !== 'check')
          ctx.addIssue({
            code: 'custom',
            message: `Input \`drift-issue\` is \`true\`, but \`mode\` is \`${i.mode}\`: only \`check\` opens a drift issue; leave \`drift-issue\` out.`
          })
        if (i['drift-issue'] && i['github-token'] === '')
          ctx.addIssue({
            code: 'custom',
            message: `Input \`drift-issue\` is \`true\`, but \`github-token\` is empty: set \`github-token: \${{ github.token }}\` (with \`issues: write\`).`
          })
      })
    ),
  z.transform((i) => ({
    file: i.file,
    mode: i.mode,
    ...sharedSettings(i),
    prune: i.prune,
    concurrency: i.concurrency,
    commentOnPr: i['comment-on-pr'],
    githubToken: i['github-token'],
    planFile: i['plan-file'],
    /** Empty: apply writes without comparing; otherwise a digest, or FROM_PULL_REQUEST. */
    expectPlan: i['expect-plan'],
    // Empty means the file's path: the name a reader of the pull request recognises without being told.
    label: i.label || i.file,
    labelIsDefault: i.label === '' || i.label === i.file,
    driftIssue: i['drift-issue']
  }))
)

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
