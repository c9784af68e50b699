import { useState } from 'preact/hooks';
import { api } from './api';
import { Alert, Badge, Card, CopyButton, DataTable, Loading, PageHeader, useAction, useLoad, when } from './ui';

interface KeysJSON {
  environment_type: string;
  publishable_key: string;
  secret_key: string;
  api_url: string;
  jwks_url: string;
  env: Record<string, string>;
  signing_keys: { kid: string; state: string; activates_at: number; retires_at: number | null }[];
}

export function KeysPage() {
  const { data, error, reload } = useLoad(() => api<KeysJSON>('GET', '/keys'), []);
  const [reveal, setReveal] = useState(false);
  const action = useAction();
  if (error) return <Alert error={error} />;
  if (!data) return <Loading />;
  const envText = Object.entries(data.env)
    .map(([k, v]) => `${k}=${v.includes('\n') ? JSON.stringify(v) : v}`)
    .join('\n');
  return (
    <>
      <PageHeader title="API keys" description={`A ${data.environment_type} instance.`} />
      <Alert error={action.error} notice={action.notice} />
      <Card title="Keys">
        <dl class="facts">
          <dt>Publishable key</dt>
          <dd class="mono">
            {data.publishable_key} <CopyButton text={data.publishable_key} />
          </dd>
          <dt>Secret key</dt>
          <dd class="mono">
            {reveal ? data.secret_key : `${data.secret_key.slice(0, 8)}${'•'.repeat(24)}`}{' '}
            <button type="button" class="btn btn-small" onClick={() => setReveal(!reveal)}>
              {reveal ? 'Hide' : 'Show'}
            </button>{' '}
            <CopyButton text={data.secret_key} />
          </dd>
          <dt>Backend API</dt>
          <dd class="mono">{data.api_url}</dd>
          <dt>JWKS</dt>
          <dd class="mono">{data.jwks_url}</dd>
        </dl>
      </Card>
      <Card title="Environment variables" actions={<CopyButton text={envText} label="Copy all" />}>
        <pre class="code-block">{reveal ? envText : envText.replace(data.secret_key, `${data.secret_key.slice(0, 8)}…`)}</pre>
      </Card>
      <Card title="Rotation">
        <p class="muted">
          A new signing key is published in the JWKS before it signs. The previous secret key keeps working for the grace period (a day), so
          apps can move over.
        </p>
        <DataTable
          rows={data.signing_keys}
          rowKey={(k) => k.kid}
          columns={[
            { label: 'Signing key', cell: (k) => k.kid, class: 'mono' },
            {
              label: 'State',
              cell: (k) => (
                <>
                  <Badge tone={k.state === 'signing' ? 'ok' : 'neutral'}>{k.state}</Badge>
                </>
              ),
            },
            { label: 'Signs from', cell: (k) => when(k.activates_at) },
            { label: 'Leaves the JWKS', cell: (k) => when(k.retires_at) },
          ]}
        />
        <div class="actions">
          <button
            type="button"
            class="btn"
            disabled={action.busy}
            onClick={() =>
              confirm('Rotate the signing key?') &&
              action.run(async () => {
                await api('POST', '/keys/rotate-signing-key', {});
                reload();
                return 'New signing key published; it signs after the overlap.';
              })
            }
          >
            Rotate signing key
          </button>
          <button
            type="button"
            class="btn btn-danger"
            disabled={action.busy}
            onClick={() =>
              confirm('Rotate the secret key? The current one keeps working for 24 hours.') &&
              action.run(async () => {
                await api('POST', '/keys/rotate-secret-key', {});
                reload();
                return 'New secret key made; the previous one works for 24 hours more.';
              })
            }
          >
            Rotate secret key
          </button>
        </div>
      </Card>
    </>
  );
}
