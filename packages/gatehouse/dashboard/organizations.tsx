import { useState } from 'preact/hooks';
import { api, qs } from './api';
import { CreateOrganization, DeleteOrganization, OrganizationMetadata, OrganizationProfile } from './organization-profile';
import { Alert, Badge, Card, DataTable, Field, Link, Loading, PageHeader, Pager, SearchBar, useAction, useLoad, when } from './ui';

interface OrganizationJSON {
  id: string;
  name: string;
  slug: string;
  members_count?: number;
  public_metadata: Record<string, unknown>;
  private_metadata: Record<string, unknown>;
  created_at: number;
}

export function OrganizationsPage() {
  const [submitted, setSubmitted] = useState('');
  const [offset, setOffset] = useState(0);
  const [creating, setCreating] = useState(false);
  const { data, error } = useLoad(
    () => api<{ data: OrganizationJSON[]; total_count: number }>('GET', `/organizations${qs({ query: submitted, limit: 25, offset })}`),
    [submitted, offset],
  );
  return (
    <>
      <PageHeader title="Organizations">
        <button type="button" class="btn btn-primary" onClick={() => setCreating(!creating)} aria-expanded={creating}>
          New organization
        </button>
      </PageHeader>
      {creating && <CreateOrganization onCancel={() => setCreating(false)} />}
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

interface RoleOption {
  key: string;
  name: string;
}

interface MemberJSON {
  id: string;
  role: string;
  role_name?: string;
  created_at: number;
  public_user_data: { user_id: string; identifier: string; first_name: string | null; last_name: string | null };
}

interface OrgDetail {
  organization: OrganizationJSON;
  members: MemberJSON[];
  members_total: number;
  members_page_size: number;
  pending_invitations: number;
  roles: RoleOption[];
  default_role: string;
  enrollment_modes: string[];
  limits: { metadata_bytes: number };
}

interface InvitationJSON {
  id: string;
  email_address: string;
  role: string;
  role_name: string;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  expires_at: number;
  created_at: number;
}

interface DomainJSON {
  id: string;
  name: string;
  enrollment_mode: string;
  verification: { status: 'verified' | 'unverified' } | null;
  total_pending_invitations: number;
  created_at: number;
}

const STATUS_TONE = { pending: 'warn', accepted: 'ok', revoked: 'neutral', expired: 'neutral' } as const;
const MODE_LABEL: Record<string, string> = {
  manual_invitation: 'Manual invitation',
  automatic_invitation: 'Automatic invitation',
  automatic_suggestion: 'Automatic suggestion',
};

function RoleSelect(props: {
  id?: string;
  label: string;
  roles: RoleOption[];
  value: string;
  disabled?: boolean;
  onChange: (role: string) => void;
}) {
  return (
    <select
      id={props.id}
      aria-label={props.id ? undefined : props.label}
      value={props.value}
      disabled={props.disabled}
      onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
    >
      {props.roles.map((r) => (
        <option key={r.key} value={r.key}>
          {r.name} ({r.key})
        </option>
      ))}
    </select>
  );
}

/** One organization: its members, invitations and domains, each changed through the Backend API's services. */
export function OrganizationDetailPage(props: { id: string }) {
  const [membersQuery, setMembersQuery] = useState('');
  const [membersOffset, setMembersOffset] = useState(0);
  const path = `/organizations/${encodeURIComponent(props.id)}`;
  const { data, error, reload } = useLoad(
    () => api<OrgDetail>('GET', `${path}${qs({ members_query: membersQuery, members_offset: membersOffset })}`),
    [props.id, membersQuery, membersOffset],
  );
  const [invitationsTick, setInvitationsTick] = useState(0);
  if (error && !data) return <Alert error={error} />;
  if (!data) return <Loading />;
  const org = data.organization;
  return (
    <>
      <p class="crumbs">
        <Link href="/dashboard/organizations">Organizations</Link> / {org.slug}
      </p>
      <PageHeader
        title={org.name}
        description={`${org.id} · ${data.members_total.toLocaleString()} members · created ${when(org.created_at)}`}
      />
      <Members
        path={path}
        data={data}
        reload={reload}
        onSearch={(text) => {
          setMembersOffset(0);
          setMembersQuery(text);
        }}
        offset={membersOffset}
        onPage={setMembersOffset}
      />
      <Invitations
        path={path}
        roles={data.roles}
        defaultRole={data.default_role}
        tick={invitationsTick}
        onChange={() => setInvitationsTick((t) => t + 1)}
      />
      <Domains path={path} modes={data.enrollment_modes} />
      <OrganizationProfile organization={org} onSaved={reload} />
      <OrganizationMetadata organization={org} limitBytes={data.limits.metadata_bytes} onSaved={reload} />
      <DeleteOrganization organization={org} />
    </>
  );
}

function Members(props: {
  path: string;
  data: OrgDetail;
  reload: () => void;
  onSearch: (text: string) => void;
  offset: number;
  onPage: (offset: number) => void;
}) {
  const { data, path } = props;
  const action = useAction();
  const [user, setUser] = useState('');
  const [role, setRole] = useState(data.default_role);
  const label = (m: MemberJSON) => m.public_user_data.identifier || m.public_user_data.user_id;
  return (
    <Card title="Members">
      <Alert error={action.error} notice={action.notice} />
      <SearchBar label="Search members" placeholder="Search members by name, e-mail or username" onSearch={props.onSearch} />
      <DataTable
        rows={data.members}
        rowKey={(m) => m.id}
        empty="No members match."
        columns={[
          {
            label: 'Member',
            cell: (m) => (
              <>
                <Link href={`/dashboard/users/${m.public_user_data.user_id}`}>{label(m)}</Link>
                {(m.public_user_data.first_name || m.public_user_data.last_name) && (
                  <div class="muted small">{[m.public_user_data.first_name, m.public_user_data.last_name].filter(Boolean).join(' ')}</div>
                )}
              </>
            ),
          },
          {
            label: 'Role',
            cell: (m) => (
              <RoleSelect
                label={`Role of ${label(m)}`}
                roles={data.roles}
                value={m.role}
                disabled={action.busy}
                onChange={(next) =>
                  action.run(async () => {
                    await api('PATCH', `${path}/memberships/${m.public_user_data.user_id}`, { role: next });
                    props.reload();
                    return `${label(m)} is now ${next}.`;
                  })
                }
              />
            ),
          },
          { label: 'Joined', cell: (m) => when(m.created_at), class: 'nowrap' },
          {
            label: 'Actions',
            hideLabel: true,
            cell: (m) => (
              <button
                type="button"
                class="btn btn-danger btn-small"
                aria-label={`Remove ${label(m)}`}
                disabled={action.busy}
                onClick={() => {
                  if (!confirm(`Remove ${label(m)} from ${data.organization.name}?`)) return;
                  action.run(async () => {
                    await api('DELETE', `${path}/memberships/${m.public_user_data.user_id}`);
                    props.reload();
                    return `${label(m)} removed.`;
                  });
                }}
              >
                Remove
              </button>
            ),
          },
        ]}
      />
      <Pager offset={props.offset} limit={data.members_page_size} total={data.members_total} onChange={props.onPage} />
      <form
        class="subform toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          action.run(async () => {
            await api('POST', `${path}/memberships`, { user: user.trim(), role });
            setUser('');
            props.reload();
            return `${user.trim()} added as ${role}.`;
          });
        }}
      >
        <input
          class="grow"
          aria-label="Add a member (user id or e-mail)"
          placeholder="Add a member: user id or e-mail"
          required
          value={user}
          onInput={(e) => setUser((e.target as HTMLInputElement).value)}
        />
        <RoleSelect label="Role of the new member" roles={data.roles} value={role} onChange={setRole} />
        <button type="submit" class="btn" disabled={action.busy}>
          Add member
        </button>
      </form>
    </Card>
  );
}

function Invitations(props: { path: string; roles: RoleOption[]; defaultRole: string; tick: number; onChange: () => void }) {
  const [status, setStatus] = useState<'pending' | ''>('pending');
  const [offset, setOffset] = useState(0);
  const list = useLoad(
    () =>
      api<{ data: InvitationJSON[]; total_count: number; page_size: number }>('GET', `${props.path}/invitations${qs({ status, offset })}`),
    [status, offset, props.tick],
  );
  const [email, setEmail] = useState('');
  const [role, setRole] = useState(props.defaultRole);
  const action = useAction();
  return (
    <Card
      title="Invitations"
      actions={
        <select
          aria-label="Show invitations"
          value={status}
          onChange={(e) => {
            setOffset(0);
            setStatus((e.target as HTMLSelectElement).value as 'pending' | '');
          }}
        >
          <option value="pending">Pending</option>
          <option value="">All</option>
        </select>
      }
    >
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          action.run(async () => {
            const sent = await api<InvitationJSON>('POST', `${props.path}/invitations`, { email_address: email.trim(), role });
            setEmail('');
            props.onChange();
            return `Invitation mailed to ${sent.email_address}.`;
          });
        }}
      >
        <input
          class="grow"
          type="email"
          aria-label="Invite by e-mail"
          placeholder="name@example.com"
          required
          value={email}
          onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
        />
        <RoleSelect label="Role of the invitee" roles={props.roles} value={role} onChange={setRole} />
        <button type="submit" class="btn btn-primary" disabled={action.busy}>
          Invite
        </button>
      </form>
      <Alert error={action.error || list.error} notice={action.notice} />
      {!list.data ? (
        <Loading />
      ) : (
        <>
          <DataTable
            rows={list.data.data}
            rowKey={(i) => i.id}
            empty={status === 'pending' ? 'No pending invitations.' : 'No invitations yet.'}
            columns={[
              {
                label: 'E-mail',
                cell: (i) => (
                  <>
                    {i.email_address}
                    <div class="muted small">{i.role_name}</div>
                  </>
                ),
              },
              { label: 'Status', cell: (i) => <Badge tone={STATUS_TONE[i.status]}>{i.status}</Badge> },
              { label: 'Expires', cell: (i) => when(i.expires_at), class: 'nowrap small' },
              {
                label: 'Actions',
                hideLabel: true,
                cell: (i) =>
                  i.status === 'pending' && (
                    <button
                      type="button"
                      class="btn btn-small"
                      aria-label={`Revoke the invitation of ${i.email_address}`}
                      disabled={action.busy}
                      onClick={() =>
                        action.run(async () => {
                          await api('POST', `${props.path}/invitations/${i.id}/revoke`);
                          props.onChange();
                          return `Invitation of ${i.email_address} revoked.`;
                        })
                      }
                    >
                      Revoke
                    </button>
                  ),
              },
            ]}
          />
          {list.data.total_count > list.data.page_size && (
            <Pager offset={offset} limit={list.data.page_size} total={list.data.total_count} onChange={setOffset} />
          )}
        </>
      )}
    </Card>
  );
}

function Domains(props: { path: string; modes: string[] }) {
  const list = useLoad(() => api<{ data: DomainJSON[]; total_count: number }>('GET', `${props.path}/domains`), [props.path]);
  const [name, setName] = useState('');
  const [mode, setMode] = useState('manual_invitation');
  const [verified, setVerified] = useState(false);
  const action = useAction();
  const change = (d: DomainJSON, body: { enrollment_mode?: string; verified?: boolean }, done: string) =>
    action.run(async () => {
      await api('PATCH', `${props.path}/domains/${d.id}`, body);
      list.reload();
      return done;
    });
  return (
    <Card title="Domains">
      <p class="muted small">Users with a verified address at a verified domain can join as its enrollment mode says.</p>
      <Alert error={action.error || list.error} notice={action.notice} />
      {!list.data ? (
        <Loading />
      ) : (
        <DataTable
          rows={list.data.data}
          rowKey={(d) => d.id}
          empty="No domains yet."
          columns={[
            {
              label: 'Domain',
              cell: (d) => (
                <>
                  <span class="mono">{d.name}</span>{' '}
                  {d.verification?.status === 'verified' ? <Badge tone="ok">verified</Badge> : <Badge tone="warn">unverified</Badge>}
                </>
              ),
            },
            {
              label: 'Enrollment',
              cell: (d) => (
                <select
                  aria-label={`Enrollment mode of ${d.name}`}
                  value={d.enrollment_mode}
                  disabled={action.busy}
                  onChange={(e) => {
                    const next = (e.target as HTMLSelectElement).value;
                    change(d, { enrollment_mode: next }, `${d.name}: ${MODE_LABEL[next] ?? next}.`);
                  }}
                >
                  {props.modes.map((m) => (
                    <option key={m} value={m}>
                      {MODE_LABEL[m] ?? m}
                    </option>
                  ))}
                </select>
              ),
            },
            {
              label: 'Actions',
              hideLabel: true,
              class: 'nowrap',
              cell: (d) => (
                <>
                  {d.verification?.status !== 'verified' && (
                    <button
                      type="button"
                      class="btn btn-small"
                      aria-label={`Mark ${d.name} verified`}
                      disabled={action.busy}
                      onClick={() => change(d, { verified: true }, `${d.name} is verified.`)}
                    >
                      Mark verified
                    </button>
                  )}{' '}
                  <button
                    type="button"
                    class="btn btn-small btn-danger"
                    aria-label={`Delete ${d.name}`}
                    disabled={action.busy}
                    onClick={() =>
                      confirm(`Delete the domain ${d.name}?`) &&
                      action.run(async () => {
                        await api('DELETE', `${props.path}/domains/${d.id}`);
                        list.reload();
                        return `${d.name} deleted.`;
                      })
                    }
                  >
                    Delete
                  </button>
                </>
              ),
            },
          ]}
        />
      )}
      <form
        class="subform"
        onSubmit={(e) => {
          e.preventDefault();
          action.run(async () => {
            const added = await api<DomainJSON>('POST', `${props.path}/domains`, { name: name.trim(), enrollment_mode: mode, verified });
            setName('');
            setVerified(false);
            list.reload();
            return `${added.name} added${added.verification?.status === 'verified' ? ', verified' : ''}.`;
          });
        }}
      >
        <div class="grid-2">
          <Field id="domain-name" label="Domain">
            <input
              id="domain-name"
              placeholder="example.com"
              required
              value={name}
              onInput={(e) => setName((e.target as HTMLInputElement).value)}
            />
          </Field>
          <Field id="domain-mode" label="Enrollment mode">
            <select id="domain-mode" value={mode} onChange={(e) => setMode((e.target as HTMLSelectElement).value)}>
              {props.modes.map((m) => (
                <option key={m} value={m}>
                  {MODE_LABEL[m] ?? m}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <div class="actions">
          <label class="check">
            <input type="checkbox" checked={verified} onChange={(e) => setVerified((e.target as HTMLInputElement).checked)} /> Verified
            already (skip the e-mail check)
          </label>
          <button type="submit" class="btn" disabled={action.busy}>
            Add domain
          </button>
        </div>
      </form>
    </Card>
  );
}
