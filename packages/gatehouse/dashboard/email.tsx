import { useState } from 'preact/hooks';
import { api, qs } from './api';
import { Alert, Badge, Card, Field, Loading, PageHeader, useAction, useLoad } from './ui';

interface MailJSON {
  smtp: { host: string; port: number; secure: boolean; username: string; has_password: boolean } | null;
  from: string;
  delivers_via: string;
  config_locked: string[];
  templates: string[];
  localized_templates: string[];
  locales: string[];
}

const TEMPLATE_NAMES: Record<string, string> = {
  verification_code: 'Verification code',
  sign_in_code: 'Sign-in code',
  reset_password_code: 'Password reset code',
  invitation: 'Invitation',
  organization_invitation: 'Organization invitation',
  sign_in_link: 'Sign-in link',
  verification_link: 'Verification link',
};
const LOCALE_NAMES: Record<string, string> = { en: 'English', 'zh-CN': '简体中文', ja: '日本語', ko: '한국어' };

export function EmailPage() {
  const { data, error, reload } = useLoad(() => api<MailJSON>('GET', '/mail'), []);
  if (error) return <Alert error={error} />;
  if (!data) return <Loading />;
  return (
    <>
      <PageHeader title="E-mail" description="Where verification codes, links and invitations are sent from." />
      <p class="muted">
        Mail goes to <strong data-testid="delivers-via">{data.delivers_via}</strong>.
      </p>
      <div class="grid-2">
        <SmtpCard data={data} onSaved={reload} />
        <TestMailCard />
      </div>
      <TemplatesCard data={data} />
    </>
  );
}

function SmtpCard(props: { data: MailJSON; onSaved: () => void }) {
  const { data } = props;
  const smtp = data.smtp;
  const [host, setHost] = useState(smtp?.host ?? '');
  const [port, setPort] = useState(String(smtp?.port ?? 587));
  const [secure, setSecure] = useState(smtp?.secure ?? false);
  const [username, setUsername] = useState(smtp?.username ?? '');
  const [password, setPassword] = useState('');
  const [from, setFrom] = useState(data.from);
  const action = useAction();
  const smtpLocked = data.config_locked.includes('mail.smtp');
  const fromLocked = data.config_locked.includes('mail.from');
  const hasPassword = smtp?.has_password ?? false;
  return (
    <Card
      title="SMTP server"
      actions={smtpLocked ? <Badge>config file</Badge> : <Badge tone={smtp ? 'ok' : 'neutral'}>{smtp ? 'Set' : 'Not set'}</Badge>}
    >
      <Alert error={action.error} notice={action.notice} />
      {smtpLocked && (
        <p class="alert alert-info">
          --smtp (GATEHOUSE_SMTP_URL or the config file's smtpUrl) sets the server; it wins over the dashboard.
        </p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          action.run(async () => {
            const body: Record<string, unknown> = {};
            if (!smtpLocked)
              body.smtp = host.trim()
                ? { host: host.trim(), port: Number(port), secure, username: username.trim(), ...(password ? { password } : {}) }
                : null;
            if (!fromLocked) body.from = from.trim() || null;
            await api('PUT', '/mail', body);
            setPassword('');
            props.onSaved();
            return 'Mail settings saved. Every node sends through them within seconds.';
          });
        }}
      >
        <div class="grid-2">
          <Field id="smtp-host" label="Host" hint="Leave empty to use the dev outbox.">
            <input
              id="smtp-host"
              value={host}
              disabled={smtpLocked}
              placeholder="smtp.example.com"
              onInput={(e) => setHost((e.target as HTMLInputElement).value)}
            />
          </Field>
          <Field id="smtp-port" label="Port">
            <input
              id="smtp-port"
              type="number"
              min={1}
              max={65535}
              value={port}
              disabled={smtpLocked}
              onInput={(e) => setPort((e.target as HTMLInputElement).value)}
            />
          </Field>
        </div>
        <label class="check">
          <input
            type="checkbox"
            checked={secure}
            disabled={smtpLocked}
            onChange={(e) => setSecure((e.target as HTMLInputElement).checked)}
          />{' '}
          TLS from the start (smtps, usually port 465); otherwise STARTTLS when the server offers it
        </label>
        <div class="grid-2">
          <Field id="smtp-username" label="Username">
            <input
              id="smtp-username"
              value={username}
              disabled={smtpLocked}
              autoComplete="off"
              onInput={(e) => setUsername((e.target as HTMLInputElement).value)}
            />
          </Field>
          <Field
            id="smtp-password"
            label="Password"
            hint={hasPassword ? 'Stored (sealed). Leave empty to keep it.' : 'Sealed at rest, never shown again.'}
          >
            <input
              id="smtp-password"
              type="password"
              autoComplete="new-password"
              value={password}
              disabled={smtpLocked}
              onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
            />
          </Field>
        </div>
        <Field
          id="mail-from"
          label="Sender"
          hint={fromLocked ? 'Set by --mail-from, which wins.' : 'A name and address, or an address shown beside the application name.'}
        >
          <input
            id="mail-from"
            value={from}
            disabled={fromLocked}
            placeholder="Acme <no-reply@acme.com>"
            onInput={(e) => setFrom((e.target as HTMLInputElement).value)}
          />
        </Field>
        <button type="submit" class="btn btn-primary" disabled={action.busy || (smtpLocked && fromLocked)}>
          Save mail settings
        </button>
      </form>
    </Card>
  );
}

function TestMailCard() {
  const [to, setTo] = useState('');
  const action = useAction();
  return (
    <Card title="Send a test mail">
      <p class="muted small">A short message through the current settings, to check they work.</p>
      <Alert error={action.error} notice={action.notice} />
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          action.run(async () => {
            const sent = await api<{ to: string; via: string }>('POST', '/mail/test', { to: to.trim() });
            return `Test mail sent to ${sent.to} via ${sent.via}.`;
          });
        }}
      >
        <input
          class="grow"
          type="email"
          aria-label="Send a test mail to"
          placeholder="you@example.com"
          value={to}
          onInput={(e) => setTo((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="btn" disabled={action.busy || !to.trim()}>
          Send test mail
        </button>
      </form>
    </Card>
  );
}

function TemplatesCard(props: { data: MailJSON }) {
  const [template, setTemplate] = useState(props.data.templates[0] ?? 'verification_code');
  const [locale, setLocale] = useState('en');
  const localized = props.data.localized_templates.includes(template);
  const params = { template, locale: localized ? locale : 'en' };
  const subject = useLoad(() => api<{ subject: string }>('GET', `/mail/preview${qs(params)}`), [params.template, params.locale]);
  return (
    <Card title="Templates">
      <div class="toolbar">
        <Field id="template" label="Template">
          <select id="template" value={template} onChange={(e) => setTemplate((e.target as HTMLSelectElement).value)}>
            {props.data.templates.map((t) => (
              <option key={t} value={t}>
                {TEMPLATE_NAMES[t] ?? t}
              </option>
            ))}
          </select>
        </Field>
        <Field id="template-locale" label="Language" hint={localized ? undefined : 'This template is in English only.'}>
          <select
            id="template-locale"
            value={params.locale}
            disabled={!localized}
            onChange={(e) => setLocale((e.target as HTMLSelectElement).value)}
          >
            {props.data.locales.map((l) => (
              <option key={l} value={l}>
                {LOCALE_NAMES[l] ?? l}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <p>
        <span class="muted small">Subject</span> <strong data-testid="template-subject">{subject.data?.subject ?? '…'}</strong>
      </p>
      <iframe
        class="mail-preview"
        title={`Preview of the ${TEMPLATE_NAMES[template] ?? template} mail`}
        sandbox=""
        src={`/dashboard/api/mail/preview${qs(params)}`}
      />
      <p class="muted small">
        Sample values (code 123456, example links) in the application's name. The language follows the locale clerk-js sends, or the
        browser's Accept-Language.
      </p>
    </Card>
  );
}
