import {
  formatAgo,
  formatDateTime,
  Loadable,
  PageHeader,
  Section,
  useConsole,
  useLoad,
  useNow,
} from '../ui'

/** Branch appliances and the devices paired to them (kiosks, displays, printers…). */
export function InventoryPage(props: { branchId: string | undefined }) {
  const { api, t, language, navigate, session } = useConsole()
  const now = useNow()
  const load = useLoad(`inventory:${session.user.id}:${props.branchId ?? ''}`, async () => {
    const [branches, appliances, devices] = await Promise.all([
      api.branches(),
      api.appliances(props.branchId),
      api.devices(props.branchId),
    ])
    return {
      branches: branches.branches,
      appliances: appliances.appliances,
      devices: devices.devices,
    }
  })
  return (
    <>
      <PageHeader
        title={t('inventory.title')}
        subtitle={
          load.data ? (
            <label className="inline">
              {t('calendar.branch')}{' '}
              <select
                value={props.branchId ?? ''}
                onChange={(e) =>
                  navigate(
                    e.target.value
                      ? `#/inventory?branch=${encodeURIComponent(e.target.value)}`
                      : '#/inventory',
                  )
                }
              >
                <option value="">{t('app.all')}</option>
                {load.data.branches.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name[language]}
                  </option>
                ))}
              </select>
            </label>
          ) : undefined
        }
      />
      <Loadable load={load}>
        {({ appliances, devices }) => {
          const applianceName = new Map(appliances.map((a) => [a.id, a.name]))
          return (
            <div className="stack">
              <Section title={t('inventory.appliances')} testId="appliances">
                {appliances.length === 0 ? (
                  <p className="muted pad">{t('inventory.none')}</p>
                ) : (
                  <table className="table">
                    <thead>
                      <tr>
                        <th>{t('inventory.name')}</th>
                        <th>{t('calendar.branch')}</th>
                        <th>{t('inventory.serial')}</th>
                        <th>{t('inventory.registered')}</th>
                        <th>{t('inventory.lastSeen')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {appliances.map((a) => (
                        <tr key={a.id}>
                          <td className="strong">{a.name}</td>
                          <td>{a.branchId}</td>
                          <td className="mono">{a.serialNumber}</td>
                          <td>{formatDateTime({ at: a.registeredAt, language })}</td>
                          <td className={a.lastSeenAt ? '' : 'muted'}>
                            {a.lastSeenAt
                              ? formatAgo({ at: a.lastSeenAt, now, language })
                              : t('app.never')}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </Section>
              <Section title={t('inventory.devices')} testId="devices">
                {devices.length === 0 ? (
                  <p className="muted pad">{t('inventory.none')}</p>
                ) : (
                  <table className="table">
                    <thead>
                      <tr>
                        <th>{t('inventory.label')}</th>
                        <th>{t('inventory.kind')}</th>
                        <th>{t('calendar.branch')}</th>
                        <th>{t('inventory.appliance')}</th>
                        <th>{t('inventory.registered')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {devices.map((d) => (
                        <tr key={d.id}>
                          <td className="strong">{d.label}</td>
                          <td>{d.kind}</td>
                          <td>{d.branchId}</td>
                          <td>
                            {d.applianceId ? (
                              (applianceName.get(d.applianceId) ?? d.applianceId)
                            ) : (
                              <span className="muted">—</span>
                            )}
                          </td>
                          <td>{formatDateTime({ at: d.createdAt, language })}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </Section>
            </div>
          )
        }}
      </Loadable>
    </>
  )
}
