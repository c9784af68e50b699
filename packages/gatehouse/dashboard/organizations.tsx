import { useState } from 'preact/hooks';
import { api, qs } from './api';
import { Alert, Card, DataTable, Link, Loading, PageHeader, Pager, SearchBar, useAction, useLoad, when } from './ui';

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
