import type { AdminBranch, PublicBranch } from '@kqms/shared/cloud'
import { formatAgo, Loadable, PageHeader, Pill, useConsole, useLoad, useNow } from '../ui'

/** Every branch the staff member may see, with its appliance's sync state and live queue size. */
export function BranchesPage() {
  const { api, t, session } = useConsole()
  const load = useLoad(`branches:${session.user.id}`, async () => {
    const [admin, live] = await Promise.all([
      api.branches(),
      api.publicBranches().catch(() => ({ branches: [] as PublicBranch[] })),
    ])
    const liveById = new Map(live.branches.map((b) => [b.id, b]))
    return admin.branches.map((branch) => ({ branch, live: liveById.get(branch.id) }))
  })
  return (
    <>
      <PageHeader
        title={t('branches.title')}
        subtitle={
          load.data
            ? t('branches.summary', {
                online: load.data.filter((r) => r.branch.reachable).length,
                total: load.data.length,
                waiting: load.data.some((r) => typeof r.live?.waiting === 'number')
                  ? load.data.reduce((sum, r) => sum + (r.live?.waiting ?? 0), 0)
                  : t('app.noData'),
              })
            : undefined
        }
      />
      <Loadable load={load}>{(rows) => <BranchTable rows={rows} />}</Loadable>
    </>
  )
}

function BranchTable(props: { rows: { branch: AdminBranch; live: PublicBranch | undefined }[] }) {
  const { t, language } = useConsole()
  const now = useNow()
  if (props.rows.length === 0) return <div className="notice">{t('branches.empty')}</div>
  return (
    <div className="card table-card">
      <table className="table" data-testid="branches-table">
        <thead>
          <tr>
            <th>{t('branches.name')}</th>
            <th>{t('branches.city')}</th>
            <th>{t('branches.status')}</th>
            <th>{t('branches.lastSync')}</th>
            <th className="num">{t('branches.waiting')}</th>
            <th className="num">{t('branches.expectedWait')}</th>
            <th>{t('branches.timeZone')}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map(({ branch, live }) => (
            <tr key={branch.id} data-branch={branch.id}>
              <td>
                <a href={`#/branches/${encodeURIComponent(branch.id)}`} className="strong">
                  {branch.name[language]}
                </a>
                <div className="muted small">{branch.address[language]}</div>
              </td>
              <td>{branch.city}</td>
              <td>
                {!branch.active ? (
                  <Pill tone="muted">{t('branches.inactive')}</Pill>
                ) : branch.reachable ? (
                  <Pill tone="ok">{t('branches.online')}</Pill>
                ) : (
                  <Pill tone="bad">{t('branches.offline')}</Pill>
                )}
              </td>
              <td className={branch.lastSyncAt ? '' : 'muted'}>
                {branch.lastSyncAt
                  ? formatAgo({ at: branch.lastSyncAt, now, language })
                  : t('app.never')}
              </td>
              <td className="num" data-testid="waiting">
                {typeof live?.waiting === 'number' ? (
                  live.waiting
                ) : (
                  <span className="muted">{t('app.noData')}</span>
                )}
              </td>
              <td className="num">
                {typeof live?.expectedWaitMinutes === 'number' ? (
                  t('branch.minutes', { n: live.expectedWaitMinutes })
                ) : (
                  <span className="muted">{t('app.noData')}</span>
                )}
              </td>
              <td className="muted">{branch.timeZone}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
