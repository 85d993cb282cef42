import type {
  AdminBranch,
  BranchConfigurationResponse,
  ConfigVersionView,
  EffectiveService,
  ServiceOverride,
} from '@kqms/shared/cloud'
import { useState, type FormEvent } from 'react'
import {
  errorText,
  fieldText,
  formatDateTime,
  Loadable,
  PageHeader,
  Pill,
  Section,
  useConsole,
  useLoad,
} from '../ui'

/** Per-branch service configuration (overrides of the bank-wide catalogue), publish and history. */
export function ConfigurationPage(props: { branchId: string | undefined }) {
  const { api, session } = useConsole()
  const branches = useLoad(`config-branches:${session.user.id}`, () => api.branches())
  return (
    <Loadable load={branches}>
      {({ branches: list }) => {
        const branch = list.find((b) => b.id === props.branchId) ?? list[0]
        return branch ? (
          <BranchConfiguration key={branch.id} branch={branch} branches={list} />
        ) : null
      }}
    </Loadable>
  )
}

function BranchConfiguration(props: { branch: AdminBranch; branches: AdminBranch[] }) {
  const { api, t, language, navigate } = useConsole()
  const { branch } = props
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null)
  const [busy, setBusy] = useState(false)
  const load = useLoad(`config:${branch.id}`, async () => {
    const [configuration, versions] = await Promise.all([
      api.branchConfiguration(branch.id),
      api.versions(branch.id),
    ])
    return { configuration, versions: versions.versions }
  })

  const publish = async () => {
    setBusy(true)
    setMessage(null)
    try {
      const result = await api.publish(branch.id)
      setMessage(
        result.created
          ? { tone: 'ok', text: t('config.published', { n: result.version.version }) }
          : { tone: 'ok', text: t('config.unchanged', { n: result.version.version }) },
      )
      load.reload()
    } catch (e) {
      setMessage({ tone: 'bad', text: errorText(e) })
    } finally {
      setBusy(false)
    }
  }

  const latest = load.data?.versions.reduce((max, v) => Math.max(max, v.version), 0) ?? 0
  return (
    <>
      <PageHeader
        title={t('config.title')}
        subtitle={
          <label className="inline">
            {t('config.branch')}{' '}
            <select
              value={branch.id}
              data-testid="config-branch"
              onChange={(e) => navigate(`#/configuration/${encodeURIComponent(e.target.value)}`)}
            >
              {props.branches.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name[language]}
                </option>
              ))}
            </select>
          </label>
        }
        actions={
          <button
            type="button"
            className="button primary"
            data-testid="publish"
            disabled={busy || !load.data?.configuration.unpublishedChanges}
            onClick={() => void publish()}
          >
            {load.data?.configuration.unpublishedChanges
              ? t('config.publish', { n: latest + 1 })
              : t('config.publishNothing')}
          </button>
        }
      />
      {message ? (
        <div className={`notice notice-${message.tone}`} role="status" data-testid="config-message">
          {message.text}
        </div>
      ) : null}
      <Loadable load={load}>
        {({ configuration, versions }) => (
          <div className="stack">
            <Section
              title={t('config.services')}
              actions={
                configuration.unpublishedChanges ? (
                  <Pill tone="warn">{t('config.draftDiffers')}</Pill>
                ) : (
                  <Pill tone="muted">{t('config.draftSame')}</Pill>
                )
              }
            >
              <ServicesTable
                configuration={configuration}
                onSaved={() => {
                  setMessage({ tone: 'ok', text: t('config.saved') })
                  load.reload()
                }}
              />
            </Section>
            <Section title={t('config.history')} testId="version-history">
              <VersionTable versions={versions} />
            </Section>
          </div>
        )}
      </Loadable>
    </>
  )
}

function ServicesTable(props: { configuration: BranchConfigurationResponse; onSaved: () => void }) {
  const { t, language } = useConsole()
  const [editing, setEditing] = useState<string | null>(null)
  const overrides = new Map(props.configuration.overrides.map((o) => [o.serviceId, o]))
  return (
    <table className="table" data-testid="services-table">
      <thead>
        <tr>
          <th>{t('config.prefix')}</th>
          <th>{t('branch.service')}</th>
          <th>{t('config.enabled')}</th>
          <th className="num">{t('config.dailyCap')}</th>
          <th className="num">{t('config.perSlot')}</th>
          <th className="num">{t('config.serviceTime')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {props.configuration.draft.services.map((service) =>
          editing === service.id ? (
            <EditRow
              key={service.id}
              branchId={props.configuration.branchId}
              service={service}
              override={overrides.get(service.id)}
              onDone={(saved) => {
                setEditing(null)
                if (saved) props.onSaved()
              }}
            />
          ) : (
            <tr key={service.id} data-service={service.id}>
              <td>
                <span className="prefix">{service.prefix}</span>
              </td>
              <td>{service.name[language]}</td>
              <td>
                {service.active ? t('app.yes') : <span className="muted">{t('app.no')}</span>}
              </td>
              <td className="num" data-testid="daily-cap">
                {service.dailyCap ?? <span className="muted">—</span>}
              </td>
              <td className="num">{service.appointmentsPerSlot}</td>
              <td className="num">
                {t('branch.minutes', { n: Math.round(service.expectedServiceSeconds / 60) })}
              </td>
              <td className="actions">
                <button
                  type="button"
                  className="button small"
                  data-edit={service.id}
                  onClick={() => setEditing(service.id)}
                >
                  {t('app.edit')}
                </button>
              </td>
            </tr>
          ),
        )}
      </tbody>
    </table>
  )
}

function EditRow(props: {
  branchId: string
  service: EffectiveService
  override: ServiceOverride | undefined
  onDone: (saved: boolean) => void
}) {
  const { api, t, language } = useConsole()
  const { service, override } = props
  const [error, setError] = useState<string | null>(null)
  const formId = `edit-${service.id}`
  const optionalInt = (form: FormData, name: string) => {
    const text = fieldText(form, name).trim()
    return text === '' ? null : Number(text)
  }
  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const minutes = optionalInt(form, 'serviceMinutes')
    try {
      await api.putServiceOverride({
        branchId: props.branchId,
        serviceId: service.id,
        body: {
          enabled: form.get('enabled') === 'on',
          dailyCap: optionalInt(form, 'dailyCap'),
          appointmentsPerSlot: optionalInt(form, 'perSlot'),
          expectedServiceSeconds: minutes === null ? null : Math.round(minutes * 60),
          openingHours: override?.openingHours ?? null,
        },
      })
      props.onDone(true)
    } catch (e) {
      setError(errorText(e))
    }
  }
  return (
    <tr className="editing" data-service={service.id}>
      <td>
        <span className="prefix">{service.prefix}</span>
      </td>
      <td>
        {service.name[language]}
        <form id={formId} onSubmit={(e) => void save(e)} />
        {error ? (
          <div className="notice notice-bad small" role="alert">
            {error}
          </div>
        ) : null}
      </td>
      <td>
        <input
          form={formId}
          type="checkbox"
          name="enabled"
          defaultChecked={override?.enabled ?? true}
        />
      </td>
      <td className="num">
        <input
          form={formId}
          name="dailyCap"
          type="number"
          min={1}
          max={9999}
          defaultValue={override?.dailyCap ?? ''}
          placeholder={t('config.inherit')}
          className="narrow"
        />
      </td>
      <td className="num">
        <input
          form={formId}
          name="perSlot"
          type="number"
          min={0}
          max={100}
          defaultValue={override?.appointmentsPerSlot ?? ''}
          placeholder={t('config.inherit')}
          className="narrow"
        />
      </td>
      <td className="num">
        <input
          form={formId}
          name="serviceMinutes"
          type="number"
          min={1}
          max={240}
          step="0.5"
          defaultValue={
            override?.expectedServiceSeconds ? override.expectedServiceSeconds / 60 : ''
          }
          placeholder={t('config.inherit')}
          className="narrow"
        />
      </td>
      <td className="actions">
        <button type="submit" form={formId} className="button small primary" data-save={service.id}>
          {t('app.save')}
        </button>
        <button type="button" className="button small" onClick={() => props.onDone(false)}>
          {t('app.cancel')}
        </button>
      </td>
    </tr>
  )
}

function VersionTable(props: { versions: ConfigVersionView[] }) {
  const { t, language } = useConsole()
  if (props.versions.length === 0) return <p className="muted pad">{t('config.noVersions')}</p>
  return (
    <table className="table">
      <thead>
        <tr>
          <th>{t('config.version')}</th>
          <th>{t('config.publishedAt')}</th>
          <th>{t('config.publishedBy')}</th>
          <th>{t('config.hash')}</th>
        </tr>
      </thead>
      <tbody>
        {props.versions
          .toSorted((a, b) => b.version - a.version)
          .map((v) => (
            <tr key={v.version} data-version={v.version}>
              <td className="strong">v{v.version}</td>
              <td>{formatDateTime({ at: v.publishedAt, language })}</td>
              <td>{v.publishedBy}</td>
              <td className="mono muted">{v.contentHash.slice(0, 16)}</td>
            </tr>
          ))}
      </tbody>
    </table>
  )
}
