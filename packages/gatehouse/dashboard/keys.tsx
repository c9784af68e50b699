import { useState } from 'preact/hooks';
import { api } from './api';
import { Alert, Badge, Card, CopyButton, DataTable, Field, Loading, PageHeader, useAction, useLoad, when } from './ui';

interface KeysJSON {
  environment_type: string;
  publishable_key: string;
  secret_key: string;
  api_url: string;
  jwks_url: string;
  env: Record<string, string>;
  signing_keys: { kid: string; state: string; activates_at: number; retires_at: number | null }[];
}

const mask = (secret: string) => `${secret.slice(0, 8)}${'•'.repeat(24)}`;

export function KeysPage() {
  const { data, error, reload } = useLoad(() => api<KeysJSON>('GET', '/keys'), []);
  const [reveal, setReveal] = useState(false);
  const [graceHours, setGraceHours] = useState('24');
  const [overlap, setOverlap] = useState('60');
  const action = useAction();
  if (error) return <Alert error={error} />;
  if (!data) return <Loading />;
  const envText = Object.entries(data.env)
    .map(([k, v]) => `${k}=${v.includes('\n') ? JSON.stringify(v) : v}`)
    .join('\n');
  return (
    <>
      <PageHeader title="API keys" description={`A ${data.environment_type} instance. Give your apps these keys and variables.`} />
      <Alert error={action.error} notice={action.notice} />
      <Card title="Keys">
        <dl class="facts">
          <dt>Publishable key</dt>
          <dd class="mono">
            {data.publishable_key} <CopyButton text={data.publishable_key} />
          </dd>
          <dt>Secret key</dt>
          <dd class="mono">
            <span data-testid="secret-key">{reveal ? data.secret_key : mask(data.secret_key)}</span>{' '}
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
        <pre class="code-block">{reveal ? envText : envText.split(data.secret_key).join(`${data.secret_key.slice(0, 8)}…`)}</pre>
      </Card>
      <div class="grid-2">
        <Card title="Rotate the secret key">
          <p class="muted small">
            A new <code>CLERK_SECRET_KEY</code> at once; the current one keeps working for the grace period while your apps move over (0
            ends it now, at most 30 days). Rotating again ends an earlier key's grace at once.
          </p>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const graceSeconds = Math.round(Number(graceHours) * 3600);
              if (!confirm(`Rotate the secret key? The current one keeps working for ${graceHours} hours.`)) return;
              action.run(async () => {
                const rotated = await api<{ previous_expires_at: number }>('POST', '/keys/rotate-secret-key', {
                  grace_seconds: graceSeconds,
                });
                setReveal(true);
                reload();
                return `New secret key made; the previous one works until ${when(rotated.previous_expires_at)}.`;
              });
            }}
          >
            <Field id="grace-hours" label="Grace period (hours)">
              <input
                id="grace-hours"
                type="number"
                min={0}
                max={720}
                step="any"
                value={graceHours}
                onInput={(e) => setGraceHours((e.target as HTMLInputElement).value)}
              />
            </Field>
            <button type="submit" class="btn btn-danger" disabled={action.busy || graceHours === '' || Number(graceHours) < 0}>
              Rotate secret key
            </button>
          </form>
        </Card>
        <Card title="Rotate the signing key">
          <p class="muted small">
            The new key is published in the JWKS at once and signs after the overlap, so every node and verifier knows it first. The keys it
            replaces stay published until the tokens they signed have expired.
          </p>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (!confirm('Rotate the signing key?')) return;
              action.run(async () => {
                const rotated = await api<{ kid: string; activates_at: number }>('POST', '/keys/rotate-signing-key', {
                  overlap_seconds: Number(overlap),
                });
                reload();
                return `New signing key ${rotated.kid} published; it signs from ${when(rotated.activates_at)}.`;
              });
            }}
          >
            <Field id="overlap-seconds" label="Overlap before it signs (seconds, 10–86400)">
              <input
                id="overlap-seconds"
                type="number"
                min={10}
                max={86400}
                value={overlap}
                onInput={(e) => setOverlap((e.target as HTMLInputElement).value)}
              />
            </Field>
            <button type="submit" class="btn" disabled={action.busy}>
              Rotate signing key
            </button>
          </form>
        </Card>
      </div>
      <Card title="Signing keys">
        <DataTable
          rows={data.signing_keys}
          rowKey={(k) => k.kid}
          columns={[
            { label: 'Key id', cell: (k) => k.kid, class: 'mono' },
            {
              label: 'State',
              cell: (k) => <Badge tone={k.state === 'signing' ? 'ok' : k.state === 'pending' ? 'warn' : 'neutral'}>{k.state}</Badge>,
            },
            { label: 'Signs from', cell: (k) => when(k.activates_at) },
            { label: 'Leaves the JWKS', cell: (k) => when(k.retires_at) },
          ]}
        />
      </Card>
    </>
  );
}
