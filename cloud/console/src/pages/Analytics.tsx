import type { AdminBranch, AnalyticsResponse } from '@kqms/shared/cloud'
import { useState } from 'react'
import {
  addDays,
  formatDay,
  Loadable,
  localDate,
  PageHeader,
  Section,
  useConsole,
  useLoad,
  useNow,
} from '../ui'

/**
 * Appointment and remote-join counts per branch and local day, from what the cloud holds (queue
 * analytics from the branches arrive with sync and are not shown until then).
 */
export function AnalyticsPage() {
  const { api, t, session } = useConsole()
  const now = useNow(60_000)
  const today = localDate(now, Intl.DateTimeFormat().resolvedOptions().timeZone)
  const [range, setRange] = useState(() => ({ from: addDays(today, -7), to: addDays(today, 14) }))
  const load = useLoad(`analytics:${session.user.id}:${range.from}:${range.to}`, async () => {
    const [analytics, branches] = await Promise.all([api.analytics(range), api.branches()])
    return { analytics, branches: branches.branches }
  })
  return (
    <>
      <PageHeader
        title={t('analytics.title')}
        subtitle={t('analytics.note')}
        actions={
          <div className="toolbar-inline">
            <label className="inline">
              {t('analytics.from')}
              <input
                type="date"
                value={range.from}
                max={range.to}
                onChange={(e) => {
                  if (e.target.value) setRange({ ...range, from: e.target.value })
                }}
              />
            </label>
            <label className="inline">
              {t('analytics.to')}
              <input
                type="date"
                value={range.to}
                min={range.from}
                onChange={(e) => {
                  if (e.target.value) setRange({ ...range, to: e.target.value })
                }}
              />
            </label>
          </div>
        }
      />
      <Loadable load={load}>
        {(data) => <AnalyticsView analytics={data.analytics} branches={data.branches} />}
      </Loadable>
    </>
  )
}

function AnalyticsView(props: { analytics: AnalyticsResponse; branches: AdminBranch[] }) {
  const { t, language } = useConsole()
  const { analytics } = props
  const days: string[] = []
  for (let d = analytics.from; d <= analytics.to; d = addDays(d, 1)) days.push(d)
  const bookedByDay = new Map<string, number>()
  for (const row of analytics.appointments) {
    bookedByDay.set(row.date, (bookedByDay.get(row.date) ?? 0) + row.booked)
  }
  const peak = Math.max(1, ...bookedByDay.values())
  const rows = props.branches.map((branch) => {
    const appointments = analytics.appointments.filter((r) => r.branchId === branch.id)
    const joins = analytics.remoteJoins.filter((r) => r.branchId === branch.id)
    const sum = <T,>(list: T[], pick: (item: T) => number) => list.reduce((s, i) => s + pick(i), 0)
    return {
      branch,
      booked: sum(appointments, (r) => r.booked),
      cancelled: sum(appointments, (r) => r.cancelled),
      accepted: sum(joins, (r) => r.accepted),
      rejected: sum(joins, (r) => r.rejected + r.expired),
      pending: sum(joins, (r) => r.pending),
    }
  })
  return (
    <div className="stack">
      <div className="kpis">
        <div className="card kpi" data-testid="kpi-booked">
          <span className="muted">{t('analytics.booked')}</span>
          <strong>{analytics.totals.appointmentsBooked}</strong>
        </div>
        <div className="card kpi">
          <span className="muted">{t('analytics.cancelled')}</span>
          <strong>{analytics.totals.appointmentsCancelled}</strong>
        </div>
        <div className="card kpi">
          <span className="muted">{t('analytics.remoteJoins')}</span>
          <strong>{analytics.totals.remoteJoins}</strong>
        </div>
      </div>
      <Section title={t('analytics.perDay')}>
        <div className="bars" role="img" aria-label={t('analytics.perDay')}>
          {days.map((day) => {
            const value = bookedByDay.get(day) ?? 0
            return (
              <div
                key={day}
                className="bar"
                title={`${formatDay({ date: day, language })}: ${value}`}
              >
                <span className="bar-value">{value > 0 ? value : ''}</span>
                <span className="bar-fill" style={{ height: `${(value / peak) * 100}%` }} />
                <span className="bar-label">{Number(day.slice(8))}</span>
              </div>
            )
          })}
        </div>
      </Section>
      <Section title={t('analytics.perBranch')}>
        <table className="table" data-testid="analytics-table">
          <thead>
            <tr>
              <th>{t('branches.name')}</th>
              <th className="num">{t('analytics.booked')}</th>
              <th className="num">{t('analytics.cancelled')}</th>
              <th className="num">{t('analytics.cancelRate')}</th>
              <th className="num">{t('analytics.joinsAccepted')}</th>
              <th className="num">{t('analytics.joinsRejected')}</th>
              <th className="num">{t('analytics.joinsPending')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.branch.id} data-branch={r.branch.id}>
                <td>{r.branch.name[language]}</td>
                <td className="num">{r.booked}</td>
                <td className="num">{r.cancelled}</td>
                <td className="num">
                  {r.booked + r.cancelled > 0 ? (
                    `${Math.round((r.cancelled / (r.booked + r.cancelled)) * 100)}%`
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td className="num">{r.accepted}</td>
                <td className="num">{r.rejected}</td>
                <td className="num">{r.pending}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </div>
  )
}
