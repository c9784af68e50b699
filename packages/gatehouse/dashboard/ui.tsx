import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api';

/** Client-side navigation under /dashboard (links stay real <a href>, so they work with the keyboard and new tabs). */
export function navigate(path: string): void {
  history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
}

export function Link(props: { href: string; children: ComponentChildren; class?: string; 'aria-current'?: 'page' }) {
  return (
    <a
      href={props.href}
      class={props.class}
      aria-current={props['aria-current']}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}

/** Loads once (and again on `reload()`); `error` is the message to show. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: string; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState('');
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (value) => {
        if (!live) return;
        setData(value);
        setError('');
      },
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { data, error, reload: useCallback(() => setTick((t) => t + 1), []) };
}

/** Runs an action with a busy flag, showing its error or a notice. */
export function useAction(): {
  busy: boolean;
  error: string;
  notice: string;
  run: (work: () => Promise<unknown>) => Promise<void>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError('');
    setNotice('');
    try {
      const message = await work();
      if (typeof message === 'string' && message) setNotice(message);
    } catch (e) {
      setError(e instanceof ApiError || e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, notice, run };
}

export function Alert(props: { error?: string; notice?: string }) {
  if (props.error)
    return (
      <p class="alert alert-error" role="alert">
        {props.error}
      </p>
    );
  if (props.notice)
    return (
      <p class="alert alert-ok" role="status">
        {props.notice}
      </p>
    );
  return null;
}

export function PageHeader(props: { title: string; description?: string; children?: ComponentChildren }) {
  return (
    <header class="page-header">
      <div>
        <h1>{props.title}</h1>
        {props.description && <p class="muted">{props.description}</p>}
      </div>
      {props.children && <div class="actions">{props.children}</div>}
    </header>
  );
}

export function Card(props: { title?: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="card">
      {(props.title || props.actions) && (
        <div class="card-head">
          {props.title && <h2>{props.title}</h2>}
          {props.actions && <div class="actions">{props.actions}</div>}
        </div>
      )}
      {props.children}
    </section>
  );
}

export function Loading() {
  return (
    <p class="muted" aria-busy="true">
      Loading…
    </p>
  );
}

export const when = (ms: number | null | undefined): string => (ms ? new Date(ms).toLocaleString() : '—');

export function Badge(props: { tone?: 'ok' | 'warn' | 'bad' | 'neutral'; children: ComponentChildren }) {
  return <span class={`badge badge-${props.tone ?? 'neutral'}`}>{props.children}</span>;
}

export function Pager(props: { offset: number; limit: number; total: number; onChange: (offset: number) => void }) {
  const { offset, limit, total } = props;
  const last = Math.min(offset + limit, total);
  return (
    <nav class="pager" aria-label="Pages">
      <span class="muted">
        {total === 0 ? 'No results' : `${(offset + 1).toLocaleString()}–${last.toLocaleString()} of ${total.toLocaleString()}`}
      </span>
      <button type="button" class="btn" disabled={offset === 0} onClick={() => props.onChange(Math.max(0, offset - limit))}>
        Previous
      </button>
      <button type="button" class="btn" disabled={last >= total} onClick={() => props.onChange(offset + limit)}>
        Next
      </button>
    </nav>
  );
}

export function CopyButton(props: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      class="btn btn-small"
      onClick={async () => {
        await navigator.clipboard?.writeText(props.text).catch(() => {});
        setDone(true);
        setTimeout(() => setDone(false), 1500);
      }}
    >
      {done ? 'Copied' : (props.label ?? 'Copy')}
    </button>
  );
}

/** A JSON editor: a textarea that validates as you type and shows the size against a limit. */
export function JsonEditor(props: {
  label: string;
  id: string;
  value: string;
  onInput: (v: string) => void;
  limitBytes?: number;
  rows?: number;
}) {
  let problem = '';
  let bytes = 0;
  try {
    const parsed = JSON.parse(props.value || '{}') as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) problem = 'must be a JSON object';
    bytes = new TextEncoder().encode(JSON.stringify(parsed)).length;
  } catch (e) {
    problem = (e as Error).message;
  }
  const over = props.limitBytes !== undefined && bytes > props.limitBytes;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <textarea
        id={props.id}
        class={`code ${problem || over ? 'invalid' : ''}`}
        rows={props.rows ?? 6}
        spellcheck={false}
        value={props.value}
        aria-invalid={problem || over ? 'true' : 'false'}
        onInput={(e) => props.onInput((e.target as HTMLTextAreaElement).value)}
      />
      <div class="field-foot">
        <span class={problem ? 'text-bad' : 'muted'}>{problem ? `Invalid JSON: ${problem}` : 'Valid JSON'}</span>
        {props.limitBytes !== undefined && (
          <span class={over ? 'text-bad' : 'muted'} data-testid={`${props.id}-bytes`}>
            {bytes.toLocaleString()} / {props.limitBytes.toLocaleString()} bytes
          </span>
        )}
      </div>
    </div>
  );
}

export const validJsonObject = (text: string): Record<string, unknown> | undefined => {
  try {
    const v = JSON.parse(text || '{}') as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** One column of a {@link DataTable}: its header (hidden for an actions column) and how a row renders in it. */
export interface Column<T> {
  label: string;
  cell: (row: T) => ComponentChildren;
  /** The header is read by screen readers only (an actions column). */
  hideLabel?: boolean;
  class?: string;
}

/** The dashboard's table: a header row and one row per item, or a line saying there is nothing. */
export function DataTable<T>(props: { columns: Column<T>[]; rows: T[]; rowKey: (row: T) => string; empty?: string }) {
  if (props.rows.length === 0) return <p class="muted empty">{props.empty ?? 'Nothing here yet.'}</p>;
  return (
    <table class="table">
      <thead>
        <tr>
          {props.columns.map((c) => (
            <th key={c.label} scope="col">
              {c.hideLabel ? <span class="sr-only">{c.label}</span> : c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr key={props.rowKey(row)}>
            {props.columns.map((c) => (
              <td key={c.label} class={c.class}>
                {c.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A search toolbar: a search field and its button, submitting the trimmed text (Enter works). */
export function SearchBar(props: {
  label: string;
  placeholder: string;
  onSearch: (text: string) => void;
  initial?: string;
  inputRef?: { current: HTMLInputElement | null };
  children?: ComponentChildren;
}) {
  const [text, setText] = useState(props.initial ?? '');
  return (
    <form
      class="toolbar"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSearch(text.trim());
      }}
    >
      <input
        ref={props.inputRef}
        type="search"
        class="grow"
        aria-label={props.label}
        placeholder={props.placeholder}
        value={text}
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
      />
      <button type="submit" class="btn">
        Search
      </button>
      {props.children}
    </form>
  );
}

/** A labelled form field (label above, optional hint below). */
export function Field(props: { id: string; label: string; hint?: ComponentChildren; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && <p class="muted small">{props.hint}</p>}
    </div>
  );
}

/** A set of checkboxes over `options`, the chosen ones in `value`. */
export function CheckboxGroup(props: { legend: string; options: readonly string[]; value: string[]; onChange: (v: string[]) => void }) {
  return (
    <fieldset class="checks">
      <legend>{props.legend}</legend>
      {props.options.map((option) => (
        <label key={option} class="check">
          <input
            type="checkbox"
            checked={props.value.includes(option)}
            onChange={(e) =>
              props.onChange((e.target as HTMLInputElement).checked ? [...props.value, option] : props.value.filter((v) => v !== option))
            }
          />{' '}
          <code>{option}</code>
        </label>
      ))}
    </fieldset>
  );
}
