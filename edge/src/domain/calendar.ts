import type { BusinessDay, Instant, OpeningHours, Weekday } from '@kqms/shared/domain'

/**
 * Local calendar facts for an instant in an IANA time zone. `Intl` is a pure function of its
 * inputs (the zone database ships with Node), so this stays in the domain.
 */
const formatters = new Map<string, Intl.DateTimeFormat>()
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    })
    formatters.set(timeZone, f)
  }
  return f
}

export interface LocalTime {
  readonly day: BusinessDay
  readonly weekday: Weekday
  /** `HH:MM` */
  readonly time: string
}

export function toLocalTime(at: Instant, timeZone: string): LocalTime {
  const parts: Record<string, string> = {}
  for (const p of formatterFor(timeZone).formatToParts(at)) parts[p.type] = p.value
  const get = (k: string): string => parts[k] ?? ''
  return {
    day: `${get('year')}-${get('month')}-${get('day')}` as BusinessDay,
    weekday: get('weekday').toLowerCase().slice(0, 3) as Weekday,
    time: `${get('hour')}:${get('minute')}`,
  }
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone)
    return true
  } catch {
    return false
  }
}

export function isOpenAt(hours: OpeningHours, at: Instant, timeZone: string): boolean {
  const local = toLocalTime(at, timeZone)
  return (hours[local.weekday] ?? []).some((i) => i.open <= local.time && local.time < i.close)
}
