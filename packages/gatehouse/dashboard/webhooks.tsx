import { useState } from 'preact/hooks';
import { api, qs } from './api';
import {
  Alert,
  Badge,
  Card,
  CheckboxGroup,
  CopyButton,
  DataTable,
  Field,
  Link,
  Loading,
  navigate,
  PageHeader,
  Pager,
  useAction,
  useLoad,
  when,
} from './ui';

interface EndpointJSON {
  id: string;
  url: string;
  events: string[];
  secret: string;
  disabled: boolean;
  source: string;
  failing_since: number | null;
  previous_secret_expires_at: number | null;
  created_at: number;
}

interface DeliveryJSON {
  id: string;
  event_id: string;
  event_type: string;
  status: string;
  attempt_count: number;
  next_attempt_at: number | null;
  attempts: { id: string; status_code: number | null; duration_ms: number; error: string | null; created_at: number }[];
  created_at: number;
}

function EndpointState(props: { endpoint: EndpointJSON }) {
  const e = props.endpoint;
  if (e.disabled) return <Badge tone="neutral">Disabled</Badge>;
  if (e.failing_since) return <Badge tone="bad">Failing since {when(e.failing_since)}</Badge>;
  return <Badge tone="ok">Active</Badge>;
}

const eventsLabel = (events: string[]) => (events.length === 0 ? 'All events' : events.join(', '));

export function WebhooksPage() {
  const [offset, setOffset] = useState(0);
  const [adding, setAdding] = useState(false);
  const { data, error } = useLoad(
    () => api<{ data: EndpointJSON[]; total_count: number; event_types: string[] }>('GET', `/webhooks${qs({ limit: 25, offset })}`),
    [offset],
  );
  return (
    <>
      <PageHeader title="Webhooks" description="Endpoints that receive the instance's events, signed as Svix signs them.">
        <button type="button" class="btn btn-primary" aria-expanded={adding} onClick={() => setAdding(!adding)}>
          Add endpoint
        </button>
      </PageHeader>
      <Alert error={error} />
      {adding && data && <AddEndpoint eventTypes={data.event_types} />}
      <Card>
        {!data ? (
          <Loading />
        ) : (
          <>
            <DataTable
              rows={data.data}
              rowKey={(e) => e.id}
              empty="No endpoints yet. Add one to receive events."
              columns={[
                { label: 'Endpoint', cell: (e) => <Link href={`/dashboard/webhooks/${e.id}`}>{e.url}</Link> },
                { label: 'Events', cell: (e) => <span class="small">{eventsLabel(e.events)}</span> },
                { label: 'State', cell: (e) => <EndpointState endpoint={e} /> },
                { label: 'Source', cell: (e) => (e.source === 'config' ? <Badge>config file</Badge> : 'dashboard / API') },
                { label: 'Created', cell: (e) => when(e.created_at), class: 'nowrap' },
              ]}
            />
            <Pager offset={offset} limit={25} total={data.total_count} onChange={setOffset} />
          </>
        )}
      </Card>
    </>
  );
}

function AddEndpoint(props: { eventTypes: string[] }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([]);
  const action = useAction();
  return (
    <Card title="New endpoint">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          action.run(async () => {
            const created = await api<EndpointJSON>('POST', '/webhooks', { url: url.trim(), events });
            navigate(`/dashboard/webhooks/${created.id}`);
          });
        }}
      >
        <Alert error={action.error} />
        <Field id="webhook-url" label="Endpoint URL" hint="HTTPS on production instances; private addresses only on development ones.">
          <input id="webhook-url" type="url" required value={url} onInput={(e) => setUrl((e.target as HTMLInputElement).value)} />
        </Field>
        <CheckboxGroup legend="Events (none chosen: every event)" options={props.eventTypes} value={events} onChange={setEvents} />
        <button type="submit" class="btn btn-primary" disabled={action.busy}>
          Create endpoint
        </button>
      </form>
    </Card>
  );
}

export function WebhookDetailPage(props: { id: string }) {
  const [offset, setOffset] = useState(0);
  const [events, setEvents] = useState<string[] | undefined>();
  const [reveal, setReveal] = useState(false);
  const [since, setSince] = useState('');
  const { data, error, reload } = useLoad(
    () =>
      api<{ endpoint: EndpointJSON; deliveries: { data: DeliveryJSON[]; total_count: number }; event_types: string[] }>(
        'GET',
        `/webhooks/${encodeURIComponent(props.id)}${qs({ limit: 25, offset })}`,
      ),
    [props.id, offset],
  );
  const action = useAction();
  if (error) return <Alert error={error} />;
  if (!data) return <Loading />;
  const e = data.endpoint;
  const path = `/webhooks/${encodeURIComponent(e.id)}`;
  const chosen = events ?? e.events;
  const write = (method: string, url: string, body: unknown, notice: string) =>
    action.run(async () => {
      await api(method, url, body);
      reload();
      return notice;
    });
  return (
    <>
      <p class="crumbs">
        <Link href="/dashboard/webhooks">Webhooks</Link> / {e.id}
      </p>
      <PageHeader title={e.url} description={`${e.id} · created ${when(e.created_at)}`}>
        <button
          type="button"
          class="btn"
          disabled={action.busy}
          onClick={() =>
            write('POST', `/webhooks/${e.id}/rotate-secret`, {}, 'Secret rotated; the previous one signs beside it for 24 hours.')
          }
        >
          Rotate secret
        </button>
        <button
          type="button"
          class="btn"
          disabled={action.busy}
          onClick={() => write('PATCH', path, { disabled: !e.disabled }, e.disabled ? 'Endpoint enabled.' : 'Endpoint disabled.')}
        >
          {e.disabled ? 'Enable' : 'Disable'}
        </button>
        <button
          type="button"
          class="btn btn-danger"
          disabled={action.busy}
          onClick={() =>
            confirm(`Delete the endpoint ${e.url}?`) &&
            action.run(async () => {
              await api('DELETE', path);
              navigate('/dashboard/webhooks');
            })
          }
        >
          Delete
        </button>
      </PageHeader>
      <Alert error={action.error} notice={action.notice} />
      {e.source === 'config' && (
        <p class="alert alert-info">The config file's `webhooks` lists this endpoint: it is written again at every start.</p>
      )}
      <div class="grid-2">
        <Card title="Endpoint">
          <dl class="facts">
            <dt>State</dt>
            <dd>
              <EndpointState endpoint={e} />
            </dd>
            <dt>Signing secret</dt>
            <dd class="mono">
              {reveal ? e.secret : `${e.secret.slice(0, 8)}${'•'.repeat(20)}`}{' '}
              <button type="button" class="btn btn-small" onClick={() => setReveal(!reveal)}>
                {reveal ? 'Hide' : 'Show'}
              </button>{' '}
              <CopyButton text={e.secret} />
            </dd>
            {e.previous_secret_expires_at && (
              <>
                <dt>Previous secret</dt>
                <dd>signs beside it until {when(e.previous_secret_expires_at)}</dd>
              </>
            )}
          </dl>
          <form
            class="toolbar"
            onSubmit={(ev) => {
              ev.preventDefault();
              const from = since ? new Date(since).getTime() : Date.now() - 86_400_000;
              write('POST', `/webhooks/${e.id}/replay`, { since: from }, 'Events queued again for this endpoint.');
            }}
          >
            <label class="inline" for="replay-since">
              Replay events since
            </label>
            <input
              id="replay-since"
              type="datetime-local"
              value={since}
              onInput={(ev) => setSince((ev.target as HTMLInputElement).value)}
            />
            <button type="submit" class="btn" disabled={action.busy}>
              Replay
            </button>
          </form>
        </Card>
        <Card title="Events">
          <CheckboxGroup legend="Subscribed events (none: every event)" options={data.event_types} value={chosen} onChange={setEvents} />
          <button
            type="button"
            class="btn btn-primary"
            disabled={action.busy || events === undefined}
            onClick={() => write('PATCH', path, { events: chosen }, 'Events saved.')}
          >
            Save events
          </button>
        </Card>
      </div>
      <Card
        title="Deliveries"
        actions={
          <button type="button" class="btn btn-small" onClick={reload}>
            Refresh
          </button>
        }
      >
        <DataTable
          rows={data.deliveries.data}
          rowKey={(d) => d.id}
          empty="No deliveries yet: they appear here as events happen."
          columns={[
            {
              label: 'Event',
              cell: (d) => (
                <>
                  <code>{d.event_type}</code>
                  <div class="muted small mono">{d.event_id}</div>
                </>
              ),
            },
            {
              label: 'Status',
              cell: (d) => <Badge tone={d.status === 'succeeded' ? 'ok' : d.status === 'failed' ? 'bad' : 'warn'}>{d.status}</Badge>,
            },
            {
              label: 'Attempts',
              cell: (d) => (
                <ul class="attempts">
                  {d.attempts.map((a) => (
                    <li key={a.id} class="small">
                      <span class="mono">{a.status_code ?? '—'}</span> {a.error && <span class="text-bad">{a.error}</span>}{' '}
                      <span class="muted">
                        {a.duration_ms} ms · {when(a.created_at)}
                      </span>
                    </li>
                  ))}
                  {d.next_attempt_at && <li class="muted small">next attempt {when(d.next_attempt_at)}</li>}
                </ul>
              ),
            },
            { label: 'Created', cell: (d) => when(d.created_at), class: 'nowrap' },
            {
              label: 'Actions',
              hideLabel: true,
              cell: (d) => (
                <button
                  type="button"
                  class="btn btn-small"
                  aria-label={`Retry ${d.id}`}
                  disabled={action.busy}
                  onClick={() => write('POST', `/webhook-deliveries/${d.id}/retry`, {}, 'Delivery queued again.')}
                >
                  Retry
                </button>
              ),
            },
          ]}
        />
        <Pager offset={offset} limit={25} total={data.deliveries.total_count} onChange={setOffset} />
      </Card>
    </>
  );
}
