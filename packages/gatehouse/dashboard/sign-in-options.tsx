import { useState } from 'preact/hooks';
import { api } from './api';
import { Alert, Badge, Card, DataTable, Field, Loading, PageHeader, useAction, useLoad, when } from './ui';

type Options = Record<string, string | boolean>;
interface IdentifierJSON {
  id: string;
  identifier: string;
  created_at: number;
}
interface SignInOptionsJSON {
  options: Options;
  allowlist_identifiers: IdentifierJSON[];
  blocklist_identifiers: IdentifierJSON[];
  config_locked: string[];
}

/** The on/off options, grouped as the page shows them: path in the settings, label, and what it does. */
const FACTORS: [string, string, string][] = [
  ['factors.emailCode', 'E-mail verification code', 'A six-digit code mailed to the address, as a first factor.'],
  ['passwordless.emailLink', 'E-mail link', 'A one-time link mailed to the address, to sign in or verify it.'],
  ['passwordless.passkeys', 'Passkeys', 'Sign in with a passkey; users register them in <UserProfile/>.'],
];
const SECOND_FACTORS: [string, string, string][] = [
  ['factors.totp', 'Authenticator app (TOTP)', 'Six-digit codes from an app such as 1Password or Google Authenticator.'],
  ['factors.phoneCode', 'SMS code', 'A code sent to a phone number reserved for it (needs phone numbers on).'],
  ['factors.backupCode', 'Backup codes', 'Ten single-use codes, for users who have another second factor.'],
  ['factors.mfaRequired', 'Require multi-factor authentication', 'Users cannot remove their last second factor.'],
];
const ORGANIZATIONS: [string, string, string][] = [
  [
    'organizations.forceOrganizationSelection',
    'Membership required',
    'After signing in or up, users must choose or create an organization (the choose-organization task) before the app sees them.',
  ],
];
const RESTRICTIONS: [string, string, string][] = [
  ['restrictions.allowlist', 'Allowlist', 'Only the addresses and domains listed below may sign up and sign in.'],
  ['restrictions.blocklist', 'Blocklist', 'The addresses and domains listed below may not sign up or sign in.'],
  ['restrictions.blockEmailSubaddresses', 'Block e-mail subaddresses', 'Refuse addresses with +, = or # in the local part.'],
];

export function SignInOptionsPage() {
  const { data, error, reload } = useLoad(() => api<SignInOptionsJSON>('GET', '/sign-in-options'), []);
  const [draft, setDraft] = useState<Options>({});
  const action = useAction();
  if (error) return <Alert error={error} />;
  if (!data) return <Loading />;
  const value = (path: string) => (path in draft ? draft[path] : data.options[path]);
  const locked = (path: string) => data.config_locked.includes(path);
  const set = (path: string, v: string | boolean) => setDraft({ ...draft, [path]: v });
  const changed = Object.keys(draft).filter((k) => draft[k] !== data.options[k]);
  const lockNote = (path: string) => locked(path) && <Badge>config file</Badge>;
  const toggle = ([path, label, hint]: [string, string, string]) => (
    <label key={path} class="option">
      <input
        type="checkbox"
        checked={value(path) === true}
        disabled={locked(path)}
        onChange={(e) => set(path, (e.target as HTMLInputElement).checked)}
      />
      <span>
        <strong class="option-title">{label}</strong> {lockNote(path)}
        <span class="option-hint small">{hint}</span>
      </span>
    </label>
  );
  const select = (path: string, id: string, label: string, choices: [string, string][], hint: string) => (
    <Field id={id} label={label} hint={hint}>
      <select
        id={id}
        value={String(value(path))}
        disabled={locked(path)}
        onChange={(e) => set(path, (e.target as HTMLSelectElement).value)}
      >
        {choices.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
      {locked(path) && <p class="muted small">Set by the config file, which wins.</p>}
    </Field>
  );
  return (
    <>
      <PageHeader
        title="Sign-in & sign-up"
        description="Which identifiers and factors <SignIn/> and <SignUp/> offer, and who may sign up. Stored in the database: every node applies a change within seconds."
      />
      {data.config_locked.length > 0 && (
        <p class="alert alert-info">
          The config file sets {data.config_locked.join(', ')}: those options are read-only here (the file wins at every start).
        </p>
      )}
      <Alert error={action.error} notice={action.notice} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          action.run(async () => {
            const body = Object.fromEntries(changed.map((k) => [k, draft[k]]));
            await api('PATCH', '/sign-in-options', body);
            setDraft({});
            reload();
            return 'Sign-in options saved. <SignIn/> shows them on its next load.';
          });
        }}
      >
        <div class="grid-2">
          <Card title="Identifiers">
            <p class="muted small">What users sign up and sign in with. The e-mail address is always required.</p>
            <p>
              <span class="label-like">E-mail address</span> <Badge tone="ok">Required</Badge>
            </p>
            {select(
              'passwordless.phoneNumber',
              'phone-number',
              'Phone number',
              [
                ['off', 'Off'],
                ['optional', 'Optional (verified by SMS, signs in with a code)'],
              ],
              'Needs an SMS gateway on production instances.',
            )}
            {select(
              'frontend.username',
              'username',
              'Username',
              [
                ['off', 'Off'],
                ['optional', 'Optional'],
                ['required', 'Required'],
              ],
              'Signs in with the password of its account.',
            )}
          </Card>
          <Card title="Sign-up mode">
            {select(
              'restrictions.signUpMode',
              'sign-up-mode',
              'Who may sign up',
              [
                ['public', 'Public: anyone'],
                ['restricted', 'Restricted: with an invitation only'],
                ['waitlist', 'Waitlist: invitations only, others wait'],
              ],
              'Existing users sign in whatever the mode.',
            )}
          </Card>
        </div>
        <div class="grid-2">
          <Card title="First factors">
            <label class="option">
              <input type="checkbox" checked disabled />
              <span>
                <strong class="option-title">Password</strong> <Badge tone="ok">Always on</Badge>
                <span class="option-hint small">Checked with argon2id and the leaked-password list.</span>
              </span>
            </label>
            {FACTORS.map(toggle)}
          </Card>
          <Card title="Multi-factor authentication">{SECOND_FACTORS.map(toggle)}</Card>
        </div>
        <div class="grid-2">
          <Card title="Restrictions">{RESTRICTIONS.map(toggle)}</Card>
          <Card title="Organizations">{ORGANIZATIONS.map(toggle)}</Card>
        </div>
        <div class="actions sticky-actions">
          <button type="submit" class="btn btn-primary" disabled={action.busy || changed.length === 0}>
            Save sign-in options
          </button>
          {changed.length > 0 && (
            <>
              <span class="muted small">
                {changed.length} unsaved {changed.length === 1 ? 'change' : 'changes'}
              </span>
              <button type="button" class="btn" onClick={() => setDraft({})}>
                Discard
              </button>
            </>
          )}
        </div>
      </form>
      <div class="grid-2">
        <IdentifierList
          list="allowlist"
          title="Allowlist"
          rows={data.allowlist_identifiers}
          enabled={value('restrictions.allowlist') === true}
          onChange={reload}
        />
        <IdentifierList
          list="blocklist"
          title="Blocklist"
          rows={data.blocklist_identifiers}
          enabled={value('restrictions.blocklist') === true}
          onChange={reload}
        />
      </div>
    </>
  );
}

function IdentifierList(props: {
  list: 'allowlist' | 'blocklist';
  title: string;
  rows: IdentifierJSON[];
  enabled: boolean;
  onChange: () => void;
}) {
  const [text, setText] = useState('');
  const action = useAction();
  const id = `${props.list}-identifier`;
  return (
    <Card title={props.title} actions={<Badge tone={props.enabled ? 'ok' : 'neutral'}>{props.enabled ? 'On' : 'Off'}</Badge>}>
      <Alert error={action.error} notice={action.notice} />
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          action.run(async () => {
            await api('POST', `/restrictions/${props.list}`, { identifier: text.trim() });
            setText('');
            props.onChange();
            return `${text.trim()} added.`;
          });
        }}
      >
        <input
          id={id}
          class="grow"
          aria-label={`Add to the ${props.list} (address or domain)`}
          placeholder="ann@example.com, example.com or *.example.com"
          value={text}
          onInput={(e) => setText((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="btn" disabled={action.busy || !text.trim()}>
          Add
        </button>
      </form>
      <DataTable
        rows={props.rows}
        rowKey={(r) => r.id}
        empty={`No ${props.list} entries.`}
        columns={[
          {
            label: 'Address or domain',
            cell: (r) => (
              <>
                <span class="mono">{r.identifier}</span>
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
                aria-label={`Remove ${r.identifier} from the ${props.list}`}
                disabled={action.busy}
                onClick={() =>
                  action.run(async () => {
                    await api('DELETE', `/restrictions/${props.list}/${r.id}`);
                    props.onChange();
                    return `${r.identifier} removed.`;
                  })
                }
              >
                Remove
              </button>
            ),
          },
        ]}
      />
    </Card>
  );
}
