// The manifest file: valid YAML and JSON become entries with lines; each problem is refused with its file and line.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseManifest, readManifest } from '../src/config/manifest-file.js'
import { InputError } from '../src/errors.js'

const FILE = '.github/qonversion-integrations.yml'

/** The problems parseManifest refuses `text` with (fails the test if it accepts it). */
function problemsOf(text: string): string[] {
  try {
    parseManifest(text, FILE)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as InputError).problems
  }
  throw new Error('the manifest was accepted')
}

const entry = (lines: string[]): string =>
  lines
    .map((l) => `    ${l}`)
    .join('\n')
    .replace(/^ {4}/, '  - ')

describe('a valid manifest', () => {
  it('becomes entries with their lines, `active` defaulting to true', () => {
    const text = [
      '# integrations of the app',
      'integrations:',
      '  - title: Amplitude — iOS',
      '    provider: amplitude',
      '    store: iOS',
      '  - title: AppsFlyer',
      '    provider: appsflyer',
      '    store: Android',
      '    active: false        # paused on purpose',
      '  - title: "  Spaced 🚀 "',
      '    provider: brand_new_provider',
      '    store: Stripe',
      ''
    ].join('\n')
    expect(parseManifest(text, FILE)).toEqual([
      { title: 'Amplitude — iOS', provider: 'amplitude', store: 'iOS', active: true, line: 3 },
      { title: 'AppsFlyer', provider: 'appsflyer', store: 'Android', active: false, line: 6 },
      { title: '  Spaced 🚀 ', provider: 'brand_new_provider', store: 'Stripe', active: true, line: 10 }
    ])
  })

  it('may be JSON', () => {
    const text = JSON.stringify(
      {
        integrations: [
          { title: 'Amplitude', provider: 'amplitude', store: 'iOS' },
          { title: 'Slack', provider: 'slack', store: 'Stripe', active: false }
        ]
      },
      null,
      2
    )
    expect(parseManifest(text, 'manifest.json')).toEqual([
      { title: 'Amplitude', provider: 'amplitude', store: 'iOS', active: true, line: 3 },
      { title: 'Slack', provider: 'slack', store: 'Stripe', active: false, line: 8 }
    ])
  })

  it('counts a title in code points: 255 emoji are allowed', () => {
    const title = '🚀'.repeat(255)
    const text = `integrations:\n${entry([`title: ${title}`, 'provider: slack', 'store: iOS'])}\n`
    expect(parseManifest(text, FILE)[0].title).toBe(title)
  })

  it('reads a file with a byte-order mark', () => {
    const text = `\uFEFFintegrations:\n${entry(['title: A', 'provider: slack', 'store: iOS'])}\n`
    expect(parseManifest(text, FILE)).toEqual([
      { title: 'A', provider: 'slack', store: 'iOS', active: true, line: 2 }
    ])
  })
})

describe('each problem, with its line', () => {
  const cases: [string, string[], string][] = [
    [
      'an unknown key, with the closest allowed one',
      ['title: A', 'provider: amplitude', 'stor: iOS'],
      `${FILE}:4: \`integrations[0]\` has an unknown key \`stor\`; an entry may have only \`title\`, \`provider\`, \`store\` or \`active\`. Did you mean \`store\`?`
    ],
    [
      'a missing field, on the line of its entry',
      ['title: A', 'provider: amplitude'],
      `${FILE}:2: \`integrations[0].store\` is missing; it must be exactly \`iOS\`, \`Android\` or \`Stripe\`.`
    ],
    [
      'a store in the wrong case, with the right one',
      ['title: A', 'provider: amplitude', 'store: ios'],
      `${FILE}:4: \`integrations[0].store\` is \`ios\`; it must be exactly \`iOS\`, \`Android\` or \`Stripe\`. Store names are case-sensitive: use \`iOS\`.`
    ],
    [
      'an unknown store',
      ['title: A', 'provider: amplitude', 'store: Web'],
      `${FILE}:4: \`integrations[0].store\` is \`Web\`; it must be exactly \`iOS\`, \`Android\` or \`Stripe\`.`
    ],
    [
      'a misspelt store, with the closest one',
      ['title: A', 'provider: amplitude', 'store: Andriod'],
      `${FILE}:4: \`integrations[0].store\` is \`Andriod\`; it must be exactly \`iOS\`, \`Android\` or \`Stripe\`. Did you mean \`Android\`?`
    ],
    [
      'a provider slug in the wrong case',
      ['title: A', 'provider: AppsFlyer', 'store: iOS'],
      `${FILE}:3: \`integrations[0].provider\` is \`AppsFlyer\`; provider slugs are lower-case: use \`appsflyer\`.`
    ],
    [
      'an empty provider',
      ['title: A', 'provider: ""', 'store: iOS'],
      `${FILE}:3: \`integrations[0].provider\` is empty; give a provider slug such as \`amplitude\`, \`appsflyer\` or \`webhooks\`.`
    ],
    [
      'a provider left blank (YAML null)',
      ['title: A', 'provider:', 'store: iOS'],
      `${FILE}:3: \`integrations[0].provider\` is empty; give a provider slug such as \`amplitude\`, \`appsflyer\` or \`webhooks\`.`
    ],
    [
      'an empty title',
      ['title: ""', 'provider: slack', 'store: iOS'],
      `${FILE}:2: \`integrations[0].title\` is empty; give the integration a title of 1–255 characters.`
    ],
    [
      'a title over 255 characters',
      [`title: ${'é'.repeat(256)}`, 'provider: slack', 'store: iOS'],
      `${FILE}:2: \`integrations[0].title\` is 256 characters long; Qonversion accepts at most 255.`
    ],
    [
      'a title YAML reads as a number',
      ['title: 2024', 'provider: slack', 'store: iOS'],
      `${FILE}:2: \`integrations[0].title\` is \`2024\`, not text; give the integration a title of 1–255 characters (quote it if YAML reads it as a number or boolean).`
    ],
    [
      'a long value, quoted in part',
      ['title: A', 'provider: slack', `store: ${'x'.repeat(100)}`],
      `${FILE}:4: \`integrations[0].store\` is \`${'x'.repeat(60)}…\`; it must be exactly \`iOS\`, \`Android\` or \`Stripe\`.`
    ],
    [
      'a missing title',
      ['provider: slack', 'store: iOS'],
      `${FILE}:2: \`integrations[0].title\` is missing; give the integration a title of 1–255 characters.`
    ],
    [
      'a store that is not text',
      ['title: A', 'provider: slack', 'store: 1'],
      `${FILE}:4: \`integrations[0].store\` is \`1\`; it must be exactly \`iOS\`, \`Android\` or \`Stripe\`.`
    ],
    [
      '`active` left blank',
      ['title: A', 'provider: slack', 'store: iOS', 'active:'],
      `${FILE}:5: \`integrations[0].active\` is empty; it must be \`true\` or \`false\` (or left out, which means \`true\`).`
    ],
    [
      'a key that is not plain text, on the line of its entry',
      ['title: A', 'provider: slack', 'store: iOS', '? [x]', ': 1'],
      `${FILE}:2: \`integrations[0]\` has an unknown key \`[ x ]\`; an entry may have only \`title\`, \`provider\`, \`store\` or \`active\`.`
    ],
    [
      '`active` that is not a boolean',
      ['title: A', 'provider: slack', 'store: iOS', 'active: yes'],
      `${FILE}:5: \`integrations[0].active\` is \`yes\`; it must be \`true\` or \`false\` (or left out, which means \`true\`).`
    ]
  ]
  it.each(cases)('%s', (_, lines, problem) => {
    expect(problemsOf(`integrations:\n${entry(lines)}\n`)).toEqual([problem])
  })

  it('two entries with the same title and store, naming both lines', () => {
    const text = [
      'integrations:',
      entry(['title: Amplitude', 'provider: amplitude', 'store: iOS']),
      entry(['title: Amplitude', 'provider: amplitude', 'store: Android']),
      entry(['title: Amplitude', 'provider: mixpanel', 'store: iOS'])
    ].join('\n')
    expect(problemsOf(text)).toEqual([
      `${FILE}:8: \`integrations[2]\` repeats title \`Amplitude\` with store \`iOS\` (lines 2 and 8); an integration is known by its title and store, so each pair may appear once.`
    ])
  })

  it('the first YAML syntax error, with its line, and nothing after it', () => {
    const text = [
      'integrations:',
      '  - title: A',
      '    provider: [slack',
      '    store: iOS',
      '    stor: x'
    ].join('\n')
    const problems = problemsOf(text)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(new RegExp(`^${FILE.replace(/\./g, '\\.')}:4: YAML syntax error: .*\\]`))
  })

  it('a key given twice, as YAML refuses it', () => {
    expect(
      problemsOf(`integrations:\n${entry(['title: A', 'title: B', 'provider: x', 'store: iOS'])}\n`)
    ).toEqual([`${FILE}:3: YAML syntax error: Map keys must be unique.`])
  })

  it('an empty file', () => {
    expect(problemsOf('# nothing yet\n')).toEqual([
      `${FILE}:1: The file is empty; it must be a mapping whose \`integrations:\` key lists entries with \`title\`, \`provider\` and \`store\`.`
    ])
  })

  it('a top level that is a list', () => {
    expect(problemsOf(entry(['title: A', 'provider: x', 'store: iOS']))).toEqual([
      `${FILE}:1: The file must be a mapping whose \`integrations:\` key lists entries with \`title\`, \`provider\` and \`store\`; found a list (indent it under \`integrations:\`).`
    ])
  })

  it('a top level that is a single value', () => {
    expect(problemsOf('amplitude\n')).toEqual([
      `${FILE}:1: The file must be a mapping whose \`integrations:\` key lists entries with \`title\`, \`provider\` and \`store\`; found \`amplitude\`.`
    ])
  })

  it('a top level without `integrations`', () => {
    expect(problemsOf('\nprojects: []\n')).toEqual([
      `${FILE}:2: The file has an unknown key \`projects\`; its only key is \`integrations\`.`,
      `${FILE}:2: \`integrations\` is missing; the file must be a mapping whose \`integrations:\` key lists entries with \`title\`, \`provider\` and \`store\`.`
    ])
  })

  it('a misspelt key once, as the near miss, not also as a missing key', () => {
    expect(problemsOf(`\nintegration:\n${entry(['title: A', 'provider: x', 'store: iOS'])}\n`)).toEqual([
      `${FILE}:2: The file has an unknown key \`integration\`; its only key is \`integrations\`. Did you mean \`integrations\`?`
    ])
  })

  it('a misspelt key next to the key it resembles: both problems', () => {
    expect(
      problemsOf(`integrations:\n${entry(['title: A', 'provider: x', 'store: Web', 'stor: iOS'])}\n`)
    ).toEqual([
      `${FILE}:4: \`integrations[0].store\` is \`Web\`; it must be exactly \`iOS\`, \`Android\` or \`Stripe\`.`,
      `${FILE}:5: \`integrations[0]\` has an unknown key \`stor\`; an entry may have only \`title\`, \`provider\`, \`store\` or \`active\`. Did you mean \`store\`?`
    ])
  })

  it('`integrations` that is not a list', () => {
    expect(problemsOf('integrations:\n  title: A\n')).toEqual([
      `${FILE}:2: \`integrations\` is \`{"title":"A"}\`, not a list; write one \`- title: …\` entry per integration.`
    ])
  })

  it('an empty list, or no list at all', () => {
    expect(problemsOf('integrations: []\n')).toEqual([
      `${FILE}:1: \`integrations\` lists no integrations; add at least one entry with \`title\`, \`provider\` and \`store\`.`
    ])
    expect(problemsOf('integrations:\n')).toEqual([
      `${FILE}:1: \`integrations\` is empty; add at least one entry with \`title\`, \`provider\` and \`store\`.`
    ])
  })

  it('an entry that is not a mapping', () => {
    expect(problemsOf('integrations:\n  - amplitude\n')).toEqual([
      `${FILE}:2: \`integrations[0]\` is \`amplitude\`, not a mapping; each entry needs \`title\`, \`provider\` and \`store\`.`
    ])
    expect(problemsOf('integrations:\n  - title: A\n    provider: x\n    store: iOS\n  -\n')).toEqual([
      `${FILE}:5: \`integrations[1]\` is empty, not a mapping; each entry needs \`title\`, \`provider\` and \`store\`.`
    ])
  })

  it('every problem at once, in line order', () => {
    const text = [
      'integrations:',
      entry(['title: Amplitude', 'provider: Amplitude', 'stor: iOS']),
      entry(['title: Amplitude', 'provider: amplitude', 'store: ios', 'active: "false"']),
      entry(['title: Amplitude', 'provider: amplitude', 'store: IOS']),
      'extra: true'
    ].join('\n')
    const problems = problemsOf(text)
    expect(problems.map((p) => p.slice(0, p.indexOf(' ')))).toEqual([
      `${FILE}:3:`, // [0].provider case
      `${FILE}:4:`, // [0] unknown key `stor`
      `${FILE}:7:`, // [1].store case
      `${FILE}:8:`, // [1].active a string
      `${FILE}:9:`, // [2] repeats [1]: same title, and the same store once the case is put right
      `${FILE}:11:`, // [2].store case
      `${FILE}:12:` // unknown top-level key
    ])
    expect(problems[4]).toMatch(/repeats title `Amplitude` with store `iOS` \(lines 5 and 9\)/)
    expect(problems[6]).toMatch(/The file has an unknown key `extra`/)
  })

  it('lines in JSON too', () => {
    const text =
      '{\n  "integrations": [\n    { "title": "A", "provider": "x", "store": "IOS", "activ": true }\n  ]\n}\n'
    expect(problemsOf(text)).toEqual([
      `${FILE}:3: \`integrations[0].store\` is \`IOS\`; it must be exactly \`iOS\`, \`Android\` or \`Stripe\`. Store names are case-sensitive: use \`iOS\`.`,
      `${FILE}:3: \`integrations[0]\` has an unknown key \`activ\`; an entry may have only \`title\`, \`provider\`, \`store\` or \`active\`. Did you mean \`active\`?`
    ])
  })

  it('makes one message listing them all', () => {
    expect(() =>
      parseManifest(
        `integrations:\n${entry(['title: A', 'provider: X_', 'store: ios', 'active: 1'])}\n`,
        FILE
      )
    ).toThrow(
      /^2 problems in \.github\/qonversion-integrations\.yml:\n {2}- \.github\/qonversion-integrations\.yml:4: .*\n {2}- .*:5: /
    )
  })
})

describe('reading the file', () => {
  let workspace: string
  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'manifest file '))
    mkdirSync(join(workspace, '.github'))
    writeFileSync(
      join(workspace, '.github', 'qonversion-integrations.yml'),
      `integrations:\n${entry(['title: A', 'provider: slack', 'store: iOS'])}\n`
    )
  })
  afterAll(() => rmSync(workspace, { recursive: true, force: true }))

  it('reads it relative to the workspace', () => {
    expect(readManifest(workspace, FILE)).toEqual([
      { title: 'A', provider: 'slack', store: 'iOS', active: true, line: 2 }
    ])
  })

  it('accepts an absolute path', () => {
    expect(readManifest('/elsewhere', join(workspace, FILE))).toHaveLength(1)
  })

  it('names the file as given in its problems', () => {
    writeFileSync(join(workspace, 'bad.yml'), 'integrations: []\n')
    expect(() => readManifest(workspace, 'bad.yml')).toThrow(
      /^bad\.yml:1: `integrations` lists no integrations/
    )
  })

  it('says which path it tried when the file is missing', () => {
    const error = (() => {
      try {
        readManifest(workspace, 'missing.yml')
      } catch (e) {
        return e as Error
      }
    })()
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toBe(
      `Input \`file\` is \`missing.yml\`, read as ${join(workspace, 'missing.yml')} (relative to GITHUB_WORKSPACE ` +
        `${workspace}), but there is no file there. Check the path, and that the job checks out the repository ` +
        '(actions/checkout) before this step.'
    )
  })

  it('says why another path cannot be read', () => {
    expect(() => readManifest(workspace, join(FILE, 'inside.yml'))).toThrow(
      /, but it could not be read \(ENOTDIR\)\./
    )
  })

  it('says when the path is a directory', () => {
    expect(() => readManifest(workspace, '.github')).toThrow(
      /read as .*\.github .*, but that is a directory\./
    )
  })
})
