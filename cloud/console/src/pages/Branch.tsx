import type { AdminBranch, BranchConfigurationResponse, QueuesResponse } from '@kqms/shared/cloud'
import { WEEKDAYS, type OpeningHours } from '@kqms/shared/domain'
import { appointmentsHash, canOpen } from '../routes'
import {
  formatAgo,
  formatDateTime,
  formatWeekday,
  Loadable,
  PageHeader,
  Pill,
  Section,
  useConsole,
  useLoad,
  useNow,
} from '../ui'

/** One branch: status, live queues, opening hours, appointment capacity, configuration version. */
export function BranchPage(props: { branchId: string }) {
  const { api, session } = useConsole()
  const isAdmin = canOpen(session.user.role, 'configuration')
  const load = useLoad(`branch:${props.branchId}`, async () => {
    const [branch, queues, configuration] = await Promise.all([
      api.branch(props.branchId),
      api.queues(props.branchId).catch(() => null),
      isAdmin ? api.branchConfiguration(props.branchId).catch(() => null) : Promise.resolve(null),
    ])
    return { branch, queues, configuration }
  })
  return <Loadable load={load}>{(data) => <BranchView {...data} />}</Loadable>
}

function BranchView(props: {
  branch: AdminBranch
  queues: QueuesResponse | null
  configuration: BranchConfigurationResponse | null
}) {
  const { t, language, session } = useConsole()
  const now = useNow()
  const { branch, queues, configuration } = props
  const capacity = branch.capacity
  return (
    <>
      <PageHeader
        title={<span data-testid="branch-title">{branch.name[language]}</span>}
        subtitle={
          <>
            {branch.address[language]} · {branch.timeZone} ·{' '}
            {branch.reachable ? (
              <Pill tone="ok">{t('branches.online')}</Pill>
            ) : (
              <Pill tone="bad">{t('branches.offline')}</Pill>
            )}{' '}
            {t('branches.lastSync')}:{' '}
            {branch.lastSyncAt
              ? formatAgo({ at: branch.lastSyncAt, now, language })
              : t('app.never')}
          </>
        }
        actions={
          <>
            <a
              className="button"
              href={appointmentsHash({ branchId: branch.id })}
              data-testid="open-calendar"
            >
              {t('branch.openCalendar')}
            </a>
            {canOpen(session.user.role, 'inventory') ? (
              <a className="button" href={`#/inventory?branch=${encodeURIComponent(branch.id)}`}>
                {t('nav.inventory')}
              </a>
            ) : null}
            {canOpen(session.user.role, 'configuration') ? (
              <a className="button" href={`#/configuration/${encodeURIComponent(branch.id)}`}>
                {t('branch.openConfiguration')}
              </a>
            ) : null}
          </>
        }
      />
      <div className="grid-2">
        <Section title={t('branch.live')} testId="live-queues">
          {queues === null || queues.services.length === 0 ? (
            <p className="muted pad">{t('app.noData')}</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>{t('branch.service')}</th>
                  <th className="num">{t('branches.waiting')}</th>
                  <th className="num">{t('branches.expectedWait')}</th>
                </tr>
              </thead>
              <tbody>
                {queues.services.map((service) => (
                  <tr key={service.serviceId}>
                    <td>
                      <span className="prefix">{service.prefix}</span> {service.name[language]}
                    </td>
                    <td className="num">
                      {service.waiting ?? <span className="muted">{t('app.noData')}</span>}
                    </td>
                    <td className="num">
                      {service.expectedWaitMinutes === null ? (
                        <span className="muted">{t('app.noData')}</span>
                      ) : (
                        t('branch.minutes', { n: service.expectedWaitMinutes })
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
        <Section title={t('branch.capacity')}>
          <dl className="facts">
            <dt>{t('branch.counters')}</dt>
            <dd>{capacity.counters}</dd>
            <dt>{t('branch.slotMinutes')}</dt>
            <dd>{t('branch.minutes', { n: capacity.slotMinutes })}</dd>
            <dt>{t('branch.perSlot')}</dt>
            <dd>{capacity.appointmentsPerSlot}</dd>
            <dt>{t('branch.horizon')}</dt>
            <dd>{t('branch.days', { n: capacity.horizonDays })}</dd>
            <dt>{t('branch.lead')}</dt>
            <dd>{t('branch.minutes', { n: capacity.leadMinutes })}</dd>
            <dt>{t('branch.arrival')}</dt>
            <dd>
              {t('branch.arrivalWindow', {
                early: capacity.earlyArrivalMinutes,
                late: capacity.lateArrivalMinutes,
              })}
            </dd>
            <dt>{t('branch.location')}</dt>
            <dd className="muted">
              {branch.location.lat.toFixed(4)}, {branch.location.lon.toFixed(4)}
            </dd>
          </dl>
        </Section>
        <Section title={t('branch.hours')}>
          <Hours hours={branch.openingHours} />
        </Section>
        {configuration ? (
          <Section title={t('branch.config')}>
            <dl className="facts">
              <dt>{t('branch.publishedVersion')}</dt>
              <dd data-testid="published-version">
                {configuration.published ? (
                  <>
                    v{configuration.published.version} ·{' '}
                    {formatDateTime({ at: configuration.published.publishedAt, language })}
                  </>
                ) : (
                  <span className="muted">{t('branch.notPublished')}</span>
                )}
              </dd>
              <dt>{t('config.draft')}</dt>
              <dd>
                {configuration.unpublishedChanges ? (
                  <Pill tone="warn">{t('branch.unpublished')}</Pill>
                ) : (
                  <span className="muted">{t('config.draftSame')}</span>
                )}
              </dd>
            </dl>
          </Section>
        ) : null}
      </div>
    </>
  )
}

function Hours(props: { hours: OpeningHours }) {
  const { t, language } = useConsole()
  return (
    <table className="table compact">
      <tbody>
        {WEEKDAYS.map((day, index) => {
          const intervals = props.hours[day] ?? []
          // 2026-01-05 is a Monday: name weekdays in the staff member's language.
          const date = `2026-01-${String(5 + index).padStart(2, '0')}`
          return (
            <tr key={day}>
              <th scope="row">{formatWeekday({ date, language })}</th>
              <td className={intervals.length === 0 ? 'muted' : ''}>
                {intervals.length === 0
                  ? t('branch.closed')
                  : intervals.map((i) => `${i.open}–${i.close}`).join(', ')}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
