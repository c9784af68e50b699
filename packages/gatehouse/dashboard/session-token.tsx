import { useState } from 'preact/hooks';
import { api } from './api';
import { ClaimsPreview } from './claims-preview';
import { JwtTemplates } from './jwt-templates';
import { Alert, Card, JsonEditor, Loading, PageHeader, useAction, useLoad, validJsonObject } from './ui';

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
