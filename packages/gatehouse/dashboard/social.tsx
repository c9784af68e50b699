import { useState } from 'preact/hooks';
import { api } from './api';
import { Alert, Badge, Card, CopyButton, Field, Loading, PageHeader, useAction, useLoad } from './ui';

interface ConnectionJSON {
  key: string;
  enabled: boolean;
  client_id: string;
  has_secret: boolean;
  scopes: string[] | null;
  config_locked: boolean;
}
interface SocialJSON {
  data: ConnectionJSON[];
  callback_url: string;
}

const NAMES: Record<string, { name: string; console: string; defaultScopes: string }> = {
  google: { name: 'Google', console: 'Google Cloud console → APIs & Services → Credentials', defaultScopes: 'openid email profile' },
  github: { name: 'GitHub', console: 'GitHub → Settings → Developer settings → OAuth Apps', defaultScopes: 'read:user user:email' },
  microsoft: {
    name: 'Microsoft',
    console: 'Microsoft Entra admin center → App registrations',
    defaultScopes: 'openid email profile offline_access',
  },
};

export function SocialPage() {
  const { data, error, reload } = useLoad(() => api<SocialJSON>('GET', '/social'), []);
  if (error) return <Alert error={error} />;
  if (!data) return <Loading />;
  return (
    <>
      <PageHeader
        title="Social connections"
        description="Sign-in with Google, GitHub or Microsoft. A connection turned on here appears as a button in <SignIn/> and <SignUp/> within seconds."
      />
      <p class="muted">
        Register this callback URL with the provider: <code data-testid="callback-url">{data.callback_url}</code>{' '}
        <CopyButton text={data.callback_url} />
      </p>
      {data.data.map((c) => (
        <Connection key={c.key} connection={c} onSaved={reload} />
      ))}
    </>
  );
}

function Connection(props: { connection: ConnectionJSON; onSaved: () => void }) {
  const c = props.connection;
  const meta = NAMES[c.key] ?? { name: c.key, console: '', defaultScopes: '' };
  const [clientId, setClientId] = useState(c.client_id);
  const [secret, setSecret] = useState('');
  const [scopes, setScopes] = useState((c.scopes ?? []).join(' '));
  const action = useAction();
  const id = (field: string) => `${c.key}-${field}`;
  const save = (enabled: boolean) =>
    action.run(async () => {
      const list = scopes.split(/\s+/).filter(Boolean);
      await api('PUT', `/social/${c.key}`, {
        enabled,
        client_id: clientId.trim(),
        ...(secret ? { client_secret: secret } : {}),
        scopes: list.length ? list : null,
      });
      setSecret('');
      props.onSaved();
      return enabled ? `${meta.name} sign-in is on.` : `${meta.name} sign-in is off.`;
    });
  return (
    <Card
      title={meta.name}
      actions={
        <>
          {c.config_locked && <Badge>config file</Badge>}
          <Badge tone={c.enabled ? 'ok' : 'neutral'}>{c.enabled ? 'On' : 'Off'}</Badge>
        </>
      }
    >
      <Alert error={action.error} notice={action.notice} />
      {c.config_locked ? (
        <p class="muted">
          The config file's `oauth.{c.key}` sets this connection; it wins over the dashboard. Change it there and restart.
        </p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save(true);
          }}
        >
          <div class="grid-3">
            <Field id={id('client-id')} label={`${meta.name} client id`}>
              <input id={id('client-id')} value={clientId} onInput={(e) => setClientId((e.target as HTMLInputElement).value)} />
            </Field>
            <Field
              id={id('client-secret')}
              label={`${meta.name} client secret`}
              hint={c.has_secret ? 'Stored (sealed). Leave empty to keep it.' : undefined}
            >
              <input
                id={id('client-secret')}
                type="password"
                autoComplete="off"
                value={secret}
                onInput={(e) => setSecret((e.target as HTMLInputElement).value)}
              />
            </Field>
            <Field id={id('scopes')} label={`${meta.name} scopes`} hint={`Default: ${meta.defaultScopes}`}>
              <input
                id={id('scopes')}
                value={scopes}
                placeholder={meta.defaultScopes}
                onInput={(e) => setScopes((e.target as HTMLInputElement).value)}
              />
            </Field>
          </div>
          {meta.console && <p class="muted small">Create the credentials in {meta.console}.</p>}
          <div class="actions">
            <button type="submit" class="btn btn-primary" disabled={action.busy}>
              {c.enabled ? `Save ${meta.name}` : `Turn on ${meta.name}`}
            </button>
            {c.enabled && (
              <button type="button" class="btn" disabled={action.busy} onClick={() => save(false)}>
                Turn off
              </button>
            )}
          </div>
        </form>
      )}
    </Card>
  );
}
