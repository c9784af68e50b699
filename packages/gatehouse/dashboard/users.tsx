import { useEffect, useRef, useState } from 'preact/hooks';
import { api, qs } from './api';
import {
  Alert,
  Badge,
  Card,
  CopyButton,
  DataTable,
  JsonEditor,
  Link,
  Loading,
  navigate,
  PageHeader,
  Pager,
  SearchBar,
  useAction,
  useLoad,
  validJsonObject,
  when,
} from './ui';

export interface UserJSON {
  id: string;
  external_id: string | null;
  username: string | null;
  first_name: string | null;
  last_name: string | null;
  image_url: string;
  email_addresses: { id: string; email_address: string; verification: { status: string; strategy: string } | null }[];
  phone_numbers: unknown[];
  external_accounts: unknown[];
  primary_email_address_id: string | null;
  public_metadata: Record<string, unknown>;
  private_metadata: Record<string, unknown>;
  unsafe_metadata: Record<string, unknown>;
  banned: boolean;
  locked: boolean;
  two_factor_enabled: boolean;
  password_enabled: boolean;
  last_sign_in_at: number | null;
  last_active_at: number | null;
  created_at: number;
}

export const primaryEmail = (u: UserJSON) =>
  u.email_addresses.find((e) => e.id === u.primary_email_address_id)?.email_address ?? u.email_addresses[0]?.email_address ?? '';
export const fullName = (u: UserJSON) => [u.first_name, u.last_name].filter(Boolean).join(' ');

const SORTS = [
  ['-created_at', 'Newest'],
  ['+created_at', 'Oldest'],
  ['-last_sign_in_at', 'Last signed in'],
  ['-last_active_at', 'Last active'],
] as const;

export function UsersPage() {
  const params = new URLSearchParams(location.search);
  const [submitted, setSubmitted] = useState(params.get('query') ?? '');
  const [orderBy, setOrderBy] = useState(params.get('order_by') ?? '-created_at');
  const [offset, setOffset] = useState(0);
  const [creating, setCreating] = useState(false);
  const limit = 25;
  const search = useRef<HTMLInputElement>(null);
  const { data, error, reload } = useLoad(
    () => api<{ data: UserJSON[]; total_count: number }>('GET', `/users${qs({ query: submitted, order_by: orderBy, limit, offset })}`),
    [submitted, orderBy, offset],
  );
  useEffect(() => {
    // "/" jumps to the search box, as in most tools.
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '/' && document.activeElement?.tagName !== 'INPUT' && document.activeElement?.tagName !== 'TEXTAREA') {
        e.preventDefault();
        search.current?.focus();
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
  return (
    <>
      <PageHeader title="Users" description="Search by e-mail, name, username, user id or external id.">
        <button type="button" class="btn btn-primary" onClick={() => setCreating(!creating)} aria-expanded={creating}>
          Create user
        </button>
      </PageHeader>
      {creating && (
        <CreateUser
          onCreated={(id) => {
            setCreating(false);
            reload();
            navigate(`/dashboard/users/${id}`);
          }}
        />
      )}
      <SearchBar
        label="Search users"
        placeholder="Search users  (press / to focus)"
        initial={submitted}
        inputRef={search}
        onSearch={(text) => {
          setOffset(0);
          setSubmitted(text);
          history.replaceState(null, '', `/dashboard/users${qs({ query: text, order_by: orderBy })}`);
        }}
      >
        <label class="inline">
          Sort
          <select
            value={orderBy}
            onChange={(e) => {
              setOffset(0);
              setOrderBy((e.target as HTMLSelectElement).value);
            }}
          >
            {SORTS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </SearchBar>
      <Alert error={error} />
      <Card>
        {!data ? (
          <Loading />
        ) : (
          <>
            <DataTable
              rows={data.data}
              rowKey={(u) => u.id}
              columns={[
                {
                  label: 'User',
                  cell: (u) => (
                    <>
                      <Link href={`/dashboard/users/${u.id}`} class="user-cell">
                        <img src={u.image_url} alt="" width={28} height={28} />
                        <span>
                          <strong>{fullName(u) || primaryEmail(u) || u.username || u.id}</strong>
                          <span class="muted small">{primaryEmail(u)}</span>
                        </span>
                      </Link>
                    </>
                  ),
                },
                { label: 'Username', cell: (u) => u.username ?? '—' },
                { label: 'Last signed in', cell: (u) => when(u.last_sign_in_at) },
                { label: 'Created', cell: (u) => when(u.created_at) },
                {
                  label: 'Status',
                  cell: (u) => (
                    <>
                      {u.banned && <Badge tone="bad">Banned</Badge>} {u.locked && <Badge tone="warn">Locked</Badge>}
                      {!u.banned && !u.locked && <Badge tone="ok">Active</Badge>}
                    </>
                  ),
                },
              ]}
            />
            <Pager offset={offset} limit={limit} total={data.total_count} onChange={setOffset} />
          </>
        )}
      </Card>
    </>
  );
}

function CreateUser(props: { onCreated: (id: string) => void }) {
  const [form, setForm] = useState({ email_address: '', first_name: '', last_name: '', username: '', password: '' });
  const action = useAction();
  const field = (name: keyof typeof form, label: string, type = 'text') => (
    <div class="field">
      <label for={`new-${name}`}>{label}</label>
      <input
        id={`new-${name}`}
        type={type}
        value={form[name]}
        onInput={(e) => setForm({ ...form, [name]: (e.target as HTMLInputElement).value })}
      />
    </div>
  );
  return (
    <Card title="New user">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          action.run(async () => {
            const body = Object.fromEntries(Object.entries(form).filter(([, v]) => v !== ''));
            const user = await api<UserJSON>('POST', '/users', body);
            props.onCreated(user.id);
          });
        }}
      >
        <Alert error={action.error} />
        <div class="grid-2">
          {field('email_address', 'E-mail', 'email')}
          {field('username', 'Username')}
          {field('first_name', 'First name')}
          {field('last_name', 'Last name')}
          {field('password', 'Password (optional)', 'password')}
        </div>
        <button type="submit" class="btn btn-primary" disabled={action.busy}>
          Create
        </button>
      </form>
    </Card>
  );
}

interface SessionJSON {
  id: string;
  status: string;
  last_active_at: number;
  created_at: number;
  expire_at: number;
}
interface MembershipJSON {
  id: string;
  role: string;
  organization: { id: string; name: string; slug: string };
}
interface UserDetail {
  user: UserJSON;
  sessions: SessionJSON[];
  memberships: MembershipJSON[];
  limits: { metadata_bytes: number };
}

const METADATA = [
  ['public_metadata', 'Public metadata', 'Readable by the frontend and in session-token templates.'],
  ['private_metadata', 'Private metadata', 'Backend only.'],
  ['unsafe_metadata', 'Unsafe metadata', 'Writable by the user from the frontend.'],
] as const;

export function UserDetailPage(props: { id: string }) {
  const { data, error, reload } = useLoad(() => api<UserDetail>('GET', `/users/${encodeURIComponent(props.id)}`), [props.id]);
  const action = useAction();
  const [impersonation, setImpersonation] = useState<{ url: string; id: string } | undefined>();
  const [metadata, setMetadata] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!data) return;
    setMetadata(Object.fromEntries(METADATA.map(([k]) => [k, JSON.stringify(data.user[k], null, 2)])));
  }, [data]);
  if (error) return <Alert error={error} />;
  if (!data) return <Loading />;
  const { user } = data;
  const act = (label: string, method: string, path: string, confirmText?: string) => (
    <button
      type="button"
      class={`btn ${confirmText ? 'btn-danger' : ''}`}
      disabled={action.busy}
      onClick={() => {
        if (confirmText && !confirm(confirmText)) return;
        action.run(async () => {
          await api(method, path);
          if (method === 'DELETE' && path === `/users/${user.id}`) {
            navigate('/dashboard/users');
            return;
          }
          reload();
          return `${label}: done.`;
        });
      }}
    >
      {label}
    </button>
  );
  const parsed = Object.fromEntries(METADATA.map(([k]) => [k, validJsonObject(metadata[k] ?? '{}')]));
  const metadataValid = METADATA.every(([k]) => parsed[k] !== undefined);
  return (
    <>
      <p class="crumbs">
        <Link href="/dashboard/users">Users</Link> / {user.id}
      </p>
      <PageHeader title={fullName(user) || primaryEmail(user) || user.username || user.id} description={user.id}>
        {user.banned ? act('Unban', 'POST', `/users/${user.id}/unban`) : act('Ban', 'POST', `/users/${user.id}/ban`)}
        {user.locked ? act('Unlock', 'POST', `/users/${user.id}/unlock`) : act('Lock', 'POST', `/users/${user.id}/lock`)}
        <button
          type="button"
          class="btn"
          disabled={action.busy}
          onClick={() =>
            action.run(async () => {
              setImpersonation(await api<{ url: string; id: string }>('POST', `/users/${user.id}/impersonate`));
            })
          }
        >
          Impersonate
        </button>
        {act('Delete user', 'DELETE', `/users/${user.id}`, `Delete ${primaryEmail(user) || user.id}? This cannot be undone.`)}
      </PageHeader>
      <Alert error={action.error} notice={action.notice} />
      {impersonation && (
        <Card title="Impersonation ticket">
          <p class="muted">
            A one-time actor token ({impersonation.id}), valid for an hour. The session it opens lasts 30 minutes and its tokens carry
            <code>
              {' '}
              act: {'{'} sub: your operator id {'}'}
            </code>
            . It is recorded in the audit log.
          </p>
          <pre class="code-block" data-testid="impersonation-url">
            {impersonation.url}
          </pre>
          <div class="actions">
            <a class="btn btn-primary" href={impersonation.url} target="_blank" rel="noopener noreferrer">
              Open as this user
            </a>
            <CopyButton text={impersonation.url} label="Copy link" />
          </div>
          <p class="muted small">
            The hosted sign-in page spends the ticket (the Frontend API's <code>ticket</code> strategy): open it in a private window to keep
            your own session in the app apart.
          </p>
        </Card>
      )}
      <div class="grid-2">
        <Card title="Profile">
          <dl class="facts">
            <dt>E-mail addresses</dt>
            <dd>
              {user.email_addresses.length === 0
                ? '—'
                : user.email_addresses.map((e) => (
                    <div key={e.id}>
                      {e.email_address} {e.id === user.primary_email_address_id && <Badge>Primary</Badge>}{' '}
                      <Badge tone={e.verification?.status === 'verified' ? 'ok' : 'warn'}>{e.verification?.status ?? 'unverified'}</Badge>
                    </div>
                  ))}
            </dd>
            <dt>Phone numbers</dt>
            <dd>{user.phone_numbers.length === 0 ? 'None' : user.phone_numbers.length}</dd>
            <dt>External accounts</dt>
            <dd>{user.external_accounts.length === 0 ? 'None' : user.external_accounts.length}</dd>
            <dt>Username</dt>
            <dd>{user.username ?? '—'}</dd>
            <dt>External id</dt>
            <dd>{user.external_id ?? '—'}</dd>
            <dt>Password</dt>
            <dd>{user.password_enabled ? 'Set' : 'None'}</dd>
            <dt>Two-factor</dt>
            <dd>{user.two_factor_enabled ? 'Enabled' : 'Off'}</dd>
            <dt>Status</dt>
            <dd>
              {user.banned && <Badge tone="bad">Banned</Badge>} {user.locked && <Badge tone="warn">Locked</Badge>}
              {!user.banned && !user.locked && <Badge tone="ok">Active</Badge>}
            </dd>
            <dt>Created</dt>
            <dd>{when(user.created_at)}</dd>
            <dt>Last signed in</dt>
            <dd>{when(user.last_sign_in_at)}</dd>
          </dl>
        </Card>
        <Card title="Organizations">
          {data.memberships.length === 0 ? (
            <p class="muted">Not a member of any organization.</p>
          ) : (
            <ul class="list">
              {data.memberships.map((m) => (
                <li key={m.id}>
                  <Link href={`/dashboard/organizations/${m.organization.id}`}>{m.organization.name}</Link> <Badge>{m.role}</Badge>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <Card
        title="Sessions"
        actions={data.sessions.some((s) => s.status === 'active') && act('Revoke all', 'POST', `/users/${user.id}/sessions/revoke`)}
      >
        {data.sessions.length === 0 ? (
          <p class="muted">No sessions.</p>
        ) : (
          <DataTable
            rows={data.sessions}
            rowKey={(s) => s.id}
            columns={[
              { label: 'Session', cell: (s) => s.id, class: 'mono' },
              {
                label: 'Status',
                cell: (s) => (
                  <>
                    <Badge tone={s.status === 'active' ? 'ok' : 'neutral'}>{s.status}</Badge>
                  </>
                ),
              },
              { label: 'Last active', cell: (s) => when(s.last_active_at) },
              { label: 'Expires', cell: (s) => when(s.expire_at) },
              {
                label: 'Actions',
                hideLabel: true,
                cell: (s) => <>{s.status === 'active' && act('Revoke', 'POST', `/sessions/${s.id}/revoke`)}</>,
              },
            ]}
          />
        )}
      </Card>
      <Card title="Metadata">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            action.run(async () => {
              await api('PUT', `/users/${user.id}/metadata`, parsed);
              reload();
              return 'Metadata saved.';
            });
          }}
        >
          <div class="grid-3">
            {METADATA.map(([key, label, hint]) => (
              <div key={key}>
                <JsonEditor
                  id={key}
                  label={label}
                  value={metadata[key] ?? '{}'}
                  limitBytes={data.limits.metadata_bytes}
                  rows={8}
                  onInput={(v) => setMetadata({ ...metadata, [key]: v })}
                />
                <p class="muted small">{hint}</p>
              </div>
            ))}
          </div>
          <button type="submit" class="btn btn-primary" disabled={!metadataValid || action.busy}>
            Save metadata
          </button>
        </form>
      </Card>
    </>
  );
}
