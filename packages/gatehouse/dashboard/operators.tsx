import { api } from './api';
import { Alert, Badge, Card, DataTable, Loading, PageHeader, useAction, useLoad, when } from './ui';

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
