import { useState } from 'preact/hooks';
import { api, qs } from './api';
import {
  Alert,
  Badge,
  Card,
  DataTable,
  JsonEditor,
  Link,
  Loading,
  PageHeader,
  Pager,
  SearchBar,
  useAction,
  useLoad,
  validJsonObject,
  when,
} from './ui';
import type { UserJSON } from './users';

interface Overview {
  activity: { day: string; signUps: number; signIns: number; activeUsers: number }[];
  total_users: number;
  health: Record<'database' | 'mail' | 'redis', { ok: boolean; detail: string }>;
}

function BarChart(props: { title: string; values: { label: string; value: number }[] }) {
  const max = Math.max(1, ...props.values.map((v) => v.value));
  const total = props.values.reduce((sum, v) => sum + v.value, 0);
  return (
    <figure class="chart">
      <figcaption>
        <span>{props.title}</span> <strong>{total.toLocaleString()}</strong> <span class="muted small">last 30 days</span>
      </figcaption>
      <div class="bars" role="img" aria-label={`${props.title}: ${props.values.map((v) => `${v.label} ${v.value}`).join(', ')}`}>
        {props.values.map((v) => (
          <span key={v.label} class="bar" style={{ height: `${(v.value / max) * 100}%` }} title={`${v.label}: ${v.value}`} />
        ))}
      </div>
    </figure>
  );
}

export function OverviewPage() {
  const { data, error } = useLoad(() => api<Overview>('GET', '/overview'), []);
  if (error) return <Alert error={error} />;
  if (!data) return <Loading />;
  const series = (key: 'signUps' | 'signIns' | 'activeUsers') => data.activity.map((d) => ({ label: d.day, value: d[key] }));
  return (
    <>
      <PageHeader title="Overview" description={`${data.total_users.toLocaleString()} users in total.`} />
      <div class="grid-3">
        <Card>
          <BarChart title="Sign-ups" values={series('signUps')} />
        </Card>
        <Card>
          <BarChart title="Sign-ins" values={series('signIns')} />
        </Card>
        <Card>
          <BarChart title="Active users" values={series('activeUsers')} />
        </Card>
      </div>
      <Card title="Health">
        <ul class="health">
          {(['database', 'redis', 'mail'] as const).map((name) => (
            <li key={name}>
              <Badge tone={data.health[name].ok ? 'ok' : 'bad'}>{data.health[name].ok ? 'OK' : 'Failing'}</Badge> <strong>{name}</strong>{' '}
              <span class="muted">{data.health[name].detail}</span>
            </li>
          ))}
        </ul>
      </Card>
    </>
  );
}

interface OrganizationJSON {
  id: string;
  name: string;
  slug: string;
  members_count?: number;
  created_at: number;
}

export function OrganizationsPage() {
  const [submitted, setSubmitted] = useState('');
  const [offset, setOffset] = useState(0);
  const { data, error } = useLoad(
    () => api<{ data: OrganizationJSON[]; total_count: number }>('GET', `/organizations${qs({ query: submitted, limit: 25, offset })}`),
    [submitted, offset],
  );
  return (
    <>
      <PageHeader title="Organizations" />
      <SearchBar
        label="Search organizations"
        placeholder="Search by name or slug"
        onSearch={(text) => {
          setOffset(0);
          setSubmitted(text);
        }}
      />
      <Alert error={error} />
      <Card>
        {!data ? (
          <Loading />
        ) : (
          <>
            <DataTable
              rows={data.data}
              rowKey={(o) => o.id}
              columns={[
                {
                  label: 'Name',
                  cell: (o) => (
                    <>
                      <Link href={`/dashboard/organizations/${o.id}`}>{o.name}</Link>
                    </>
                  ),
                },
                { label: 'Slug', cell: (o) => o.slug, class: 'mono' },
                { label: 'Members', cell: (o) => o.members_count ?? '—' },
                { label: 'Created', cell: (o) => when(o.created_at) },
              ]}
            />
            <Pager offset={offset} limit={25} total={data.total_count} onChange={setOffset} />
          </>
        )}
      </Card>
    </>
  );
}

interface OrgDetail {
  organization: OrganizationJSON;
  members: {
    id: string;
    role: string;
    public_user_data: { user_id: string; identifier: string; first_name: string | null; last_name: string | null };
  }[];
  members_total: number;
  roles: string[];
}

export function OrganizationDetailPage(props: { id: string }) {
  const { data, error, reload } = useLoad(() => api<OrgDetail>('GET', `/organizations/${encodeURIComponent(props.id)}`), [props.id]);
  const action = useAction();
  if (error) return <Alert error={error} />;
  if (!data) return <Loading />;
  const org = data.organization;
  return (
    <>
      <p class="crumbs">
        <Link href="/dashboard/organizations">Organizations</Link> / {org.slug}
      </p>
      <PageHeader title={org.name} description={`${org.id} · ${data.members_total} members`} />
      <Alert error={action.error} notice={action.notice} />
      <Card title="Members">
        <DataTable
          rows={data.members}
          rowKey={(m) => m.id}
          columns={[
            {
              label: 'Member',
              cell: (m) => (
                <>
                  <Link href={`/dashboard/users/${m.public_user_data.user_id}`}>{m.public_user_data.identifier}</Link>
                </>
              ),
            },
            {
              label: 'Role',
              cell: (m) => (
                <>
                  <select
                    aria-label={`Role of ${m.public_user_data.identifier}`}
                    value={m.role}
                    disabled={action.busy}
                    onChange={(e) => {
                      const role = (e.target as HTMLSelectElement).value;
                      action.run(async () => {
                        await api('PATCH', `/organizations/${org.id}/memberships/${m.public_user_data.user_id}`, { role });
                        reload();
                        return `${m.public_user_data.identifier} is now ${role}.`;
                      });
                    }}
                  >
                    {data.roles.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </>
              ),
            },
            {
              label: 'Actions',
              hideLabel: true,
              cell: (m) => (
                <>
                  <button
                    type="button"
                    class="btn btn-danger btn-small"
                    disabled={action.busy}
                    onClick={() => {
                      if (!confirm(`Remove ${m.public_user_data.identifier} from ${org.name}?`)) return;
                      action.run(async () => {
                        await api('DELETE', `/organizations/${org.id}/memberships/${m.public_user_data.user_id}`);
                        reload();
                        return 'Member removed.';
                      });
                    }}
                  >
                    Remove
                  </button>
                </>
              ),
            },
          ]}
        />
      </Card>
    </>
  );
}

interface SessionTokenJSON {
  claims: Record<string, unknown>;
  lifetime: number;
  shortcodes: string[];
  limit_bytes: number;
  lifetime_range: { min: number; max: number };
  config_locked: boolean;
}

export function SessionTokenPage() {
  const { data, error, reload } = useLoad(async () => {
    const value = await api<SessionTokenJSON>('GET', '/session-token');
    setText(JSON.stringify(value.claims, null, 2));
    setLifetime(String(value.lifetime));
    return value;
  }, []);
  const [text, setText] = useState('{}');
  const [lifetime, setLifetime] = useState('60');
  const action = useAction();
  if (error) return <Alert error={error} />;
  if (!data) return <Loading />;
  const claims = validJsonObject(text);
  const insert = (code: string) =>
    setText((current) =>
      `${current.trim().replace(/\}\s*$/, '')}${current.trim() === '{}' ? '' : ','}\n  "${code.split('.').pop()}": "{{${code}}}"\n}`.replace(
        '{,',
        '{',
      ),
    );
  return (
    <>
      <PageHeader title="Sessions & tokens" description="Customize the claims every session token carries, and its lifetime." />
      {data.config_locked && (
        <p class="alert alert-info">
          The config file sets the session token (sessionToken): it wins at every start, so it is read-only here.
        </p>
      )}
      <Alert error={action.error} notice={action.notice} />
      <div class="grid-2">
        <Card title="Customize session token">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              action.run(async () => {
                await api('PUT', '/session-token', { claims, lifetime: Number(lifetime) });
                reload();
                return 'Session token saved. New tokens carry these claims.';
              });
            }}
          >
            <JsonEditor id="claims" label="Claims (JSON)" value={text} onInput={setText} limitBytes={data.limit_bytes} rows={12} />
            <div class="field">
              <label for="lifetime">
                Token lifetime in seconds ({data.lifetime_range.min}–{data.lifetime_range.max})
              </label>
              <input
                id="lifetime"
                type="number"
                min={data.lifetime_range.min}
                max={data.lifetime_range.max}
                value={lifetime}
                onInput={(e) => setLifetime((e.target as HTMLInputElement).value)}
              />
            </div>
            <button type="submit" class="btn btn-primary" disabled={!claims || action.busy || data.config_locked}>
              Save
            </button>
          </form>
        </Card>
        <div>
          <Card title="Shortcodes">
            <p class="muted small">Click to add one to the template.</p>
            <div class="chips">
              {data.shortcodes.map((code) => (
                <button type="button" key={code} class="chip" onClick={() => insert(code)}>
                  {`{{${code}}}`}
                </button>
              ))}
            </div>
          </Card>
          <Card title="Preview for a user">
            <ClaimsPreview
              claims={claims}
              path="/session-token/preview"
              label="User id or e-mail"
              limitBytes={data.limit_bytes}
              testId="claims-preview"
            />
          </Card>
        </div>
      </div>
      <JwtTemplates />
    </>
  );
}

/** A live preview of a claims template rendered for a user found by id or e-mail (the session token's, a JWT template's). */
function ClaimsPreview(props: {
  claims: Record<string, unknown> | undefined;
  path: string;
  label: string;
  limitBytes?: number;
  testId: string;
}) {
  const [user, setUser] = useState('');
  const [preview, setPreview] = useState<{ claims: Record<string, unknown>; bytes: number } | undefined>();
  const action = useAction();
  return (
    <>
      <div class="toolbar">
        <input
          class="grow"
          aria-label={props.label}
          placeholder="User id or e-mail"
          value={user}
          onInput={(e) => setUser((e.target as HTMLInputElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              (e.currentTarget.nextElementSibling as HTMLButtonElement | null)?.click();
            }
          }}
        />
        <button
          type="button"
          class="btn"
          disabled={!props.claims || action.busy}
          onClick={() =>
            action.run(async () => {
              let userId = user.trim();
              if (!userId.startsWith('user_')) {
                const found = await api<{ data: UserJSON[] }>('GET', `/users${qs({ query: userId, limit: 1 })}`);
                userId = found.data[0]?.id ?? '';
                if (!userId) throw new Error('No user matches.');
              }
              setPreview(await api('POST', props.path, { claims: props.claims, user_id: userId }));
            })
          }
        >
          Preview
        </button>
      </div>
      <Alert error={action.error} />
      {preview && (
        <>
          <pre class="code-block" data-testid={props.testId}>
            {JSON.stringify(preview.claims, null, 2)}
          </pre>
          <p class={props.limitBytes !== undefined && preview.bytes > props.limitBytes ? 'text-bad' : 'muted'}>
            {preview.bytes.toLocaleString()}
            {props.limitBytes !== undefined ? ` of ${props.limitBytes.toLocaleString()}` : ''} bytes
          </p>
        </>
      )}
    </>
  );
}

interface JwtTemplateJSON {
  id: string;
  name: string;
  lifetime: number;
  claims: Record<string, unknown>;
}

function JwtTemplates() {
  const list = useLoad(() => api<{ data: JwtTemplateJSON[] }>('GET', '/jwt-templates'), []);
  const [editing, setEditing] = useState<JwtTemplateJSON | null>(null);
  const [name, setName] = useState('');
  const [claims, setClaims] = useState('{}');
  const [lifetime, setLifetime] = useState('60');
  const [open, setOpen] = useState(false);
  const action = useAction();
  const start = (template: JwtTemplateJSON | null, show = true) => {
    setOpen(show);
    setEditing(template);
    setName(template?.name ?? '');
    setClaims(JSON.stringify(template?.claims ?? {}, null, 2));
    setLifetime(String(template?.lifetime ?? 60));
  };
  const parsed = validJsonObject(claims);
  return (
    <Card
      title="JWT templates"
      actions={
        <button type="button" class="btn btn-small" onClick={() => start(null)}>
          New template
        </button>
      }
    >
      <Alert error={action.error || list.error} notice={action.notice} />
      {!list.data ? (
        <Loading />
      ) : list.data.data.length === 0 ? (
        <p class="muted">No JWT templates yet.</p>
      ) : (
        <DataTable
          rows={list.data.data}
          rowKey={(t) => t.id}
          columns={[
            { label: 'Name', cell: (t) => t.name },
            { label: 'Lifetime', cell: (t) => <>{t.lifetime} s</> },
            { label: 'Claims', cell: (t) => JSON.stringify(t.claims), class: 'mono small detail' },
            {
              label: 'Actions',
              hideLabel: true,
              cell: (t) => (
                <>
                  <button type="button" class="btn btn-small" onClick={() => start(t)}>
                    Edit
                  </button>{' '}
                  <button
                    type="button"
                    class="btn btn-small btn-danger"
                    onClick={() =>
                      confirm(`Delete the template ${t.name}?`) &&
                      action.run(async () => {
                        await api('DELETE', `/jwt-templates/${t.id}`);
                        list.reload();
                        return 'Template deleted.';
                      })
                    }
                  >
                    Delete
                  </button>
                </>
              ),
              class: 'nowrap',
            },
          ]}
        />
      )}
      {open && (
        <form
          class="subform"
          onSubmit={(e) => {
            e.preventDefault();
            action.run(async () => {
              const body = { name, claims: parsed, lifetime: Number(lifetime) };
              if (editing) await api('PATCH', `/jwt-templates/${editing.id}`, body);
              else await api('POST', '/jwt-templates', body);
              start(null, false);
              list.reload();
              return 'Template saved.';
            });
          }}
        >
          <h3>{editing ? `Edit ${editing.name}` : 'New template'}</h3>
          <div class="grid-2">
            <div class="field">
              <label for="jwt-name">Name</label>
              <input id="jwt-name" required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
            </div>
            <div class="field">
              <label for="jwt-lifetime">Lifetime (seconds)</label>
              <input
                id="jwt-lifetime"
                type="number"
                min={30}
                value={lifetime}
                onInput={(e) => setLifetime((e.target as HTMLInputElement).value)}
              />
            </div>
          </div>
          <JsonEditor id="jwt-claims" label="Claims (JSON, shortcodes as above)" value={claims} onInput={setClaims} rows={6} />
          <ClaimsPreview
            claims={parsed}
            path="/jwt-templates/preview"
            label="Preview the template for (user id or e-mail)"
            testId="jwt-preview"
          />
          <div class="actions">
            <button type="submit" class="btn btn-primary" disabled={!parsed || action.busy}>
              Save template
            </button>
            <button type="button" class="btn" onClick={() => start(null, false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </Card>
  );
}

interface AuditEventJSON {
  id: string;
  at: number;
  actor_type: string;
  actor: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  detail: Record<string, unknown>;
}

export function AuditPage() {
  const [action, setAction] = useState('');
  const [actorType, setActorType] = useState('');
  const [target, setTarget] = useState('');
  const [filter, setFilter] = useState({ action: '', actor_type: '', target_id: '' });
  const [offset, setOffset] = useState(0);
  const { data, error } = useLoad(
    () => api<{ data: AuditEventJSON[]; total_count: number }>('GET', `/audit${qs({ ...filter, limit: 50, offset })}`),
    [filter, offset],
  );
  return (
    <>
      <PageHeader title="Audit log" description="Every operator action and security event, newest first.">
        <a class="btn" href={`/dashboard/api/audit.csv${qs(filter)}`} download>
          Export CSV
        </a>
      </PageHeader>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setFilter({ action: action.trim(), actor_type: actorType, target_id: target.trim() });
        }}
      >
        <input
          aria-label="Action starts with"
          placeholder="Action (e.g. user.)"
          value={action}
          onInput={(e) => setAction((e.target as HTMLInputElement).value)}
        />
        <select aria-label="Actor" value={actorType} onChange={(e) => setActorType((e.target as HTMLSelectElement).value)}>
          <option value="">Any actor</option>
          <option value="operator">Operators</option>
          <option value="backend_api">Backend API</option>
          <option value="cli">CLI</option>
          <option value="end_user">End users</option>
          <option value="system">System</option>
        </select>
        <input
          aria-label="Target id"
          placeholder="Target id"
          value={target}
          onInput={(e) => setTarget((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="btn">
          Filter
        </button>
      </form>
      <Alert error={error} />
      <Card>
        {!data ? (
          <Loading />
        ) : (
          <>
            <DataTable
              rows={data.data}
              rowKey={(e) => e.id}
              columns={[
                { label: 'When', cell: (e) => when(e.at), class: 'nowrap' },
                {
                  label: 'Actor',
                  cell: (e) => (
                    <>
                      {e.actor} <span class="muted small">{e.actor_type}</span>
                      {e.ip && <div class="muted small">{e.ip}</div>}
                    </>
                  ),
                },
                {
                  label: 'Action',
                  cell: (e) => (
                    <>
                      <code>{e.action}</code>
                    </>
                  ),
                },
                { label: 'Target', cell: (e) => e.target_id ?? '—', class: 'mono small' },
                {
                  label: 'Detail',
                  cell: (e) => (Object.keys(e.detail).length ? JSON.stringify(e.detail) : ''),
                  class: 'mono small detail',
                },
              ]}
            />
            <Pager offset={offset} limit={50} total={data.total_count} onChange={setOffset} />
          </>
        )}
      </Card>
    </>
  );
}

interface OperatorSessionJSON {
  id: string;
  email: string;
  ip: string;
  user_agent: string;
  created_at: number;
  last_active_at: number;
  current: boolean;
}

export function AccountPage() {
  const sessions = useLoad(() => api<{ data: OperatorSessionJSON[] }>('GET', '/operator-sessions'), []);
  const operators = useLoad(
    () => api<{ data: { id: string; email: string; totpEnabled: boolean; lastSignInAt: number | null }[] }>('GET', '/operators'),
    [],
  );
  const action = useAction();
  return (
    <>
      <PageHeader
        title="Operators"
        description="Who can use this dashboard. Add or reset operators with `gatehouse admin create|reset <email>`."
      />
      <Alert error={action.error || sessions.error} notice={action.notice} />
      <Card title="Operators">
        {!operators.data ? (
          <Loading />
        ) : (
          <ul class="list">
            {operators.data.data.map((o) => (
              <li key={o.id}>
                <strong>{o.email}</strong> {o.totpEnabled ? <Badge tone="ok">TOTP</Badge> : <Badge tone="warn">No TOTP</Badge>}{' '}
                <span class="muted small">last sign-in {when(o.lastSignInAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Dashboard sessions">
        {!sessions.data ? (
          <Loading />
        ) : (
          <DataTable
            rows={sessions.data.data}
            rowKey={(s) => s.id}
            columns={[
              {
                label: 'Operator',
                cell: (s) => (
                  <>
                    {s.email} {s.current && <Badge tone="ok">This session</Badge>}
                  </>
                ),
              },
              {
                label: 'From',
                cell: (s) => (
                  <>
                    {s.ip} <div class="muted small">{s.user_agent.slice(0, 80)}</div>
                  </>
                ),
              },
              { label: 'Signed in', cell: (s) => when(s.created_at) },
              { label: 'Last active', cell: (s) => when(s.last_active_at) },
              {
                label: 'Actions',
                hideLabel: true,
                cell: (s) => (
                  <>
                    {!s.current && (
                      <button
                        type="button"
                        class="btn btn-danger btn-small"
                        onClick={() =>
                          action.run(async () => {
                            await api('DELETE', `/operator-sessions/${s.id}`);
                            sessions.reload();
                            return 'Session revoked.';
                          })
                        }
                      >
                        Revoke
                      </button>
                    )}
                  </>
                ),
              },
            ]}
          />
        )}
      </Card>
    </>
  );
}
