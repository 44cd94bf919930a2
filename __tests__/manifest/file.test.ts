// The manifest file: valid YAML and JSON become entries with lines; each problem is refused with its file and line.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseManifest, readManifest } from '../../src/manifest/file.js'
import { MAX_FILE_BYTES, firstNonUtf8Byte } from '../../src/runner/workspace-file.js'
import { InputError } from '../../src/domain/errors.js'

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
      '  - title: "  Spaced\\t🚀 "',
      '    provider: brand_new_provider',
      '    store: Stripe',
      ''
    ].join('\n')
    expect(parseManifest(text, FILE)).toEqual([
      { title: 'Amplitude — iOS', provider: 'amplitude', store: 'iOS', active: true, line: 3 },
      { title: 'AppsFlyer', provider: 'appsflyer', store: 'Android', active: false, line: 6 },
      { title: 'Spaced\t🚀', provider: 'brand_new_provider', store: 'Stripe', active: true, line: 10 }
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
    ).toEqual([
      `${FILE}:3: YAML syntax error: a key appears twice in the same mapping; keep one. (The parser says: Map keys must be unique.)`
    ])
  })

  it('an over-indented key: at its own line (the parser says the line above), in plain words', () => {
    const text = ['integrations:', '  - title: A', '    provider: amplitude', '      store: iOS'].join('\n')
    expect(problemsOf(text)).toEqual([
      `${FILE}:4: YAML syntax error: \`store:\` is indented 6 spaces, but \`provider:\` on line 3 is indented 4; the keys of one entry must line up. Indent \`store:\` like \`provider:\`.`
    ])
  })

  it('an under-indented key, in plain words', () => {
    const text = ['integrations:', '  - title: A', '    provider: amplitude', '   store: iOS'].join('\n')
    expect(problemsOf(text)).toEqual([
      `${FILE}:4: YAML syntax error: \`store:\` is indented 3 spaces, but \`provider:\` on line 3 is indented 4; the keys of one entry must line up. Indent \`store:\` like \`provider:\`.`
    ])
  })

  it('a tab for indentation, in plain words', () => {
    expect(problemsOf('integrations:\n  - title: A\n\tprovider: x\n')[0]).toMatch(
      new RegExp(
        `^${FILE.replace(/\./g, '\\.')}:3: YAML syntax error: a tab indents this line; YAML indents with spaces only\\.`
      )
    )
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

  it('accepts an absolute path inside the workspace', () => {
    expect(readManifest(workspace, join(workspace, FILE))).toHaveLength(1)
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

describe('one-line titles', () => {
  const titleOf = (lines: string[]): string =>
    parseManifest(`integrations:\n${entry(lines)}\n`, FILE)[0].title

  it('trims a title as GitHub trims an input, so `title: >` means the line its author sees', () => {
    expect(titleOf(['title: >', '      Release webhook', 'provider: webhooks', 'store: iOS'])).toBe(
      'Release webhook'
    )
    expect(titleOf(['title: >', '      Release', '      webhook', 'provider: webhooks', 'store: iOS'])).toBe(
      'Release webhook'
    )
    // Every character String.prototype.trim (core.getInput's trim) removes, and nothing more.
    expect(titleOf(['title: "\\u00a0\\t Café\\t🚀 \\u3000\\n"', 'provider: slack', 'store: iOS'])).toBe(
      'Café\t🚀'
    )
  })

  it.each([
    [
      'a literal block',
      ['title: |', '      Release', '      webhook', 'provider: slack', 'store: iOS'],
      '`\\n`'
    ],
    ['a quoted `\\r`', ['title: "Release\\rwebhook"', 'provider: slack', 'store: iOS'], '`\\r`'],
    ['U+2028', ['title: "Release\\u2028webhook"', 'provider: slack', 'store: iOS'], 'U+2028']
  ])('refuses a line break inside a title: %s, with its line', (_, lines, shown) => {
    expect(problemsOf(`integrations:\n${entry(lines)}\n`)).toEqual([
      `${FILE}:2: \`integrations[0].title\` has a line break (${shown}) inside; a title is one line: join it (\`title: >\` folds lines into one).`
    ])
  })

  it('a title that is only blanks is empty', () => {
    expect(
      problemsOf(`integrations:\n${entry(['title: " \\t "', 'provider: slack', 'store: iOS'])}\n`)
    ).toEqual([
      `${FILE}:2: \`integrations[0].title\` is empty; give the integration a title of 1–255 characters.`
    ])
  })

  it('two titles that differ only in blanks at the ends are the same integration', () => {
    const text = [
      'integrations:',
      entry(['title: A', 'provider: slack', 'store: iOS']),
      entry(['title: "A "', 'provider: slack', 'store: iOS'])
    ].join('\n')
    expect(problemsOf(text)).toEqual([
      `${FILE}:5: \`integrations[1]\` repeats title \`A\` with store \`iOS\` (lines 2 and 5); an integration is known by its title and store, so each pair may appear once.`
    ])
  })
})

describe('YAML people write, and YAML built to hurt', () => {
  it('accepts hundreds of entries that share anchors', () => {
    const lines = ['integrations:', '  - title: T0', '    provider: &wh webhooks', '    store: &st iOS']
    for (let i = 1; i < 300; i++) lines.push(`  - title: T${i}`, '    provider: *wh', '    store: *st')
    const entries = parseManifest(lines.join('\n'), FILE)
    expect(entries).toHaveLength(300)
    expect(entries[299]).toEqual({
      title: 'T299',
      provider: 'webhooks',
      store: 'iOS',
      active: true,
      line: 899
    })
  })

  it('refuses a billion-laughs file within a second, naming the file', () => {
    const names = 'abcdefghij'
    const lines = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]']
    for (let i = 1; i < names.length; i++)
      lines.push(
        `${names[i]}: &${names[i]} [${Array<string>(10)
          .fill(`*${names[i - 1]}`)
          .join(', ')}]`
      )
    lines.push('integrations: *j')
    const started = performance.now()
    expect(problemsOf(lines.join('\n'))).toEqual([
      `${FILE}: its aliases (\`*name\`) expand to more than 1,000,000 values; a manifest needs far fewer, so the file is refused as a YAML expansion bomb. Write the entries out.`
    ])
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('refuses an alias inside its own anchor', () => {
    expect(
      problemsOf(
        'integrations: &loop\n  - title: A\n    provider: slack\n    store: iOS\n    active: *loop\n'
      )
    ).toEqual([
      `${FILE}: an alias (\`*name\`) sits inside its own anchor (\`&name\`), so its data never ends; refer only to an anchor that is complete.`
    ])
  })

  it('refuses an alias before its anchor, naming the file', () => {
    expect(problemsOf(`integrations:\n${entry(['title: A', 'provider: *p', 'store: iOS'])}\n`)).toEqual([
      `${FILE}: YAML error: Unresolved alias (the anchor must be set before the alias): p.`
    ])
  })
})

describe('reading only what the action may read', () => {
  const SECRET = '//registry.npmjs.org/:_authToken=npm_outsideSecret123'
  const VALID = `integrations:\n${entry(['title: A', 'provider: slack', 'store: iOS'])}\n`
  let root: string
  let workspace: string
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'manifest read '))
    workspace = join(root, 'repo')
    mkdirSync(join(workspace, 'ci'), { recursive: true })
    mkdirSync(join(root, 'home'))
    writeFileSync(join(root, 'home', '.npmrc'), `${SECRET}\n`)
    writeFileSync(join(workspace, 'ci', 'real.yml'), VALID)
    symlinkSync(join(root, 'home', '.npmrc'), join(workspace, 'ci', 'npmrc.yml'))
    symlinkSync(join(root, 'home'), join(workspace, 'home-dir'))
    symlinkSync('real.yml', join(workspace, 'ci', 'alias.yml'))
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  /** The message readManifest refuses `file` with (fails the test if it reads it). */
  const refusal = (file: string, at = workspace): string => {
    try {
      readManifest(at, file)
    } catch (error) {
      expect(error).toBeInstanceOf(InputError)
      return (error as Error).message
    }
    throw new Error(`${file} was read`)
  }

  it.each([
    ['a `../` path', '../home/.npmrc'],
    ['an absolute path', '/etc/passwd']
  ])('refuses %s outside the workspace, naming the input, without quoting the file', (_, file) => {
    const message = refusal(file)
    expect(message).toBe(
      `Input \`file\` is \`${file}\`, read as ${resolve(workspace, file)} (relative to GITHUB_WORKSPACE ${workspace}), ` +
        'which is outside the workspace; the file must be in the workspace (the checked-out repository): give a path inside it.'
    )
    expect(message).not.toContain('authToken')
  })

  it.each([
    ['a committed symbolic link', 'ci/npmrc.yml'],
    ['a path through a linked directory', 'home-dir/.npmrc']
  ])('refuses %s that leads outside, naming where it leads', (_, file) => {
    const message = refusal(file)
    expect(message).toBe(
      `Input \`file\` is \`${file}\`, read as ${join(workspace, file)} (relative to GITHUB_WORKSPACE ${workspace}), ` +
        `which through a symbolic link is ${join(realpathSync(root), 'home', '.npmrc')}, outside the workspace; ` +
        'the file must be in the workspace (the checked-out repository): give a path inside it.'
    )
    expect(message).not.toContain('authToken')
  })

  it('follows a link that stays inside, and a workspace that is itself reached through a link', () => {
    expect(readManifest(workspace, 'ci/alias.yml')).toHaveLength(1)
    symlinkSync(workspace, join(root, 'linked-repo'))
    expect(readManifest(join(root, 'linked-repo'), 'ci/real.yml')).toHaveLength(1)
  })

  it(`refuses a file over ${MAX_FILE_BYTES} bytes by its size, without reading it`, () => {
    // Sparse: 50 MiB on paper and nothing on disk; reading and parsing it took tens of seconds.
    writeFileSync(join(workspace, 'ci', 'huge.yml'), '')
    truncateSync(join(workspace, 'ci', 'huge.yml'), 50 * 1024 * 1024)
    const started = performance.now()
    expect(refusal('ci/huge.yml')).toBe(
      'ci/huge.yml: the file is 50.0 MiB (52,428,800 bytes); it may be at most 1.0 MiB (1,048,576 bytes).'
    )
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('reads a file of exactly the cap', () => {
    writeFileSync(
      join(workspace, 'ci', 'full.yml'),
      VALID + '#'.repeat(MAX_FILE_BYTES - Buffer.byteLength(VALID))
    )
    expect(readManifest(workspace, 'ci/full.yml')).toHaveLength(1)
  })

  it('refuses bytes that are not UTF-8, naming the line of the first', () => {
    const latin1 = Buffer.from(
      `integrations:\n${entry(['title: Café', 'provider: slack', 'store: iOS'])}\n`,
      'latin1'
    )
    writeFileSync(join(workspace, 'ci', 'latin1.yml'), latin1)
    expect(refusal('ci/latin1.yml')).toBe(
      `ci/latin1.yml:2: the file is not UTF-8 (byte 0xE9 at offset ${latin1.indexOf(0xe9)} does not start a UTF-8 character); ` +
        'save the file as UTF-8 — a single byte for `é` or `ü` usually means it was saved as Latin-1 or Windows-1252.'
    )
  })

  it('refuses a UTF-16 file at its first line', () => {
    writeFileSync(join(workspace, 'ci', 'utf16.yml'), Buffer.from(`\uFEFF${VALID}`, 'utf16le'))
    expect(refusal('ci/utf16.yml')).toBe(
      'ci/utf16.yml:1: the file is UTF-16 (it starts with a UTF-16 byte-order mark); save the file as UTF-8.'
    )
  })

  it('reads UTF-8 with a byte-order mark and CRLF line ends, lines unchanged', () => {
    writeFileSync(join(workspace, 'ci', 'bom-crlf.yml'), `\uFEFF${VALID.replace(/\n/g, '\r\n')}`)
    expect(readManifest(workspace, 'ci/bom-crlf.yml')).toEqual([
      { title: 'A', provider: 'slack', store: 'iOS', active: true, line: 2 }
    ])
  })
})

describe('firstNonUtf8Byte', () => {
  it.each([
    ['ASCII', [0x61, 0x0a], -1],
    ['é, €, 🚀', [...Buffer.from('é€🚀')], -1],
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['an overlong `/`', [0xc0, 0xaf], 0],
    ['an overlong three-byte form', [0xe0, 0x80, 0x80], 0],
    ['a surrogate', [0xed, 0xa0, 0x80], 0],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a sequence cut short by the end', [0x61, 0xe2, 0x82], 1],
    ['a sequence cut short by a line break', [0xe2, 0x0a], 0],
    ['0xFF', [0xff], 0]
  ])('%s', (_, bytes, offset) => {
    expect(firstNonUtf8Byte(Uint8Array.from(bytes))).toBe(offset)
  })
})
