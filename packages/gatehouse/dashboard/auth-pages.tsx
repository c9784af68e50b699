import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, setCsrfToken } from './api';
import { Alert, navigate, useAction } from './ui';

function Brand() {
  return (
    <div class="brand">
      <span class="logo" aria-hidden="true">
        G
      </span>
      Gatehouse
    </div>
  );
}

/** A labelled input of the auth pages; its other attributes (type, autocomplete, pattern…) pass through. */
function TextField(
  props: { id: string; label: string; value: string; onInput: (value: string) => void } & Omit<
    JSX.HTMLAttributes<HTMLInputElement>,
    'id' | 'value' | 'onInput' | 'label'
  >,
) {
  const { id, label, value, onInput, ...rest } = props;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} value={value} onInput={(e) => onInput((e.target as HTMLInputElement).value)} {...rest} />
    </div>
  );
}

interface SignedIn {
  csrf_token: string;
}

export function SignIn(props: { onSignedIn: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const action = useAction();
  return (
    <main class="auth">
      <form
        class="card auth-card"
        onSubmit={(e) => {
          e.preventDefault();
          action.run(async () => {
            const result = await api<SignedIn>('POST', '/sign-in', { email, password, ...(code ? { code } : {}) });
            setCsrfToken(result.csrf_token);
            props.onSignedIn();
          });
        }}
      >
        <Brand />
        <h1>Sign in to the dashboard</h1>
        <p class="muted">For the people who operate this instance. App users sign in elsewhere.</p>
        <Alert error={action.error} />
        <TextField id="email" label="E-mail" value={email} onInput={setEmail} type="email" autocomplete="username" required />
        <TextField
          id="password"
          label="Password"
          value={password}
          onInput={setPassword}
          type="password"
          autocomplete="current-password"
          required
        />
        <TextField
          id="code"
          label="Authenticator code"
          value={code}
          onInput={setCode}
          inputMode="numeric"
          autocomplete="one-time-code"
          pattern="[0-9]{6}"
          placeholder="if you enrolled one"
        />
        <button type="submit" class="btn btn-primary btn-block" disabled={action.busy}>
          {action.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

interface LinkInfo {
  purpose: 'setup' | 'first_operator';
  email: string | null;
  totpRequired: boolean;
  totp_secret: string;
  totp_uri: string;
}

/** The one-time link: `/dashboard/setup#token=…` (the token never reaches a log or a Referer). */
export function Setup() {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
  const [info, setInfo] = useState<LinkInfo | undefined>();
  const [loadError, setLoadError] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [enroll, setEnroll] = useState(false);
  const [code, setCode] = useState('');
  const action = useAction();
  useEffect(() => {
    if (!token) {
      setLoadError('This page needs the one-time link printed by `gatehouse admin create` or by the first start.');
      return;
    }
    api<LinkInfo>('GET', `/setup?token=${encodeURIComponent(token)}`).then(
      (value) => {
        setInfo(value);
        setEnroll(value.totpRequired);
      },
      (e: Error) => setLoadError(e.message),
    );
  }, [token]);
  return (
    <main class="auth">
      <form
        class="card auth-card"
        onSubmit={(e) => {
          e.preventDefault();
          action.run(async () => {
            if (password !== confirm) throw new Error('The two passwords differ.');
            await api('POST', '/setup', {
              token,
              ...(info?.purpose === 'first_operator' ? { email } : {}),
              password,
              ...(enroll && info ? { totp_secret: info.totp_secret, totp_code: code } : {}),
            });
            history.replaceState(null, '', '/dashboard/setup');
            navigate('/dashboard/sign-in?ready=1');
          });
        }}
      >
        <Brand />
        <h1>{info?.purpose === 'first_operator' ? 'Create the first operator' : 'Set your password'}</h1>
        <Alert error={loadError || action.error} />
        {info && (
          <>
            {info.purpose === 'first_operator' ? (
              <TextField id="email" label="Your e-mail" value={email} onInput={setEmail} type="email" autocomplete="username" required />
            ) : (
              <p class="muted">
                Operator <strong>{info.email}</strong>
              </p>
            )}
            <TextField
              id="password"
              label="Password (12 characters or more)"
              value={password}
              onInput={setPassword}
              type="password"
              autocomplete="new-password"
              minLength={12}
              required
            />
            <TextField
              id="confirm"
              label="Password again"
              value={confirm}
              onInput={setConfirm}
              type="password"
              autocomplete="new-password"
              required
            />
            {!info.totpRequired && (
              <label class="check">
                <input type="checkbox" checked={enroll} onChange={(e) => setEnroll((e.target as HTMLInputElement).checked)} /> Also require
                an authenticator code (recommended)
              </label>
            )}
            {enroll && (
              <div class="totp">
                <p>
                  {info.totpRequired ? 'Production instances require an authenticator. ' : ''}Add this key to your authenticator app (TOTP,
                  6 digits, 30 s), then enter the code it shows.
                </p>
                <code class="secret" data-testid="totp-secret">
                  {info.totp_secret}
                </code>
                <p class="muted small">{info.totp_uri}</p>
                <TextField id="code" label="Code" value={code} onInput={setCode} inputMode="numeric" pattern="[0-9]{6}" required />
              </div>
            )}
            <button type="submit" class="btn btn-primary btn-block" disabled={action.busy}>
              {action.busy ? 'Saving…' : 'Save and continue to sign in'}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
