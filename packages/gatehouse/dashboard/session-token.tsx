import { useState } from 'preact/hooks';
import { api, qs } from './api';
import { Alert, Card, DataTable, JsonEditor, Loading, PageHeader, useAction, useLoad, validJsonObject } from './ui';
import type { UserJSON } from './users';

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

/** A live preview of a claims template rendered for a user found by id or e-mail (the session token's, a JWT template's). */
function ClaimsPreview(props: {
  claims: Record<string, unknown> | undefined;
  path: string;
  label: string;
  limitBytes?: number;
  testId: string;
}) {
  const [user, setUser] = useState('');
  const [preview, setPreview] = useState<{ claims: Record<string, unknown>; bytes: number } | undefined>();
  const action = useAction();
  return (
    <>
      <div class="toolbar">
        <input
          class="grow"
          aria-label={props.label}
          placeholder="User id or e-mail"
          value={user}
          onInput={(e) => setUser((e.target as HTMLInputElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              (e.currentTarget.nextElementSibling as HTMLButtonElement | null)?.click();
            }
          }}
        />
        <button
          type="button"
          class="btn"
          disabled={!props.claims || action.busy}
          onClick={() =>
            action.run(async () => {
              let userId = user.trim();
              if (!userId.startsWith('user_')) {
                const found = await api<{ data: UserJSON[] }>('GET', `/users${qs({ query: userId, limit: 1 })}`);
                userId = found.data[0]?.id ?? '';
                if (!userId) throw new Error('No user matches.');
              }
              setPreview(await api('POST', props.path, { claims: props.claims, user_id: userId }));
            })
          }
        >
          Preview
        </button>
      </div>
      <Alert error={action.error} />
      {preview && (
        <>
          <pre class="code-block" data-testid={props.testId}>
            {JSON.stringify(preview.claims, null, 2)}
          </pre>
          <p class={props.limitBytes !== undefined && preview.bytes > props.limitBytes ? 'text-bad' : 'muted'}>
            {preview.bytes.toLocaleString()}
            {props.limitBytes !== undefined ? ` of ${props.limitBytes.toLocaleString()}` : ''} bytes
          </p>
        </>
      )}
    </>
  );
}

interface JwtTemplateJSON {
  id: string;
  name: string;
  lifetime: number;
  claims: Record<string, unknown>;
}

function JwtTemplates() {
  const list = useLoad(() => api<{ data: JwtTemplateJSON[] }>('GET', '/jwt-templates'), []);
  const [editing, setEditing] = useState<JwtTemplateJSON | null>(null);
  const [name, setName] = useState('');
  const [claims, setClaims] = useState('{}');
  const [lifetime, setLifetime] = useState('60');
  const [open, setOpen] = useState(false);
  const action = useAction();
  const start = (template: JwtTemplateJSON | null, show = true) => {
    setOpen(show);
    setEditing(template);
    setName(template?.name ?? '');
    setClaims(JSON.stringify(template?.claims ?? {}, null, 2));
    setLifetime(String(template?.lifetime ?? 60));
  };
  const parsed = validJsonObject(claims);
  return (
    <Card
      title="JWT templates"
      actions={
        <button type="button" class="btn btn-small" onClick={() => start(null)}>
          New template
        </button>
      }
    >
      <Alert error={action.error || list.error} notice={action.notice} />
      {!list.data ? (
        <Loading />
      ) : list.data.data.length === 0 ? (
        <p class="muted">No JWT templates yet.</p>
      ) : (
        <DataTable
          rows={list.data.data}
          rowKey={(t) => t.id}
          columns={[
            { label: 'Name', cell: (t) => t.name },
            { label: 'Lifetime', cell: (t) => <>{t.lifetime} s</> },
            { label: 'Claims', cell: (t) => JSON.stringify(t.claims), class: 'mono small detail' },
            {
              label: 'Actions',
              hideLabel: true,
              cell: (t) => (
                <>
                  <button type="button" class="btn btn-small" onClick={() => start(t)}>
                    Edit
                  </button>{' '}
                  <button
                    type="button"
                    class="btn btn-small btn-danger"
                    onClick={() =>
                      confirm(`Delete the template ${t.name}?`) &&
                      action.run(async () => {
                        await api('DELETE', `/jwt-templates/${t.id}`);
                        list.reload();
                        return 'Template deleted.';
                      })
                    }
                  >
                    Delete
                  </button>
                </>
              ),
              class: 'nowrap',
            },
          ]}
        />
      )}
      {open && (
        <form
          class="subform"
          onSubmit={(e) => {
            e.preventDefault();
            action.run(async () => {
              const body = { name, claims: parsed, lifetime: Number(lifetime) };
              if (editing) await api('PATCH', `/jwt-templates/${editing.id}`, body);
              else await api('POST', '/jwt-templates', body);
              start(null, false);
              list.reload();
              return 'Template saved.';
            });
          }}
        >
          <h3>{editing ? `Edit ${editing.name}` : 'New template'}</h3>
          <div class="grid-2">
            <div class="field">
              <label for="jwt-name">Name</label>
              <input id="jwt-name" required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
            </div>
            <div class="field">
              <label for="jwt-lifetime">Lifetime (seconds)</label>
              <input
                id="jwt-lifetime"
                type="number"
                min={30}
                value={lifetime}
                onInput={(e) => setLifetime((e.target as HTMLInputElement).value)}
              />
            </div>
          </div>
          <JsonEditor id="jwt-claims" label="Claims (JSON, shortcodes as above)" value={claims} onInput={setClaims} rows={6} />
          <ClaimsPreview
            claims={parsed}
            path="/jwt-templates/preview"
            label="Preview the template for (user id or e-mail)"
            testId="jwt-preview"
          />
          <div class="actions">
            <button type="submit" class="btn btn-primary" disabled={!parsed || action.busy}>
              Save template
            </button>
            <button type="button" class="btn" onClick={() => start(null, false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </Card>
  );
}
