import { useState } from 'preact/hooks';
import { api } from './api';
import { ClaimsPreview } from './claims-preview';
import { Alert, Badge, Card, DataTable, Field, JsonEditor, Loading, useAction, useLoad, validJsonObject } from './ui';

interface JwtTemplateJSON {
  id: string;
  name: string;
  lifetime: number;
  claims: Record<string, unknown>;
  custom_signing_key: boolean;
  signing_algorithm: string;
}

/**
 * JWT templates (`getToken({ template })`): claims, lifetime, and optionally the template's own
 * signing key (HS256/384/512 with a shared secret, RS256/384/512 with a PKCS#8 PEM). The key is
 * sealed on the server and never sent back: editing a template leaves the field empty, and an empty
 * field keeps the stored key.
 */
export function JwtTemplates() {
  const list = useLoad(() => api<{ data: JwtTemplateJSON[]; signing_algorithms: string[] }>('GET', '/jwt-templates'), []);
  const [editing, setEditing] = useState<JwtTemplateJSON | null>(null);
  const [name, setName] = useState('');
  const [claims, setClaims] = useState('{}');
  const [lifetime, setLifetime] = useState('60');
  const [custom, setCustom] = useState(false);
  const [algorithm, setAlgorithm] = useState('HS256');
  const [key, setKey] = useState('');
  const [open, setOpen] = useState(false);
  const action = useAction();
  const start = (template: JwtTemplateJSON | null, show = true) => {
    setOpen(show);
    setEditing(template);
    setName(template?.name ?? '');
    setClaims(JSON.stringify(template?.claims ?? {}, null, 2));
    setLifetime(String(template?.lifetime ?? 60));
    setCustom(template?.custom_signing_key ?? false);
    setAlgorithm(template?.custom_signing_key ? template.signing_algorithm : 'HS256');
    setKey('');
  };
  const parsed = validJsonObject(claims);
  /** The signing fields as the server takes them: a typed key only when one was typed. */
  const signing = () => ({
    custom_signing_key: custom,
    ...(custom ? { signing_algorithm: algorithm } : {}),
    ...(custom && key ? { signing_key: key } : {}),
  });
  const keyStored = Boolean(editing?.custom_signing_key);
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
            {
              label: 'Signed with',
              cell: (t) =>
                t.custom_signing_key ? <Badge tone="ok">{t.signing_algorithm}, own key</Badge> : <Badge>RS256, instance key</Badge>,
              class: 'nowrap',
            },
            { label: 'Claims', cell: (t) => JSON.stringify(t.claims), class: 'mono small detail' },
            {
              label: 'Actions',
              hideLabel: true,
              cell: (t) => (
                <>
                  <button type="button" class="btn btn-small" aria-label={`Edit ${t.name}`} onClick={() => start(t)}>
                    Edit
                  </button>{' '}
                  <button
                    type="button"
                    class="btn btn-small btn-danger"
                    aria-label={`Delete ${t.name}`}
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
              const body = { name, claims: parsed, lifetime: Number(lifetime), ...signing() };
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
            <Field id="jwt-name" label="Name">
              <input id="jwt-name" required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
            </Field>
            <Field id="jwt-lifetime" label="Lifetime (seconds)">
              <input
                id="jwt-lifetime"
                type="number"
                min={30}
                value={lifetime}
                onInput={(e) => setLifetime((e.target as HTMLInputElement).value)}
              />
            </Field>
          </div>
          <JsonEditor id="jwt-claims" label="Claims (JSON, shortcodes as above)" value={claims} onInput={setClaims} rows={6} />
          <label class="check">
            <input type="checkbox" checked={custom} onChange={(e) => setCustom((e.target as HTMLInputElement).checked)} /> Sign with a
            custom signing key (instead of the instance's RS256 key)
          </label>
          {custom && (
            <div class="grid-2">
              <Field id="jwt-algorithm" label="Signing algorithm">
                <select id="jwt-algorithm" value={algorithm} onChange={(e) => setAlgorithm((e.target as HTMLSelectElement).value)}>
                  {(list.data?.signing_algorithms ?? ['HS256']).map((a) => (
                    <option key={a} value={a}>
                      {a}
                    </option>
                  ))}
                </select>
              </Field>
              <Field
                id="jwt-signing-key"
                label="Signing key"
                hint={
                  keyStored
                    ? 'A key is stored (sealed; never shown). Leave empty to keep it.'
                    : algorithm.startsWith('HS')
                      ? 'The shared secret the receiving service verifies with.'
                      : 'A PKCS#8 PEM RSA private key (-----BEGIN PRIVATE KEY-----).'
                }
              >
                <textarea
                  id="jwt-signing-key"
                  class="code secret-input"
                  rows={algorithm.startsWith('HS') ? 2 : 5}
                  spellcheck={false}
                  autocomplete="off"
                  required={!keyStored}
                  value={key}
                  onInput={(e) => setKey((e.target as HTMLTextAreaElement).value)}
                />
              </Field>
            </div>
          )}
          <p class="muted small">
            Preview: the claims rendered for a user, and a token signed the way this template signs, unsaved changes included.
          </p>
          <ClaimsPreview
            claims={parsed}
            path="/jwt-templates/preview-token"
            label="Preview the template for (user id or e-mail)"
            testId="jwt-preview"
            body={() => ({ ...(editing ? { template_id: editing.id } : {}), ...signing() })}
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
