/**
 * The two-tone chime the hall display plays before each call, rendered once as a WAV (16-bit
 * mono PCM): a bell-like E5 then C5, each with a short attack and an exponential decay.
 */
const SAMPLE_RATE = 22_050

const TONES: readonly { readonly hz: number; readonly start: number; readonly seconds: number }[] =
  [
    { hz: 659.25, start: 0, seconds: 0.9 },
    { hz: 523.25, start: 0.45, seconds: 1.1 },
  ]

/** A RIFF/WAVE header for 16-bit mono PCM. */
export function wavHeader(sampleCount: number, sampleRate: number): Buffer {
  const header = Buffer.alloc(44)
  const dataBytes = sampleCount * 2
  header.write('RIFF', 0, 'ascii')
  header.writeUInt32LE(36 + dataBytes, 4)
  header.write('WAVE', 8, 'ascii')
  header.write('fmt ', 12, 'ascii')
  header.writeUInt32LE(16, 16) // fmt chunk size
  header.writeUInt16LE(1, 20) // PCM
  header.writeUInt16LE(1, 22) // mono
  header.writeUInt32LE(sampleRate, 24)
  header.writeUInt32LE(sampleRate * 2, 28) // byte rate
  header.writeUInt16LE(2, 32) // block align
  header.writeUInt16LE(16, 34) // bits per sample
  header.write('data', 36, 'ascii')
  header.writeUInt32LE(dataBytes, 40)
  return header
}

export function renderChime(): Buffer {
  const total = Math.ceil(Math.max(...TONES.map((t) => t.start + t.seconds)) * SAMPLE_RATE)
  const samples = new Float64Array(total)
  for (const tone of TONES) {
    const first = Math.round(tone.start * SAMPLE_RATE)
    const length = Math.round(tone.seconds * SAMPLE_RATE)
    for (let i = 0; i < length && first + i < total; i++) {
      const t = i / SAMPLE_RATE
      const attack = Math.min(1, t / 0.01)
      const envelope = attack * Math.exp(-t * 4.5)
      // A fundamental with a soft octave overtone sounds like a bell rather than a beep.
      const wave =
        Math.sin(2 * Math.PI * tone.hz * t) + 0.35 * Math.sin(2 * Math.PI * tone.hz * 2 * t)
      samples[first + i] = (samples[first + i] ?? 0) + 0.38 * envelope * wave
    }
  }
  const data = Buffer.alloc(total * 2)
  for (let i = 0; i < total; i++) {
    const clipped = Math.max(-1, Math.min(1, samples[i] ?? 0))
    data.writeInt16LE(Math.round(clipped * 32_767), i * 2)
  }
  return Buffer.concat([wavHeader(total, SAMPLE_RATE), data])
}
