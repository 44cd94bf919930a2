// The job summary's shared pieces: HTML escaping, and the failure shown so that nothing in it renders.
import * as core from './commands.js'

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
}

/** The failure, below a summary's table: as text in a code block, so nothing in it (server text too) renders. */
export function addFailure(summary: core.Summary, error: string): core.Summary {
  return summary.addCodeBlock(escapeHtml(error))
}
