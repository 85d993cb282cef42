import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Language } from '@kqms/shared/domain'

/**
 * Offline speech for hall announcements: espeak-ng (Debian's package has Kazakh, Russian and
 * English voices) renders a sentence to WAV once; the file is cached under the data folder and
 * served to displays. Browsers' own speech is not used: Chromium on Linux has no kk/ru voices
 * (design/devices.md §7.2).
 */
export interface Speech {
  /** WAV bytes of the sentence in the language's voice; throws SpeechUnavailable without espeak-ng. */
  render(input: { text: string; language: Language }): Promise<Buffer>
}

export class SpeechUnavailable extends Error {
  override readonly name = 'SpeechUnavailable'
}

const VOICES: Record<Language, string> = { kk: 'kk', ru: 'ru', en: 'en' }
/** Words per minute: a little slower than espeak's 175, for a noisy hall. */
const SPEED = '150'
const RENDER_TIMEOUT_MS = 10_000

export function createSpeech(options: {
  /** Where rendered files are kept; none: memory only. */
  cacheDir?: string
  /** The espeak-ng executable (default from PATH). */
  command?: string
}): Speech {
  const command = options.command ?? 'espeak-ng'
  const memory = new Map<string, Promise<Buffer>>()
  const MEMORY_LIMIT = 200

  const synthesize = (input: { text: string; language: Language }): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const child = spawn(command, ['-v', VOICES[input.language], '-s', SPEED, '--stdout'], {
        stdio: ['pipe', 'pipe', 'pipe'],
      })
      const chunks: Buffer[] = []
      let stderr = ''
      const timer = setTimeout(() => child.kill('SIGKILL'), RENDER_TIMEOUT_MS)
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer)
        reject(
          error.code === 'ENOENT' ? new SpeechUnavailable(`${command} is not installed`) : error,
        )
      })
      child.on('close', (code) => {
        clearTimeout(timer)
        const wav = Buffer.concat(chunks)
        if (code === 0 && wav.length > 44) resolve(wav)
        else reject(new SpeechUnavailable(`${command} failed (${String(code)}): ${stderr.trim()}`))
      })
      // The text goes in on stdin, never on the command line.
      child.stdin.end(input.text)
    })

  const cached = async (key: string, input: { text: string; language: Language }) => {
    const dir = options.cacheDir
    if (dir === undefined) return synthesize(input)
    const file = path.join(dir, `${key}.wav`)
    try {
      return await readFile(file)
    } catch {
      const wav = await synthesize(input)
      await mkdir(dir, { recursive: true })
      const temporary = `${file}.${process.pid}.tmp`
      await writeFile(temporary, wav)
      await rename(temporary, file)
      return wav
    }
  }

  return {
    render(input) {
      const key = createHash('sha256')
        .update(`${VOICES[input.language]}\u0000${SPEED}\u0000${input.text}`)
        .digest('hex')
        .slice(0, 32)
      const pending = memory.get(key)
      if (pending) return pending
      const rendering = cached(key, input)
      memory.set(key, rendering)
      // A failure is not remembered: espeak-ng may be installed later.
      rendering.catch(() => memory.delete(key))
      if (memory.size > MEMORY_LIMIT) {
        const oldest = memory.keys().next().value
        if (oldest !== undefined) memory.delete(oldest)
      }
      return rendering
    },
  }
}
