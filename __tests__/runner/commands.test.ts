// The runner's commands and files without @actions/core: the formats GitHub reads, checked as text.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import * as runner from '../../src/runner/commands.js'
import { parseOutputs } from '../../scripts/run-action.mjs'

let dir: string
let out: string[]
let env: Record<string, string | undefined>

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qia-commands-'))
  out = []
  env = {}
  runner.useRunnerIo({ env, write: (text) => void out.push(text) })
})
afterEach(() => {
  runner.useRunnerIo()
  rmSync(dir, { recursive: true, force: true })
  process.exitCode = undefined
})

describe('workflow commands on stdout', () => {
  it('keeps one command on one line: %, CR and LF escaped in the message, : and , in properties too', () => {
    runner.error('50% done\r\nnext', { title: 'a: b, c', file: 'x.yml', startLine: 4 })
    expect(out).toEqual(['::error title=a%3A b%2C c,file=x.yml,line=4::50%25 done%0D%0Anext\n'])
  })

  it('leaves out the properties that are not given', () => {
    runner.warning('careful')
    runner.warning('here', { file: 'f.yml' })
    expect(out).toEqual(['::warning::careful\n', '::warning file=f.yml::here\n'])
  })

  it('masks, logs and debugs in the runner’s words', () => {
    runner.setSecret('s3cr%t')
    runner.info('plain: %0A stays')
    runner.debug('two\nlines')
    expect(out).toEqual(['::add-mask::s3cr%25t\n', 'plain: %0A stays\n', '::debug::two%0Alines\n'])
  })

  it('setFailed prints one error line and sets a failing exit code', () => {
    runner.setFailed('it broke')
    expect(out).toEqual(['::error::it broke\n'])
    expect(process.exitCode).toBe(1)
  })

  it('reads an input as the runner names it, trimmed', () => {
    env['INPUT_SECRET-KEY'] = '  sk_1 \n'
    env['INPUT_DRY_RUN'] = 'x'
    expect(runner.getInput('secret-key')).toBe('sk_1')
    expect(runner.getInput('dry run')).toBe('x')
    expect(runner.getInput('title')).toBe('')
  })
})

describe('GITHUB_OUTPUT', () => {
  it('appends name<<delimiter records that keep any value exactly, line breaks included', () => {
    const file = join(dir, 'output')
    writeFileSync(file, '')
    env.GITHUB_OUTPUT = file
    runner.setOutput('plan', 'line 1\nline 2\n')
    runner.setOutput('id', 'abc')
    const text = readFileSync(file, 'utf8')
    expect(text).toMatch(/^plan<<ghadelimiter_[0-9a-f-]{36}\n/)
    expect(parseOutputs(text)).toEqual({ plan: 'line 1\nline 2\n', id: 'abc' })
  })

  it('refuses to create a runner file that is not there', () => {
    env.GITHUB_OUTPUT = join(dir, 'missing')
    expect(() => runner.setOutput('id', 'abc')).toThrow(
      `GITHUB_OUTPUT names ${join(dir, 'missing')}, which does not exist`
    )
  })

  it('outside a runner logs the output as a debug line', () => {
    runner.setOutput('id', 'abc')
    expect(out).toEqual(['::debug::output id: abc\n'])
  })
})

describe('the job summary', () => {
  it('appends headings, tables, code blocks and raw text as GitHub renders them, then starts empty', () => {
    const file = join(dir, 'summary.md')
    writeFileSync(file, 'before\n')
    env.GITHUB_STEP_SUMMARY = file
    const summary = new runner.Summary()
    summary
      .addHeading('Title', 3)
      .addRaw('note', true)
      .addEOL()
      .addTable([
        [
          { data: 'Field', header: true },
          { data: 'Value', header: true }
        ],
        ['a', '<code>b</code>']
      ])
      .addCodeBlock('x &lt; y')
      .write()
    summary.addRaw('again').write()
    expect(readFileSync(file, 'utf8')).toBe(
      'before\n<h3>Title</h3>\nnote\n\n' +
        '<table><tr><th>Field</th><th>Value</th></tr><tr><td>a</td><td><code>b</code></td></tr></table>\n' +
        '<pre><code>x &lt; y</code></pre>\nagain'
    )
  })

  it('fails, naming the variable, when there is no summary file', () => {
    expect(() => new runner.Summary().addRaw('x').write()).toThrow('GITHUB_STEP_SUMMARY is not set')
    env.GITHUB_STEP_SUMMARY = join(dir, 'gone.md')
    expect(() => new runner.Summary().addRaw('x').write()).toThrow('which does not exist')
  })
})
