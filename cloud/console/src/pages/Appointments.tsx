import type {
  AdminAppointment,
  AdminBranch,
  PublicSlot,
  PublicServiceQueue,
} from '@kqms/shared/cloud'
import { appointmentsHash, type Route } from '../routes'
import {
  addDays,
  formatDay,
  formatTime,
  Loadable,
  localDate,
  PageHeader,
  Pill,
  Section,
  shownPhone,
  startOfWeek,
  useConsole,
  useLoad,
  useNow,
} from '../ui'

type AppointmentsRoute = Extract<Route, { page: 'appointments' }>

interface DayData {
  date: string
  slots: PublicSlot[]
  bookings: AdminAppointment[]
}

/** The appointments calendar of a branch and service: a day of slots with bookings, or a week. */
export function AppointmentsPage(props: { route: AppointmentsRoute }) {
  const { api, session } = useConsole()
  const branches = useLoad(`calendar-branches:${session.user.id}`, () => api.branches())
  return (
    <Loadable load={branches}>
      {({ branches: list }) => <Calendar route={props.route} branches={list} />}
    </Loadable>
  )
}

function Calendar(props: { route: AppointmentsRoute; branches: AdminBranch[] }) {
  const { api, t, language, navigate } = useConsole()
  const now = useNow(60_000)
  const { route, branches } = props
  const branch = branches.find((b) => b.id === route.branchId) ?? branches[0]
  const services = useLoad(`calendar-services:${branch?.id ?? ''}`, async () =>
    branch ? (await api.queues(branch.id)).services.filter((s) => s.bookable) : [],
  )
  if (!branch) return <div className="notice">{t('branches.empty')}</div>
  const today = localDate(now, branch.timeZone)
  const date = route.date ?? today
  const go = (
    change: Partial<{ branchId: string; serviceId: string; date: string; view: 'day' | 'week' }>,
  ) =>
    navigate(
      appointmentsHash({
        branchId: change.branchId ?? branch.id,
        serviceId: change.branchId ? undefined : (change.serviceId ?? route.serviceId),
        date: change.date ?? date,
        view: change.view ?? route.view,
      }),
    )
  const step = route.view === 'week' ? 7 : 1

  return (
    <>
      <PageHeader
        title={t('calendar.title')}
        subtitle={`${branch.name[language]} · ${branch.timeZone}`}
      />
      <div className="toolbar card">
        <label>
          {t('calendar.branch')}
          <select
            value={branch.id}
            data-testid="calendar-branch"
            onChange={(e) => go({ branchId: e.target.value })}
          >
            {branches.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name[language]}
              </option>
            ))}
          </select>
        </label>
        <Loadable load={services}>
          {(list) => (
            <label>
              {t('calendar.service')}
              <select
                value={route.serviceId ?? list[0]?.serviceId ?? ''}
                data-testid="calendar-service"
                onChange={(e) => go({ serviceId: e.target.value })}
              >
                {list.map((s) => (
                  <option key={s.serviceId} value={s.serviceId}>
                    {s.prefix} · {s.name[language]}
                  </option>
                ))}
              </select>
            </label>
          )}
        </Loadable>
        <label>
          {t('calendar.date')}
          <input
            type="date"
            value={date}
            data-testid="calendar-date"
            onChange={(e) => {
              if (e.target.value) go({ date: e.target.value })
            }}
          />
        </label>
        <div className="segmented">
          <button
            type="button"
            onClick={() => go({ date: addDays(date, -step) })}
            aria-label={t('calendar.prev')}
          >
            ‹
          </button>
          <button type="button" onClick={() => go({ date: today })}>
            {t('calendar.today')}
          </button>
          <button
            type="button"
            onClick={() => go({ date: addDays(date, step) })}
            aria-label={t('calendar.next')}
          >
            ›
          </button>
        </div>
        <div className="segmented" role="group">
          <button
            type="button"
            data-view="day"
            className={route.view === 'day' ? 'active' : ''}
            onClick={() => go({ view: 'day' })}
          >
            {t('calendar.day')}
          </button>
          <button
            type="button"
            data-view="week"
            className={route.view === 'week' ? 'active' : ''}
            onClick={() => go({ view: 'week' })}
          >
            {t('calendar.week')}
          </button>
        </div>
      </div>
      <Loadable load={services}>
        {(list) => {
          const service = list.find((s) => s.serviceId === route.serviceId) ?? list[0]
          if (!service) return <div className="notice">{t('calendar.noSlots')}</div>
          return route.view === 'week' ? (
            <WeekView branch={branch} service={service} date={date} />
          ) : (
            <DayView branch={branch} service={service} services={list} date={date} />
          )
        }}
      </Loadable>
    </>
  )
}

function useDays(input: { branch: AdminBranch; service: PublicServiceQueue; dates: string[] }) {
  const { api } = useConsole()
  const { branch, service, dates } = input
  return useLoad(`days:${branch.id}:${service.serviceId}:${dates.join(',')}`, () =>
    Promise.all(
      dates.map(async (date): Promise<DayData> => {
        const [slots, bookings] = await Promise.all([
          api.slots({ branchId: branch.id, serviceId: service.serviceId, date }),
          api.appointments({ branchId: branch.id, date }),
        ])
        return { date, slots: slots.slots, bookings: bookings.appointments }
      }),
    ),
  )
}

function DayView(props: {
  branch: AdminBranch
  service: PublicServiceQueue
  services: PublicServiceQueue[]
  date: string
}) {
  const { t, language } = useConsole()
  const { branch, service, date } = props
  const load = useDays({ branch, service, dates: [date] })
  return (
    <Loadable load={load}>
      {([day]) => {
        if (!day) return null
        const ofService = day.bookings.filter(
          (b) => b.serviceId === service.serviceId && b.status === 'booked',
        )
        const bookedAt = (startsAt: string) =>
          ofService.filter((b) => Date.parse(b.startsAt) === Date.parse(startsAt))
        const totalFree = day.slots.reduce((sum, s) => sum + s.available, 0)
        return (
          <>
            <Section
              title={`${formatDay({ date, language, long: true })} · ${service.name[language]}`}
              actions={
                <span className="muted" data-testid="day-totals">
                  {t('calendar.totals', { booked: ofService.length, free: totalFree })}
                </span>
              }
              testId="day-view"
            >
              {day.slots.length === 0 ? (
                <p className="muted pad">{t('calendar.noSlots')}</p>
              ) : (
                <div className="slots">
                  {day.slots.map((slot) => {
                    const bookings = bookedAt(slot.startsAt)
                    const capacity = slot.available + bookings.length
                    return (
                      <div key={slot.startsAt} className="slot-row" data-slot={slot.localTime}>
                        <div className="slot-time">{slot.localTime}</div>
                        <div className="slot-bar" title={`${bookings.length}/${capacity}`}>
                          {Array.from({ length: Math.max(capacity, 1) }, (_, i) => (
                            <span
                              key={i}
                              className={
                                i < bookings.length
                                  ? 'seat taken'
                                  : capacity === 0
                                    ? 'seat none'
                                    : 'seat'
                              }
                            />
                          ))}
                        </div>
                        <div className="slot-count">
                          {slot.available > 0 ? (
                            <Pill tone="ok">
                              {t('calendar.available')}: {slot.available}
                            </Pill>
                          ) : (
                            <Pill tone="muted">{t('calendar.available')}: 0</Pill>
                          )}
                        </div>
                        <div className="slot-bookings">
                          {bookings.map((b) => (
                            <span key={b.id} className="booking-chip">
                              {shownPhone(b.phone)} · {b.language.toUpperCase()}
                            </span>
                          ))}
                        </div>
                      </div>
                    )
                  })}
                </div>
              )}
            </Section>
            <Section title={t('calendar.allBookings')} testId="day-bookings">
              <BookingTable
                bookings={day.bookings}
                timeZone={branch.timeZone}
                services={props.services}
              />
            </Section>
          </>
        )
      }}
    </Loadable>
  )
}

function BookingTable(props: {
  bookings: AdminAppointment[]
  timeZone: string
  services: PublicServiceQueue[]
}) {
  const { t, language } = useConsole()
  const names = new Map(props.services.map((s) => [s.serviceId, s.name[language]]))
  if (props.bookings.length === 0) return <p className="muted pad">{t('calendar.noBookings')}</p>
  return (
    <table className="table">
      <thead>
        <tr>
          <th>{t('calendar.time')}</th>
          <th>{t('calendar.service')}</th>
          <th>{t('calendar.phone')}</th>
          <th>{t('calendar.language')}</th>
          <th>{t('branches.status')}</th>
        </tr>
      </thead>
      <tbody>
        {props.bookings
          .toSorted((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt))
          .map((b) => (
            <tr key={b.id}>
              <td>{formatTime({ at: b.startsAt, language, timeZone: props.timeZone })}</td>
              <td>{names.get(b.serviceId) ?? b.serviceId}</td>
              <td className="mono">{shownPhone(b.phone)}</td>
              <td>{b.language.toUpperCase()}</td>
              <td>
                <Pill tone={b.status === 'booked' ? 'info' : 'muted'}>
                  {t(`calendar.status.${b.status}`)}
                </Pill>
              </td>
            </tr>
          ))}
      </tbody>
    </table>
  )
}

function WeekView(props: { branch: AdminBranch; service: PublicServiceQueue; date: string }) {
  const { t, language, navigate } = useConsole()
  const monday = startOfWeek(props.date)
  const dates = Array.from({ length: 7 }, (_, i) => addDays(monday, i))
  const load = useDays({ branch: props.branch, service: props.service, dates })
  return (
    <Loadable load={load}>
      {(days) => {
        const times = [...new Set(days.flatMap((d) => d.slots.map((s) => s.localTime)))].sort()
        return (
          <Section
            title={`${formatDay({ date: monday, language })} – ${formatDay({ date: addDays(monday, 6), language })}`}
            testId="week-view"
          >
            {times.length === 0 ? (
              <p className="muted pad">{t('calendar.noSlots')}</p>
            ) : (
              <div className="week-scroll">
                <table className="table week">
                  <thead>
                    <tr>
                      <th>{t('calendar.time')}</th>
                      {days.map((d) => (
                        <th key={d.date}>
                          <button
                            type="button"
                            className="link"
                            onClick={() =>
                              navigate(
                                appointmentsHash({
                                  branchId: props.branch.id,
                                  serviceId: props.service.serviceId,
                                  date: d.date,
                                }),
                              )
                            }
                          >
                            {formatDay({ date: d.date, language })}
                          </button>
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {times.map((time) => (
                      <tr key={time}>
                        <th scope="row">{time}</th>
                        {days.map((d) => {
                          const slot = d.slots.find((s) => s.localTime === time)
                          if (!slot) return <td key={d.date} className="cell-none" />
                          const booked = d.bookings.filter(
                            (b) =>
                              b.serviceId === props.service.serviceId &&
                              b.status === 'booked' &&
                              Date.parse(b.startsAt) === Date.parse(slot.startsAt),
                          ).length
                          const capacity = booked + slot.available
                          const tone =
                            capacity === 0
                              ? 'cell-none'
                              : slot.available === 0
                                ? 'cell-full'
                                : booked > 0
                                  ? 'cell-some'
                                  : 'cell-free'
                          return (
                            <td
                              key={d.date}
                              className={tone}
                              title={`${t('calendar.booked')} ${booked} · ${t('calendar.available')} ${slot.available}`}
                            >
                              {booked}/{capacity}
                            </td>
                          )
                        })}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Section>
        )
      }}
    </Loadable>
  )
}
