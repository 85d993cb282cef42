/** Small hand-written SVG line charts (no dependency): wait distribution and wait over the day. */

export interface Series {
  readonly name: string
  readonly points: readonly (readonly [number, number])[]
}

interface Panel {
  readonly title: string
  readonly xLabel: string
  readonly yLabel: string
  readonly series: readonly Series[]
  readonly xRange: readonly [number, number]
  readonly yRange: readonly [number, number]
  readonly xTicks: readonly number[]
  readonly yTicks: readonly number[]
  readonly step?: boolean
}

const COLORS = [
  '#1b9e77',
  '#d95f02',
  '#7570b3',
  '#e7298a',
  '#66a61e',
  '#e6ab02',
  '#a6761d',
  '#666666',
]
const WIDTH = 460
const HEIGHT = 340
const MARGIN = { left: 56, right: 16, top: 36, bottom: 48 }

const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const fmt = (n: number) => (Math.round(n * 100) / 100).toString()

function panel(p: Panel, offsetX: number): string {
  const w = WIDTH - MARGIN.left - MARGIN.right
  const h = HEIGHT - MARGIN.top - MARGIN.bottom
  const x = (v: number) => MARGIN.left + ((v - p.xRange[0]) / (p.xRange[1] - p.xRange[0])) * w
  const y = (v: number) =>
    MARGIN.top + h - ((Math.min(v, p.yRange[1]) - p.yRange[0]) / (p.yRange[1] - p.yRange[0])) * h
  const parts: string[] = [`<g transform="translate(${offsetX},0)">`]
  parts.push(
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-weight="bold">${escape(p.title)}</text>`,
  )
  for (const t of p.xTicks)
    parts.push(
      `<line x1="${fmt(x(t))}" y1="${MARGIN.top}" x2="${fmt(x(t))}" y2="${MARGIN.top + h}" stroke="#eee"/>`,
      `<text x="${fmt(x(t))}" y="${MARGIN.top + h + 16}" text-anchor="middle">${fmt(t)}</text>`,
    )
  for (const t of p.yTicks)
    parts.push(
      `<line x1="${MARGIN.left}" y1="${fmt(y(t))}" x2="${MARGIN.left + w}" y2="${fmt(y(t))}" stroke="#eee"/>`,
      `<text x="${MARGIN.left - 6}" y="${fmt(y(t) + 4)}" text-anchor="end">${fmt(t)}</text>`,
    )
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`,
    `<text x="${MARGIN.left + w / 2}" y="${HEIGHT - 10}" text-anchor="middle">${escape(p.xLabel)}</text>`,
    `<text transform="translate(14,${MARGIN.top + h / 2}) rotate(-90)" text-anchor="middle">${escape(p.yLabel)}</text>`,
  )
  p.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length] ?? '#000'
    const points: string[] = []
    s.points.forEach(([px, py], k) => {
      const prev = s.points[k - 1]
      if (p.step && prev) points.push(`${fmt(x(px))},${fmt(y(prev[1]))}`)
      points.push(`${fmt(x(px))},${fmt(y(py))}`)
    })
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="1.8" points="${points.join(' ')}"/>`,
      `<rect x="${MARGIN.left + w - 70}" y="${MARGIN.top + 8 + i * 16}" width="10" height="10" fill="${color}"/>`,
      `<text x="${MARGIN.left + w - 56}" y="${MARGIN.top + 17 + i * 16}">${escape(s.name)}</text>`,
    )
  })
  parts.push('</g>')
  return parts.join('\n')
}

export function waitCharts(input: {
  title: string
  distribution: readonly Series[]
  overTheDay: readonly Series[]
}): string {
  const maxMean = Math.max(1, ...input.overTheDay.flatMap((s) => s.points.map(([, v]) => v)))
  const yTop = Math.ceil(maxMean / 2) * 2
  const hours = input.overTheDay.flatMap((s) => s.points.map(([hour]) => hour))
  const first = Math.min(...hours, 9)
  const last = Math.max(...hours, 18)
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * WIDTH}" height="${HEIGHT + 24}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${WIDTH}" y="${HEIGHT + 18}" text-anchor="middle" fill="#555">${escape(input.title)}</text>`,
    panel(
      {
        title: 'Wait distribution (served tickets)',
        xLabel: 'wait, minutes',
        yLabel: 'share waiting at most x',
        series: input.distribution,
        xRange: [0, 30],
        yRange: [0, 1],
        xTicks: [0, 5, 10, 15, 20, 25, 30],
        yTicks: [0, 0.2, 0.4, 0.6, 0.8, 1],
        step: true,
      },
      0,
    ),
    panel(
      {
        title: 'Mean wait over the day',
        xLabel: 'hour of arrival (local)',
        yLabel: 'mean wait, minutes',
        series: input.overTheDay,
        xRange: [first, last + 1],
        yRange: [0, yTop],
        xTicks: Array.from({ length: last - first + 2 }, (_x, i) => first + i),
        yTicks: Array.from({ length: yTop / 2 + 1 }, (_x, i) => i * 2),
      },
      WIDTH,
    ),
    '</svg>',
    '',
  ].join('\n')
}
