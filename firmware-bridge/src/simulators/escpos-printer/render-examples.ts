import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { LANGUAGES } from '@kqms/shared/domain'
import { PrintTicketArgs } from '@kqms/shared/mqtt'
import { composeTicket } from '../../devices/printer/compose.js'
import { PRINTER_PROFILES } from '../../devices/printer/profiles.js'
import { layoutTicket } from '../../devices/printer/templates.js'
import { writeTicketPng } from './render.js'
import { EPSON_CODE_PAGES, EscPosPrinterSimulator, XPRINTER_CODE_PAGES } from './simulator.js'

/**
 * Prints sample tickets through the encoder and the simulator and saves what the paper would look
 * like: `tsx firmware-bridge/src/simulators/escpos-printer/render-examples.ts [--out <dir>] [--all]`.
 * Without `--all`: one ticket per language into `examples/` (kk on the Epson profile as KZ-1048
 * text, ru on the 58 mm Xprinter profile as CP866 text, en on the raster-only profile).
 */

const SERVICE = {
  kk: 'Төлемдер және аударымдар',
  ru: 'Платежи и переводы',
  en: 'Payments and transfers',
}
const DEFAULT_PROFILE = { kk: 'epson-tm-t20', ru: 'xprinter-xp58', en: 'generic-80' } as const

const { values } = parseArgs({ options: { out: { type: 'string' }, all: { type: 'boolean' } } })
const outDir = values.out ?? join(dirname(fileURLToPath(import.meta.url)), 'examples')
const scratch = await mkdtemp(join(tmpdir(), 'kqms-examples-'))
try {
  for (const language of LANGUAGES) {
    const profiles = values.all
      ? Object.values(PRINTER_PROFILES)
      : [PRINTER_PROFILES[DEFAULT_PROFILE[language]]]
    const templates = values.all
      ? (['ticket', 'appointment-ticket', 'test-page'] as const)
      : (['ticket'] as const)
    for (const profile of profiles) {
      for (const template of templates) {
        const args = PrintTicketArgs.parse({
          template,
          language,
          ticketId: '0193a3b4-7c1e-7b55-9d0e-5f7a2c9b1e42',
          number: template === 'test-page' ? 'TEST' : 'A042',
          branchName: 'Kaspi Bank',
          serviceName: SERVICE[language],
          issuedAt: Date.UTC(2026, 10, 22, 4, 15),
          timeZone: 'Asia/Almaty',
          ahead: 5,
          waitMinutes: { low: 10, high: 15 },
          statusUrl: 'https://q.kaspi.kz/s/0193a3b4-7c1e-7b55-9d0e-5f7a2c9b1e42',
          appointmentAt: Date.UTC(2026, 10, 22, 5, 30),
        })
        const { bytes, mode } = composeTicket({
          lines: layoutTicket(args, profile),
          profile,
          logo: null,
        })
        const simulator = new EscPosPrinterSimulator({
          send: () => undefined,
          widthDots: profile.widthDots,
          codePages: profile.name === 'xprinter-xp58' ? XPRINTER_CODE_PAGES : EPSON_CODE_PAGES,
        })
        simulator.receive(bytes)
        const [ticket] = simulator.tickets
        if (!ticket) throw new Error(`${template} ${language} ${profile.name}: nothing printed`)
        const png = await writeTicketPng({ ticket, widthDots: profile.widthDots, outDir: scratch })
        const target = join(outDir, `${template}.${language}.${profile.name}.png`)
        await copyFile(png, target)
        console.log(`${target}: ${mode}, ${bytes.length} bytes`)
      }
    }
  }
} finally {
  await rm(scratch, { recursive: true, force: true })
}
