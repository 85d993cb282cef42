import type { AuditEntry } from '@kqms/shared/cloud'
import { useState } from 'react'
import { formatDateTime, Loadable, PageHeader, useConsole, useLoad } from '../ui'

const PAGE_SIZE = 50

/** Who changed what and when: newest first, with the before/after of each change. */
export function AuditPage() {
  const { api, t } = useConsole()
  const [entity, setEntity] = useState('')
  const [before, setBefore] = useState<number | undefined>(undefined)
  const load = useLoad(`audit:${entity}:${before ?? ''}`, () =>
    api.audit({ entity: entity || undefined, limit: PAGE_SIZE, before }),
  )
  return (
    <>
      <PageHeader
        title={t('audit.title')}
        actions={
          <label className="inline">
            {t('audit.filter')}{' '}
            <input
              value={entity}
              placeholder={t('app.all')}
              onChange={(e) => {
                setEntity(e.target.value.trim())
                setBefore(undefined)
              }}
              className="narrow-text"
            />
          </label>
        }
      />
      <Loadable load={load}>
        {({ entries }) => (
          <div className="card table-card">
            <AuditTable entries={entries} />
            {entries.length === PAGE_SIZE ? (
              <div className="pad">
                <button
                  type="button"
                  className="button"
                  onClick={() => setBefore(entries.at(-1)?.id)}
                >
                  {t('audit.more')}
                </button>
              </div>
            ) : null}
          </div>
        )}
      </Loadable>
    </>
  )
}

function AuditTable(props: { entries: AuditEntry[] }) {
  const { t, language } = useConsole()
  if (props.entries.length === 0) return <p className="muted pad">{t('audit.empty')}</p>
  return (
    <table className="table" data-testid="audit-table">
      <thead>
        <tr>
          <th>{t('audit.at')}</th>
          <th>{t('audit.actor')}</th>
          <th>{t('audit.action')}</th>
          <th>{t('audit.entity')}</th>
          <th>{t('audit.changes')}</th>
        </tr>
      </thead>
      <tbody>
        {props.entries.map((entry) => (
          <tr key={entry.id} data-action={entry.action}>
            <td className="nowrap">{formatDateTime({ at: entry.at, language })}</td>
            <td>{entry.actorEmail ?? <span className="muted">{t('audit.system')}</span>}</td>
            <td className="mono nowrap">{entry.action}</td>
            <td>
              {entry.entity}
              <div className="muted mono small">{entry.entityId}</div>
            </td>
            <td>
              <Changes before={entry.before} after={entry.after} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** What changed: the fields that differ, or the fields of a created or deleted object. */
function Changes(props: { before: unknown; after: unknown }) {
  const lines = diffLines(props.before, props.after)
  if (lines.length === 0) return <span className="muted">—</span>
  return (
    <ul className="changes">
      {lines.slice(0, 4).map((line) => (
        <li key={line.key}>
          <span className="mono key">{line.key}</span>{' '}
          {line.from === undefined ? null : (
            <>
              <del>{line.from}</del> →{' '}
            </>
          )}
          {line.to === undefined ? null : <ins>{line.to}</ins>}
        </li>
      ))}
      {lines.length > 4 ? <li className="muted">+{lines.length - 4}</li> : null}
    </ul>
  )
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.length > 48 ? `${text.slice(0, 47)}…` : text
}

interface ChangeLine {
  key: string
  from?: string
  to?: string
}

function diffLines(before: unknown, after: unknown): ChangeLine[] {
  if (!isRecord(before) && isRecord(after)) {
    return Object.entries(after).map(([key, value]) => ({ key, to: show(value) }))
  }
  if (isRecord(before) && !isRecord(after)) {
    return Object.entries(before).map(([key, value]) => ({ key, from: show(value) }))
  }
  if (!isRecord(before) || !isRecord(after)) {
    return before === after ? [] : [{ key: '·', from: show(before), to: show(after) }]
  }
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])]
  return keys
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map((key) => ({
      key,
      ...(key in before ? { from: show(before[key]) } : {}),
      ...(key in after ? { to: show(after[key]) } : {}),
    }))
}
