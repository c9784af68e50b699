import { useState } from 'preact/hooks';
import { api } from './api';
import { Alert, Card, Loading, PageHeader, useAction, useLoad } from './ui';

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
  const attribute = (field: 'firstName' | 'lastName' | 'username', label: string) => (
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
      <PageHeader title="Configure" description="Stored in the database: every node applies a change within seconds." />
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
            const body: Record<string, unknown> = { ...form, allowedOrigins };
            for (const field of data.config_locked) delete body[field];
            const saved = await api<{ settings: SettingsJSON['settings'] }>('PATCH', '/settings', body);
            setForm(saved.settings);
            return 'Settings saved.';
          });
        }}
      >
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
              value={origins ?? form.allowedOrigins.join('\n')}
              onInput={(e) => setOrigins((e.target as HTMLTextAreaElement).value)}
            />
          </div>
        </Card>
        <Card title="Sign-up fields">
          <div class="grid-3">
            {attribute('firstName', 'First name')}
            {attribute('lastName', 'Last name')}
            {attribute('username', 'Username')}
          </div>
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
        <button type="submit" class="btn btn-primary" disabled={action.busy}>
          Save settings
        </button>
      </form>
    </>
  );
}
