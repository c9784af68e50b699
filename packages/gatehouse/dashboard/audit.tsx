import { useState } from 'preact/hooks';
import { api, qs } from './api';
import { Alert, Card, DataTable, Loading, PageHeader, Pager, useLoad, when } from './ui';

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
