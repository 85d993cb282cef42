import {
  CLOUD_ROLES,
  CreateStaffUserRequest,
  type CloudRole,
  type StaffUserView,
} from '@kqms/shared/cloud'
import { useState, type FormEvent } from 'react'
import {
  errorText,
  fieldText,
  Loadable,
  PageHeader,
  Pill,
  Section,
  useConsole,
  useLoad,
} from '../ui'

/** Staff accounts of the console: roles, branch scopes, second factor, enable/disable. */
export function UsersPage() {
  const { api, t, session } = useConsole()
  const load = useLoad('users', () => api.users())
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null)

  const toggle = async (user: StaffUserView) => {
    try {
      await api.updateUser({ id: user.id, body: { disabled: !user.disabled } })
      load.reload()
    } catch (e) {
      setMessage({ tone: 'bad', text: errorText(e) })
    }
  }

  return (
    <>
      <PageHeader title={t('users.title')} />
      {message ? (
        <div className={`notice notice-${message.tone}`} role="status">
          {message.text}
        </div>
      ) : null}
      <div className="stack">
        <Loadable load={load}>
          {({ users }) => (
            <div className="card table-card">
              <table className="table" data-testid="users-table">
                <thead>
                  <tr>
                    <th>{t('users.name')}</th>
                    <th>{t('users.email')}</th>
                    <th>{t('users.role')}</th>
                    <th>{t('users.branches')}</th>
                    <th>{t('users.totp')}</th>
                    <th>{t('users.state')}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {users.map((user) => (
                    <tr key={user.id} data-user={user.email}>
                      <td className="strong">{user.displayName}</td>
                      <td>{user.email}</td>
                      <td>{t(`role.${user.role}`)}</td>
                      <td>
                        {user.branchIds.length ? (
                          user.branchIds.join(', ')
                        ) : (
                          <span className="muted">{t('app.all')}</span>
                        )}
                      </td>
                      <td>
                        {user.totpEnrolled ? (
                          <Pill tone="ok">{t('users.totpOn')}</Pill>
                        ) : user.role === 'central-admin' ? (
                          <Pill tone="warn">{t('users.totpOff')}</Pill>
                        ) : (
                          <span className="muted">{t('users.totpNotRequired')}</span>
                        )}
                      </td>
                      <td>
                        {user.disabled ? (
                          <Pill tone="bad">{t('users.disabled')}</Pill>
                        ) : (
                          <Pill tone="ok">{t('users.active')}</Pill>
                        )}
                      </td>
                      <td className="actions">
                        <button
                          type="button"
                          className="button small"
                          hidden={user.id === session.user.id} // never lock yourself out
                          onClick={() => void toggle(user)}
                        >
                          {user.disabled ? t('users.enable') : t('users.disable')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Loadable>
        <Section title={t('users.add')}>
          <NewUser
            onCreated={(email) => {
              setMessage({ tone: 'ok', text: t('users.created', { email }) })
              load.reload()
            }}
          />
        </Section>
      </div>
    </>
  )
}

function NewUser(props: { onCreated: (email: string) => void }) {
  const { api, t } = useConsole()
  const [error, setError] = useState<string | null>(null)
  const [role, setRole] = useState<CloudRole>('branch-manager')
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const formElement = event.currentTarget
    const form = new FormData(formElement)
    const email = fieldText(form, 'email')
    try {
      const body = CreateStaffUserRequest.safeParse({
        email,
        displayName: fieldText(form, 'displayName'),
        role,
        branchIds: fieldText(form, 'branchIds')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        password: fieldText(form, 'password'),
      })
      if (!body.success) {
        setError(body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '))
        return
      }
      await api.createUser(body.data)
      formElement.reset()
      setError(null)
      props.onCreated(email)
    } catch (e) {
      setError(errorText(e))
    }
  }
  return (
    <form className="form-grid pad" onSubmit={(e) => void submit(e)}>
      <label>
        {t('users.email')}
        <input name="email" type="email" required />
      </label>
      <label>
        {t('users.name')}
        <input name="displayName" required maxLength={100} />
      </label>
      <label>
        {t('users.role')}
        <select value={role} onChange={(e) => setRole(e.target.value as CloudRole)}>
          {CLOUD_ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('users.branches')}
        <input name="branchIds" placeholder="almaty-demo" disabled={role !== 'branch-manager'} />
      </label>
      <label>
        {t('users.password')}
        <input
          name="password"
          type="password"
          minLength={12}
          required
          autoComplete="new-password"
        />
      </label>
      <div className="form-actions">
        <button type="submit" className="button primary">
          {t('users.add')}
        </button>
      </div>
      {error ? (
        <p className="notice notice-bad" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  )
}
