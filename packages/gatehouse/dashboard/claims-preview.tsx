import { useState } from 'preact/hooks';
import { api, qs } from './api';
import { Alert, CopyButton, useAction } from './ui';
import type { UserJSON } from './users';

interface PreviewJSON {
  claims: Record<string, unknown>;
  bytes?: number;
  /** A JWT template's preview also comes signed: the token and its header (the key never). */
  token?: string;
  header?: Record<string, unknown>;
}

/** A user id as typed, or the first user the search finds for an e-mail or name. */
async function resolveUserId(text: string): Promise<string> {
  const typed = text.trim();
  if (typed.startsWith('user_')) return typed;
  const found = await api<{ data: UserJSON[] }>('GET', `/users${qs({ query: typed, limit: 1 })}`);
  const id = found.data[0]?.id;
  if (!id) throw new Error('No user matches.');
  return id;
}

/**
 * A live preview of a claims template rendered for a user found by id or e-mail (the session
 * token's, a JWT template's). `body` adds fields to the request (a template's signing key).
 */
export function ClaimsPreview(props: {
  claims: Record<string, unknown> | undefined;
  path: string;
  label: string;
  limitBytes?: number;
  testId: string;
  body?: () => Record<string, unknown>;
}) {
  const [user, setUser] = useState('');
  const [preview, setPreview] = useState<PreviewJSON | undefined>();
  const action = useAction();
  const bytes = preview ? (preview.bytes ?? new TextEncoder().encode(JSON.stringify(preview.claims)).length) : 0;
  const run = () =>
    action.run(async () => {
      const userId = await resolveUserId(user);
      setPreview(await api<PreviewJSON>('POST', props.path, { claims: props.claims, user_id: userId, ...props.body?.() }));
    });
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
              run();
            }
          }}
        />
        <button type="button" class="btn" disabled={!props.claims || action.busy} onClick={run}>
          Preview
        </button>
      </div>
      <Alert error={action.error} />
      {preview && (
        <>
          {preview.header && (
            <p class="muted small" data-testid={`${props.testId}-header`}>
              Signed with <strong>{String(preview.header.alg)}</strong>
              {preview.header.kid ? ` (instance key ${String(preview.header.kid)})` : ' (the template’s own key)'} · expired when made, so
              no service accepts it
            </p>
          )}
          <pre class="code-block" data-testid={props.testId}>
            {JSON.stringify(preview.claims, null, 2)}
          </pre>
          <p class={props.limitBytes !== undefined && bytes > props.limitBytes ? 'text-bad' : 'muted'}>
            {bytes.toLocaleString()}
            {props.limitBytes !== undefined ? ` of ${props.limitBytes.toLocaleString()}` : ''} bytes of claims
          </p>
          {preview.token && (
            <div class="token-preview">
              <div class="card-head">
                <span class="muted small">Token</span>
                <CopyButton text={preview.token} />
              </div>
              <pre class="code-block wrap" data-testid={`${props.testId}-token`}>
                {preview.token}
              </pre>
            </div>
          )}
        </>
      )}
    </>
  );
}
