import { useEffect, useState } from 'preact/hooks';
import { api, qs } from './api';
import { Alert, Card, Field, JsonEditor, navigate, useAction, validJsonObject } from './ui';
import { fullName, primaryEmail, type UserJSON } from './users';

/** The organization as the Backend API answers it (what these forms read and change). */
export interface OrganizationProfileJSON {
  id: string;
  name: string;
  slug: string;
  public_metadata: Record<string, unknown>;
  private_metadata: Record<string, unknown>;
}

const SLUG_HINT = 'Lowercase letters, digits and "-". Apps may address the organization by it.';

/** The "New organization" form: name, optional slug, and a creator found by e-mail, name or user id (or none). */
export function CreateOrganization(props: { onCancel: () => void }) {
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [creator, setCreator] = useState('');
  const action = useAction();
  return (
    <Card title="New organization">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          action.run(async () => {
            const body = { name: name.trim(), ...(slug.trim() ? { slug: slug.trim() } : {}), ...(creator ? { created_by: creator } : {}) };
            const created = await api<{ id: string }>('POST', '/organizations', body);
            navigate(`/dashboard/organizations/${created.id}`);
          });
        }}
      >
        <Alert error={action.error} />
        <div class="grid-2">
          <Field id="new-org-name" label="Name">
            <input id="new-org-name" required maxLength={256} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
          </Field>
          <Field id="new-org-slug" label="Slug (optional)" hint={`${SLUG_HINT} Made from the name when left empty.`}>
            <input
              id="new-org-slug"
              class="mono"
              maxLength={100}
              value={slug}
              onInput={(e) => setSlug((e.target as HTMLInputElement).value)}
            />
          </Field>
        </div>
        <CreatorPicker value={creator} onChange={setCreator} />
        <div class="actions">
          <button type="submit" class="btn btn-primary" disabled={action.busy}>
            Create organization
          </button>
          <button type="button" class="btn" onClick={props.onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </Card>
  );
}

/**
 * Finds the creator among the users (the server's search: an exact e-mail, id or username first,
 * then a substring) and offers the first matches; "No creator" leaves the organization without a
 * first member. Enter in the search field searches instead of submitting the form.
 */
function CreatorPicker(props: { value: string; onChange: (userId: string) => void }) {
  const [text, setText] = useState('');
  const [found, setFound] = useState<UserJSON[] | undefined>(undefined);
  const [error, setError] = useState('');
  const search = async () => {
    setError('');
    try {
      const page = await api<{ data: UserJSON[] }>('GET', `/users${qs({ query: text.trim(), limit: 5 })}`);
      setFound(page.data);
      if (page.data.length === 1 && page.data[0]) props.onChange(page.data[0].id);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const label = (u: UserJSON) => [fullName(u), primaryEmail(u) || u.username].filter(Boolean).join(' · ') || u.id;
  return (
    <fieldset class="checks creator-picker">
      <legend>Creator (optional: becomes the first member, with the creator role)</legend>
      <div class="toolbar">
        <input
          type="search"
          class="grow"
          aria-label="Find the creator by e-mail, name or user id"
          placeholder="Find the creator by e-mail, name or user id"
          value={text}
          onInput={(e) => setText((e.target as HTMLInputElement).value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            void search();
          }}
        />
        <button type="button" class="btn" disabled={!text.trim()} onClick={() => void search()}>
          Find
        </button>
      </div>
      <Alert error={error} />
      <label class="check">
        <input type="radio" name="creator" checked={props.value === ''} onChange={() => props.onChange('')} /> No creator
      </label>
      {found?.length === 0 && <p class="muted small">No user matches.</p>}
      {found?.map((u) => (
        <label key={u.id} class="check">
          <input type="radio" name="creator" checked={props.value === u.id} onChange={() => props.onChange(u.id)} /> {label(u)}{' '}
          <code class="small">{u.id}</code>
        </label>
      ))}
    </fieldset>
  );
}

/** Name and slug, saved through the Backend API's organization service (`organization.updated` fires). */
export function OrganizationProfile(props: { organization: OrganizationProfileJSON; onSaved: () => void }) {
  const { organization } = props;
  const [name, setName] = useState(organization.name);
  const [slug, setSlug] = useState(organization.slug);
  useEffect(() => {
    setName(organization.name);
    setSlug(organization.slug);
  }, [organization.name, organization.slug]);
  const action = useAction();
  return (
    <Card title="Profile">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          action.run(async () => {
            const body: { name?: string; slug?: string } = {};
            if (name.trim() !== organization.name) body.name = name.trim();
            if (slug.trim() !== organization.slug) body.slug = slug.trim();
            if (Object.keys(body).length === 0) return 'Nothing changed.';
            await api('PATCH', `/organizations/${organization.id}`, body);
            props.onSaved();
            return 'Profile saved.';
          });
        }}
      >
        <Alert error={action.error} notice={action.notice} />
        <div class="grid-2">
          <Field id="org-name" label="Organization name">
            <input id="org-name" required maxLength={256} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
          </Field>
          <Field id="org-slug" label="Organization slug" hint={SLUG_HINT}>
            <input
              id="org-slug"
              class="mono"
              required
              maxLength={100}
              value={slug}
              onInput={(e) => setSlug((e.target as HTMLInputElement).value)}
            />
          </Field>
        </div>
        <button type="submit" class="btn btn-primary" disabled={action.busy}>
          Save profile
        </button>
      </form>
    </Card>
  );
}

const METADATA = [
  ['public_metadata', 'Public metadata', 'Readable by the frontend (organization resources) and in token templates.'],
  ['private_metadata', 'Private metadata', 'Backend only.'],
] as const;

const metadataText = (organization: OrganizationProfileJSON): Record<string, string> =>
  Object.fromEntries(METADATA.map(([key]) => [key, JSON.stringify(organization[key], null, 2)]));

/**
 * The public and private metadata as JSON. Nothing is sent unless both parse as JSON objects:
 * a bad one is named in the error, and the stored metadata stays as it was.
 */
export function OrganizationMetadata(props: { organization: OrganizationProfileJSON; limitBytes: number; onSaved: () => void }) {
  const { organization } = props;
  const [text, setText] = useState(() => metadataText(organization));
  useEffect(() => setText(metadataText(organization)), [organization]);
  const action = useAction();
  return (
    <Card title="Metadata">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          action.run(async () => {
            const body: Record<string, Record<string, unknown>> = {};
            for (const [key, label] of METADATA) {
              const value = validJsonObject(text[key] ?? '{}');
              if (!value) throw new Error(`${label} is not a valid JSON object; nothing was saved.`);
              body[key] = value;
            }
            await api('PUT', `/organizations/${organization.id}/metadata`, body);
            props.onSaved();
            return 'Metadata saved.';
          });
        }}
      >
        <Alert error={action.error} notice={action.notice} />
        <div class="grid-2">
          {METADATA.map(([key, label, hint]) => (
            <div key={key}>
              <JsonEditor
                id={`org-${key}`}
                label={label}
                value={text[key] ?? '{}'}
                limitBytes={props.limitBytes}
                rows={7}
                onInput={(v) => setText({ ...text, [key]: v })}
              />
              <p class="muted small">{hint}</p>
            </div>
          ))}
        </div>
        <button type="submit" class="btn btn-primary" disabled={action.busy}>
          Save metadata
        </button>
      </form>
    </Card>
  );
}

/** Deleting takes two steps: open the confirmation, then type the slug (members, invitations and domains go too). */
export function DeleteOrganization(props: { organization: OrganizationProfileJSON }) {
  const { organization } = props;
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const action = useAction();
  return (
    <Card title="Delete organization">
      <p class="muted small">
        Deleting removes the organization with its memberships, invitations and domains, and ends it as the active organization of any
        session. Webhooks receive <code>organization.deleted</code>. It cannot be undone.
      </p>
      <Alert error={action.error} />
      {!confirming ? (
        <button type="button" class="btn btn-danger" onClick={() => setConfirming(true)}>
          Delete organization…
        </button>
      ) : (
        <form
          class="subform"
          onSubmit={(e) => {
            e.preventDefault();
            action.run(async () => {
              await api('DELETE', `/organizations/${organization.id}`);
              navigate('/dashboard/organizations');
            });
          }}
        >
          <Field id="org-delete-confirm" label={`Type the slug “${organization.slug}” to confirm`}>
            <input
              id="org-delete-confirm"
              class="mono"
              autoComplete="off"
              value={typed}
              onInput={(e) => setTyped((e.target as HTMLInputElement).value)}
            />
          </Field>
          <div class="actions">
            <button type="submit" class="btn btn-danger" disabled={typed.trim() !== organization.slug || action.busy}>
              Delete {organization.name} permanently
            </button>
            <button
              type="button"
              class="btn"
              onClick={() => {
                setConfirming(false);
                setTyped('');
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
    </Card>
  );
}
