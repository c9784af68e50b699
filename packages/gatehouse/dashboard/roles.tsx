import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { Alert, Badge, Card, CheckboxGroup, DataTable, Field, Loading, PageHeader, useAction, useLoad } from './ui';

interface PermissionJSON {
  id: string;
  key: string;
  name: string;
  description: string;
  type: 'system' | 'user';
}

interface RoleJSON {
  id: string;
  key: string;
  name: string;
  description: string;
  permissions: PermissionJSON[];
  built_in: boolean;
}

interface CatalogJSON {
  roles: RoleJSON[];
  permissions: PermissionJSON[];
  creator_role: string;
  default_role: string;
  /** Role settings the config file sets (`creator_role`, `default_role`): shown read-only. */
  config_locked: string[];
}

/** Organization roles and permissions, instance-wide as on Clerk: the built-in ones, and custom ones to create, edit and delete. */
export function RolesPage() {
  const catalog = useLoad(() => api<CatalogJSON>('GET', '/organization-roles'), []);
  const action = useAction();
  return (
    <>
      <PageHeader
        title="Roles & permissions"
        description="Every organization shares these roles. Members hold one role; a role grants its permissions, which tokens carry in o.per."
      />
      <Alert error={action.error || catalog.error} notice={action.notice} />
      {catalog.data && <RoleSettings catalog={catalog.data} reload={catalog.reload} action={action} />}
      {!catalog.data ? <Loading /> : <Roles catalog={catalog.data} reload={catalog.reload} action={action} />}
      {catalog.data && <Permissions catalog={catalog.data} reload={catalog.reload} action={action} />}
    </>
  );
}

type Action = ReturnType<typeof useAction>;

const ROLE_SETTINGS = [
  ['creator_role', 'Creator role', 'Given to whoever creates an organization (from the app or with a creator here).'],
  ['default_role', 'Default role', 'Offered first for invitations, and given to members who join by a verified domain.'],
] as const;

/** The creator and default roles: any existing role; the Backend API's organization settings and the environment follow. */
function RoleSettings(props: { catalog: CatalogJSON; reload: () => void; action: Action }) {
  const { catalog, action } = props;
  const [values, setValues] = useState({ creator_role: catalog.creator_role, default_role: catalog.default_role });
  useEffect(
    () => setValues({ creator_role: catalog.creator_role, default_role: catalog.default_role }),
    [catalog.creator_role, catalog.default_role],
  );
  const locked = (field: string) => catalog.config_locked.includes(field);
  return (
    <Card title="Creator and default roles">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          action.run(async () => {
            const body = Object.fromEntries(ROLE_SETTINGS.filter(([field]) => !locked(field)).map(([field]) => [field, values[field]]));
            await api('PATCH', '/organization-settings', body);
            props.reload();
            return `Creator role ${values.creator_role}, default role ${values.default_role}.`;
          });
        }}
      >
        <div class="grid-2">
          {ROLE_SETTINGS.map(([field, label, hint]) => (
            <Field
              key={field}
              id={`settings-${field}`}
              label={label}
              hint={locked(field) ? 'Set by the config file, which wins over the dashboard: change it there and restart.' : hint}
            >
              <select
                id={`settings-${field}`}
                value={values[field]}
                disabled={locked(field)}
                onChange={(e) => setValues({ ...values, [field]: (e.target as HTMLSelectElement).value })}
              >
                {catalog.roles.map((r) => (
                  <option key={r.key} value={r.key}>
                    {r.name} ({r.key})
                  </option>
                ))}
              </select>
            </Field>
          ))}
        </div>
        <button type="submit" class="btn btn-primary" disabled={action.busy || ROLE_SETTINGS.every(([field]) => locked(field))}>
          Save creator and default roles
        </button>
      </form>
    </Card>
  );
}

function Roles(props: { catalog: CatalogJSON; reload: () => void; action: Action }) {
  const { catalog, action } = props;
  const [editing, setEditing] = useState<RoleJSON | null | undefined>(undefined);
  const [key, setKey] = useState('org:');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [permissions, setPermissions] = useState<string[]>([]);
  const open = (role: RoleJSON | null) => {
    setEditing(role);
    setKey(role?.key ?? 'org:');
    setName(role?.name ?? '');
    setDescription(role?.description ?? '');
    setPermissions(role?.permissions.map((p) => p.key) ?? []);
  };
  const note = (role: RoleJSON) =>
    [role.key === catalog.creator_role && 'creator', role.key === catalog.default_role && 'default'].filter(Boolean).join(', ');
  return (
    <Card
      title="Roles"
      actions={
        <button type="button" class="btn btn-small" onClick={() => open(null)}>
          New role
        </button>
      }
    >
      <DataTable
        rows={catalog.roles}
        rowKey={(r) => r.key}
        columns={[
          {
            label: 'Role',
            cell: (r) => (
              <>
                <strong>{r.name}</strong> {r.built_in && <Badge>built-in</Badge>} {note(r) && <Badge tone="ok">{note(r)}</Badge>}
                <div class="mono small muted">{r.key}</div>
              </>
            ),
          },
          { label: 'Description', cell: (r) => r.description || '—', class: 'small' },
          {
            label: 'Permissions',
            cell: (r) => (
              <div class="chips">
                {r.permissions.map((p) => (
                  <code key={p.key} class="chip static">
                    {p.key}
                  </code>
                ))}
              </div>
            ),
          },
          {
            label: 'Actions',
            hideLabel: true,
            class: 'nowrap',
            cell: (r) =>
              !r.built_in && (
                <>
                  <button type="button" class="btn btn-small" aria-label={`Edit ${r.key}`} onClick={() => open(r)}>
                    Edit
                  </button>{' '}
                  <button
                    type="button"
                    class="btn btn-small btn-danger"
                    aria-label={`Delete ${r.key}`}
                    disabled={action.busy}
                    onClick={() =>
                      confirm(`Delete the role ${r.key}? Members holding it keep the key but no permissions.`) &&
                      action.run(async () => {
                        await api('DELETE', `/organization-roles/${r.id}`);
                        props.reload();
                        return `Role ${r.key} deleted.`;
                      })
                    }
                  >
                    Delete
                  </button>
                </>
              ),
          },
        ]}
      />
      {editing !== undefined && (
        <form
          class="subform"
          onSubmit={(e) => {
            e.preventDefault();
            action.run(async () => {
              const body = { name: name.trim(), description, permissions };
              if (editing) await api('PATCH', `/organization-roles/${editing.id}`, body);
              else await api('POST', '/organization-roles', { ...body, key: key.trim() });
              setEditing(undefined);
              props.reload();
              return `Role ${editing ? editing.key : key.trim()} saved.`;
            });
          }}
        >
          <h3>{editing ? `Edit ${editing.key}` : 'New role'}</h3>
          <KeyNameDescription
            prefix="role"
            labels={{ key: 'Key', name: 'Name', description: 'Description' }}
            keyHint="org:<name>; it cannot change later (members hold it)."
            keyLocked={Boolean(editing)}
            values={{ key, name, description }}
            set={{ key: setKey, name: setName, description: setDescription }}
          />
          <CheckboxGroup
            legend="Permissions"
            options={catalog.permissions.map((p) => p.key)}
            value={permissions}
            onChange={setPermissions}
          />
          <div class="actions">
            <button type="submit" class="btn btn-primary" disabled={action.busy}>
              Save role
            </button>
            <button type="button" class="btn" onClick={() => setEditing(undefined)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </Card>
  );
}

function Permissions(props: { catalog: CatalogJSON; reload: () => void; action: Action }) {
  const { catalog, action } = props;
  const [editing, setEditing] = useState<PermissionJSON | null | undefined>(undefined);
  const [key, setKey] = useState('org:');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const open = (permission: PermissionJSON | null) => {
    setEditing(permission);
    setKey(permission?.key ?? 'org:');
    setName(permission?.name ?? '');
    setDescription(permission?.description ?? '');
  };
  return (
    <Card
      title="Permissions"
      actions={
        <button type="button" class="btn btn-small" onClick={() => open(null)}>
          New permission
        </button>
      }
    >
      <DataTable
        rows={catalog.permissions}
        rowKey={(p) => p.key}
        columns={[
          {
            label: 'Permission',
            cell: (p) => (
              <>
                <strong>{p.name}</strong> {p.type === 'system' && <Badge>system</Badge>}
                <div class="mono small muted">{p.key}</div>
              </>
            ),
          },
          { label: 'Description', cell: (p) => p.description || '—', class: 'small' },
          {
            label: 'Held by',
            cell: (p) =>
              catalog.roles
                .filter((r) => r.permissions.some((x) => x.key === p.key))
                .map((r) => r.name)
                .join(', ') || '—',
            class: 'small',
          },
          {
            label: 'Actions',
            hideLabel: true,
            class: 'nowrap',
            cell: (p) =>
              p.type === 'user' && (
                <>
                  <button type="button" class="btn btn-small" aria-label={`Edit ${p.key}`} onClick={() => open(p)}>
                    Edit
                  </button>{' '}
                  <button
                    type="button"
                    class="btn btn-small btn-danger"
                    aria-label={`Delete ${p.key}`}
                    disabled={action.busy}
                    onClick={() =>
                      confirm(`Delete the permission ${p.key}? Roles lose it.`) &&
                      action.run(async () => {
                        await api('DELETE', `/organization-permissions/${p.id}`);
                        props.reload();
                        return `Permission ${p.key} deleted.`;
                      })
                    }
                  >
                    Delete
                  </button>
                </>
              ),
          },
        ]}
      />
      {editing !== undefined && (
        <form
          class="subform"
          onSubmit={(e) => {
            e.preventDefault();
            action.run(async () => {
              const body = { name: name.trim(), description };
              if (editing) await api('PATCH', `/organization-permissions/${editing.id}`, body);
              else await api('POST', '/organization-permissions', { ...body, key: key.trim() });
              setEditing(undefined);
              props.reload();
              return `Permission ${editing ? editing.key : key.trim()} saved.`;
            });
          }}
        >
          <h3>{editing ? `Edit ${editing.key}` : 'New permission'}</h3>
          <KeyNameDescription
            prefix="permission"
            labels={{ key: 'Permission key', name: 'Permission name', description: 'Permission description' }}
            keyHint="org:<feature>:<action>"
            keyLocked={Boolean(editing)}
            values={{ key, name, description }}
            set={{ key: setKey, name: setName, description: setDescription }}
          />
          <div class="actions">
            <button type="submit" class="btn btn-primary" disabled={action.busy}>
              Save permission
            </button>
            <button type="button" class="btn" onClick={() => setEditing(undefined)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </Card>
  );
}

type KeyNameDescriptionField = 'key' | 'name' | 'description';

/** The key (fixed once saved), name and description fields a role and a permission both have. */
function KeyNameDescription(props: {
  prefix: string;
  labels: Record<KeyNameDescriptionField, string>;
  keyHint: string;
  keyLocked: boolean;
  values: Record<KeyNameDescriptionField, string>;
  set: Record<KeyNameDescriptionField, (value: string) => void>;
}) {
  const input = (field: KeyNameDescriptionField) => (e: Event) => props.set[field]((e.target as HTMLInputElement).value);
  return (
    <>
      <div class="grid-2">
        <Field id={`${props.prefix}-key`} label={props.labels.key} hint={props.keyHint}>
          <input
            id={`${props.prefix}-key`}
            class="mono"
            required
            disabled={props.keyLocked}
            value={props.values.key}
            onInput={input('key')}
          />
        </Field>
        <Field id={`${props.prefix}-name`} label={props.labels.name}>
          <input id={`${props.prefix}-name`} required value={props.values.name} onInput={input('name')} />
        </Field>
      </div>
      <Field id={`${props.prefix}-description`} label={props.labels.description}>
        <input id={`${props.prefix}-description`} value={props.values.description} onInput={input('description')} />
      </Field>
    </>
  );
}
