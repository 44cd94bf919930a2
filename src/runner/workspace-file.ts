// Reads a file a workflow input names, safely: only inside the workspace, only up to a size cap, only UTF-8.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
  type Stats
} from 'node:fs'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { InputError } from '../domain/errors.js'

/** 1 MiB: a real manifest is a few KiB, while a 50 MB one takes the YAML parser tens of seconds and gigabytes. */
export const MAX_FILE_BYTES = 1024 * 1024

/** Whether `path` lies below `root` (both absolute and resolved); `root` itself is not a file, so it is not inside. */
function isInside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel !== '' && rel.split(sep)[0] !== '..' && !isAbsolute(rel)
}

/** `1.5 MiB (1,572,864 bytes)`: the size a person recognises, with the exact count. */
function sizeOf(bytes: number): string {
  const mib = bytes / MAX_FILE_BYTES
  const rounded = mib >= 1 ? `${mib.toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`
  return `${rounded} (${bytes.toLocaleString('en-US')} bytes)`
}

/**
 * The offset of the first byte that does not belong to a well-formed UTF-8 sequence (Unicode's table 3-7:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or -1 when every byte does.
 */
export function firstNonUtf8Byte(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const lead = bytes[i]
    if (lead < 0x80) {
      i += 1
      continue
    }
    let more: number
    let low = 0x80
    let high = 0xbf
    if (lead >= 0xc2 && lead <= 0xdf) more = 1
    else if (lead >= 0xe0 && lead <= 0xef) {
      more = 2
      if (lead === 0xe0) low = 0xa0
      if (lead === 0xed) high = 0x9f
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      more = 3
      if (lead === 0xf0) low = 0x90
      if (lead === 0xf4) high = 0x8f
    } else return i
    for (let k = 1; k <= more; k++) {
      const next = bytes[i + k] as number | undefined
      if (next === undefined || next < low || next > high) return i
      low = 0x80
      high = 0xbf
    }
    i += more + 1
  }
  return -1
}

/** The text of UTF-8 `bytes` (a UTF-8 byte-order mark dropped); anything else is refused at the line it goes wrong. */
function decodeUtf8(bytes: Uint8Array, file: string): string {
  const fix = 'save the file as UTF-8'
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    throw new InputError([`${file}:1: the file is UTF-16 (it starts with a UTF-16 byte-order mark); ${fix}.`])
  const at = firstNonUtf8Byte(bytes)
  if (at < 0) return new TextDecoder('utf-8').decode(bytes)
  let line = 1
  for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) line += 1
  const byte = bytes[at].toString(16).toUpperCase().padStart(2, '0')
  throw new InputError([
    `${file}:${line}: the file is not UTF-8 (byte 0x${byte} at offset ${at} does not start a UTF-8 character); ` +
      `${fix} — a single byte for \`é\` or \`ü\` usually means it was saved as Latin-1 or Windows-1252.`
  ])
}

/**
 * The text of the file input `input` names (`file`, relative to `workspace` unless absolute). Refused before a
 * byte is read: a path whose real location (symbolic links followed) is outside the workspace — a `../` path or
 * a committed link could otherwise put a runner file such as ~/.npmrc into a public log — and a file over
 * MAX_FILE_BYTES. Refused after reading: bytes that are not UTF-8.
 */
export function readWorkspaceFile(workspace: string, input: string, file: string): string {
  const path = resolve(workspace, file)
  const asked = `Input \`${input}\` is \`${file}\`, read as ${path} (relative to GITHUB_WORKSPACE ${workspace})`
  const keepInside = 'the file must be in the workspace (the checked-out repository): give a path inside it.'
  const unreadable = (why: string, cause?: unknown): InputError =>
    new InputError(
      [
        `${asked}, but ${why}. ` +
          'Check the path, and that the job checks out the repository (actions/checkout) before this step.'
      ],
      undefined,
      { cause }
    )
  const failed = (error: unknown): InputError => {
    const code = (error as NodeJS.ErrnoException).code
    return unreadable(
      code === 'ENOENT' ? 'there is no file there' : `it could not be read (${String(code)})`,
      error
    )
  }
  if (!isInside(resolve(workspace), path))
    throw new InputError([`${asked}, which is outside the workspace; ${keepInside}`])
  let real: string
  let stat: Stats
  try {
    real = realpathSync.native(path)
    // Compared with the workspace's own real path: it may itself sit behind a link (macOS's /tmp is /private/tmp).
    if (isInside(realpathSync.native(workspace), real)) stat = statSync(real)
    else
      throw new InputError([
        `${asked}, which through a symbolic link is ${real}, outside the workspace; ${keepInside}`
      ])
  } catch (error) {
    throw error instanceof InputError ? error : failed(error)
  }
  if (stat.isDirectory()) throw unreadable('that is a directory')
  if (!stat.isFile()) throw unreadable('that is not a regular file')
  if (stat.size > MAX_FILE_BYTES)
    throw new InputError([
      `${file}: the file is ${sizeOf(stat.size)}; it may be at most ${sizeOf(MAX_FILE_BYTES)}.`
    ])
  let bytes: Uint8Array
  try {
    bytes = readFileSync(real)
  } catch (error) {
    throw failed(error)
  }
  return decodeUtf8(bytes, file)
}

/**
 * Writes `text` to the file input `input` names (relative to `workspace`), refused when its real location is
 * outside the workspace: a committed link to a folder (or the file itself a link) would otherwise carry the write
 * anywhere the runner's user may write.
 */
export function writeWorkspaceFile(workspace: string, input: string, file: string, text: string): void {
  const path = resolve(workspace, file)
  const root = realpathSync.native(workspace)
  // The deepest folder that exists already, links followed: checked before any folder is made below it.
  let folder = dirname(path)
  while (!existsSync(folder)) folder = dirname(folder)
  const real = realpathSync.native(folder)
  const outside = (where: string): InputError =>
    new InputError([
      `Input \`${input}\` is \`${file}\`, which through a symbolic link is ${where}, outside the workspace; ` +
        'give a path inside it that no link leads out of.'
    ])
  if (real !== root && !isInside(root, real)) throw outside(real)
  if (existsSync(path) && lstatSync(path).isSymbolicLink()) {
    const target = realpathSync.native(path)
    if (!isInside(root, target)) throw outside(target)
  }
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
}
