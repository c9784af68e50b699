import { useState } from 'preact/hooks';
import { api } from './api';
import { Alert, Badge, Card, DataTable, Field, Loading, PageHeader, useAction, useLoad, when } from './ui';

interface SettingsJSON {
  settings: {
    applicationName: string;
    allowedOrigins: string[];
    firstName: string;
    lastName: string;
    username: string;
    deleteSelfEnabled: boolean;
  };
  config_locked: string[];
}

interface OriginsJSON {
  redirect_urls: { id: string; url: string; created_at: number }[];
  domains: { id: string; name: string; is_satellite: boolean; frontend_api_url: string; proxy_url: string | null }[];
}

/** Application name, logo, allowed origins, sign-up fields; redirect URLs and satellite domains below. */
export function ConfigurePage() {
  const [form, setForm] = useState<SettingsJSON['settings'] | undefined>();
  const { data, error } = useLoad(async () => {
    const value = await api<SettingsJSON>('GET', '/settings');
    setForm(value.settings);
    return value;
  }, []);
  const [origins, setOrigins] = useState<string | undefined>();
  const action = useAction();
  if (error) return <Alert error={error} />;
  if (!data || !form) return <Loading />;
  const locked = (field: string) => data.config_locked.includes(field);
  const note = (field: string) => locked(field) && <span class="muted small"> · set by the config file, which wins</span>;
  const attribute = (field: 'firstName' | 'lastName', label: string) => (
    <div class="field">
      <label for={field}>
        {label}
        {note(field)}
      </label>
      <select
        id={field}
        value={form[field]}
        disabled={locked(field)}
        onChange={(e) => setForm({ ...form, [field]: (e.target as HTMLSelectElement).value })}
      >
        <option value="off">Off</option>
        <option value="optional">Optional</option>
        <option value="required">Required</option>
      </select>
    </div>
  );
  return (
    <>
      <PageHeader title="Application" description="Stored in the database: every node applies a change within seconds." />
      {data.config_locked.length > 0 && (
        <p class="alert alert-info">
          The config file sets {data.config_locked.join(', ')}: those fields are read-only here (the file wins at every start).
        </p>
      )}
      <Alert error={action.error} notice={action.notice} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          action.run(async () => {
            const allowedOrigins = (origins ?? form.allowedOrigins.join('\n'))
              .split(/\s+/)
              .map((o) => o.trim())
              .filter(Boolean);
            const { username: _username, ...rest } = form;
            const body: Record<string, unknown> = { ...rest, allowedOrigins };
            for (const field of data.config_locked) delete body[field];
            const saved = await api<{ settings: SettingsJSON['settings'] }>('PATCH', '/settings', body);
            setForm(saved.settings);
            return 'Settings saved.';
          });
        }}
      >
        <div class="grid-2">
          <Card title="Application">
            <div class="field">
              <label for="applicationName">Application name{note('applicationName')}</label>
              <input
                id="applicationName"
                value={form.applicationName}
                disabled={locked('applicationName')}
                onInput={(e) => setForm({ ...form, applicationName: (e.target as HTMLInputElement).value })}
              />
            </div>
            <div class="field">
              <label for="allowedOrigins">Allowed origins (one per line){note('allowedOrigins')}</label>
              <textarea
                id="allowedOrigins"
                rows={4}
                disabled={locked('allowedOrigins')}
                placeholder="https://app.example.com"
                value={origins ?? form.allowedOrigins.join('\n')}
                onInput={(e) => setOrigins((e.target as HTMLTextAreaElement).value)}
              />
              <p class="muted small">Pages on these origins may call the Frontend API and be redirected to.</p>
            </div>
          </Card>
          <Card title="Sign-up fields">
            <div class="grid-2">
              {attribute('firstName', 'First name')}
              {attribute('lastName', 'Last name')}
            </div>
            <p class="muted small">The username is on the Sign-in &amp; sign-up page.</p>
            <label class="check">
              <input
                type="checkbox"
                checked={form.deleteSelfEnabled}
                disabled={locked('deleteSelfEnabled')}
                onChange={(e) => setForm({ ...form, deleteSelfEnabled: (e.target as HTMLInputElement).checked })}
              />{' '}
              Users may delete their own account
            </label>
          </Card>
        </div>
        <div class="actions form-actions">
          <button type="submit" class="btn btn-primary" disabled={action.busy}>
            Save settings
          </button>
        </div>
      </form>
      <LogoCard />
      <div class="grid-2">
        <RedirectUrls />
      </div>
    </>
  );
}

function LogoCard() {
  const { data, error, reload } = useLoad(() => api<{ logo_image_url: string | null; config_locked: boolean }>('GET', '/logo'), []);
  const action = useAction();
  const upload = (file: File) =>
    action.run(async () => {
      const bytes = new Uint8Array(await file.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      await api('PUT', '/logo', { data: btoa(binary) });
      reload();
      return 'Logo saved. <SignIn/> and <SignUp/> show it above their forms.';
    });
  return (
    <Card title="Logo">
      <Alert error={action.error || error} notice={action.notice} />
      <div class="logo-row">
        <div class="logo-preview">
          {data?.logo_image_url ? <img src={data.logo_image_url} alt="The application's logo" /> : <span class="muted small">No logo</span>}
        </div>
        <div>
          {data?.config_locked ? (
            <p class="muted">The config file sets the logo (frontend.logoImageUrl); it wins.</p>
          ) : (
            <>
              <Field
                id="logo-file"
                label="Upload a logo"
                hint="PNG, JPEG, GIF or WebP, at most 512 KB. Shown by the components above their forms."
              >
                <input
                  id="logo-file"
                  type="file"
                  accept="image/png,image/jpeg,image/gif,image/webp"
                  disabled={action.busy}
                  onChange={(e) => {
                    const file = (e.target as HTMLInputElement).files?.[0];
                    if (file) upload(file);
                  }}
                />
              </Field>
              {data?.logo_image_url && (
                <button
                  type="button"
                  class="btn btn-small btn-danger"
                  disabled={action.busy}
                  onClick={() =>
                    action.run(async () => {
                      await api('DELETE', '/logo');
                      reload();
                      return 'Logo removed.';
                    })
                  }
                >
                  Remove logo
                </button>
              )}
            </>
          )}
        </div>
      </div>
    </Card>
  );
}

function RedirectUrls() {
  const { data, error, reload } = useLoad(() => api<OriginsJSON>('GET', '/origins'), []);
  const [url, setUrl] = useState('');
  const [domain, setDomain] = useState('');
  const action = useAction();
  const remove = (path: string, what: string) =>
    action.run(async () => {
      await api('DELETE', path);
      reload();
      return `${what} removed.`;
    });
  return (
    <>
      <Card title="Redirect URLs">
        <p class="muted small">
          Besides the allowed origins, a URL under one of these (same scheme and host, a path at or below it) is an allowed redirect target,
          such as an app's <code>myapp://callback</code>.
        </p>
        <Alert error={action.error || error} notice={action.notice} />
        <form
          class="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            action.run(async () => {
              await api('POST', '/redirect-urls', { url: url.trim() });
              setUrl('');
              reload();
              return 'Redirect URL added.';
            });
          }}
        >
          <input
            class="grow"
            aria-label="Redirect URL to add"
            placeholder="https://app.example.com/callback"
            value={url}
            onInput={(e) => setUrl((e.target as HTMLInputElement).value)}
          />
          <button type="submit" class="btn" disabled={action.busy || !url.trim()}>
            Add URL
          </button>
        </form>
        {!data ? (
          <Loading />
        ) : (
          <DataTable
            rows={data.redirect_urls}
            rowKey={(r) => r.id}
            empty="No redirect URLs registered."
            columns={[
              {
                label: 'URL',
                cell: (r) => (
                  <>
                    <span class="mono">{r.url}</span>
                    <div class="muted small">added {when(r.created_at)}</div>
                  </>
                ),
              },
              {
                label: 'Actions',
                hideLabel: true,
                cell: (r) => (
                  <button
                    type="button"
                    class="btn btn-small btn-danger"
                    aria-label={`Remove ${r.url}`}
                    onClick={() => remove(`/redirect-urls/${r.id}`, r.url)}
                  >
                    Remove
                  </button>
                ),
              },
            ]}
          />
        )}
      </Card>
      <Card title="Domains">
        <p class="muted small">
          The primary domain follows the public URL. A satellite's <code>https://</code> origin becomes an allowed origin.
        </p>
        <form
          class="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            action.run(async () => {
              await api('POST', '/domains', { name: domain.trim() });
              setDomain('');
              reload();
              return 'Satellite domain added.';
            });
          }}
        >
          <input
            class="grow"
            aria-label="Satellite domain to add"
            placeholder="shop.example.com"
            value={domain}
            onInput={(e) => setDomain((e.target as HTMLInputElement).value)}
          />
          <button type="submit" class="btn" disabled={action.busy || !domain.trim()}>
            Add domain
          </button>
        </form>
        {data && (
          <DataTable
            rows={data.domains}
            rowKey={(d) => d.id}
            columns={[
              {
                label: 'Domain',
                cell: (d) => (
                  <>
                    <span class="mono">{d.name}</span>{' '}
                    <Badge tone={d.is_satellite ? 'neutral' : 'ok'}>{d.is_satellite ? 'satellite' : 'primary'}</Badge>
                  </>
                ),
              },
              { label: 'Frontend API', cell: (d) => d.frontend_api_url, class: 'mono small' },
              {
                label: 'Actions',
                hideLabel: true,
                cell: (d) =>
                  d.is_satellite && (
                    <button
                      type="button"
                      class="btn btn-small btn-danger"
                      aria-label={`Remove ${d.name}`}
                      onClick={() => remove(`/domains/${d.id}`, d.name)}
                    >
                      Remove
                    </button>
                  ),
              },
            ]}
          />
        )}
      </Card>
    </>
  );
}
