import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import type { InstanceSettings } from '../../domain/instance.js';
import { viewSmtp } from '../../domain/mail-settings.js';
import { errors } from '../../errors.js';
import { isSingleEmailAddress } from '../../mail/address.js';
import { MAIL_LOCALES } from '../../mail/locale.js';
import type { Mailer } from '../../mail/mailer.js';
import { LOCALIZED_TEMPLATES, PREVIEW_TEMPLATES, renderPreview, renderTestMail } from '../../mail/previews.js';
import type { RateLimiter } from '../../security/rate-limit.js';
import { idParams } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeDomain, serializeRedirectUrl } from '../serializers/instance-resources.js';
import { parseInput } from '../validation.js';

import type { DashboardFeature, DashboardHandler } from './route.js';

type Handler = DashboardHandler;
type Route = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, handler: Handler) => void;

/**
 * The sign-in and sign-up options the page edits, by their path in the instance settings. The same
 * paths name what the config file sets (`factors.totp`, …), which wins and is shown read-only.
 */
const OPTION_FIELDS = {
  'frontend.username': z.enum(['off', 'optional', 'required']),
  'passwordless.phoneNumber': z.enum(['off', 'optional']),
  'passwordless.emailLink': z.boolean(),
  'passwordless.passkeys': z.boolean(),
  'factors.emailCode': z.boolean(),
  'factors.totp': z.boolean(),
  'factors.phoneCode': z.boolean(),
  'factors.backupCode': z.boolean(),
  'factors.mfaRequired': z.boolean(),
  'restrictions.signUpMode': z.enum(['public', 'restricted', 'waitlist']),
  'restrictions.allowlist': z.boolean(),
  'restrictions.blocklist': z.boolean(),
  'restrictions.blockEmailSubaddresses': z.boolean(),
  'organizations.forceOrganizationSelection': z.boolean(),
} as const;
type OptionPath = keyof typeof OPTION_FIELDS;
const OPTION_PATHS = Object.keys(OPTION_FIELDS) as OptionPath[];
type Section = 'frontend' | 'passwordless' | 'factors' | 'restrictions' | 'organizations';

const optionsBody = z.object(OPTION_FIELDS).partial().strict();
const listParams = z.object({ list: z.enum(['allowlist', 'blocklist']) });
const identifierParams = listParams.extend({ id: z.string().min(1).max(128) });
const identifierBody = z.object({ identifier: z.string().min(1).max(320) }).strict();
const redirectUrlBody = z.object({ url: z.string().min(1).max(2048) }).strict();
const domainBody = z.object({ name: z.string().min(1).max(253), proxy_url: z.string().max(2048).nullable().optional() }).strict();
/** A logo as base64 in JSON: the dashboard's API takes JSON only; 512 KB keeps the body under Fastify's 1 MB. */
const LOGO_MAX_BYTES = 512 * 1024;
const logoBody = z
  .object({
    data: z
      .string()
      .min(1)
      .max(Math.ceil((LOGO_MAX_BYTES * 4) / 3) + 4),
  })
  .strict();
const smtpBody = z
  .object({
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65_535),
    secure: z.boolean(),
    username: z.string().max(320).optional(),
    password: z.string().max(1000).optional(),
  })
  .strict();
const mailBody = z.object({ smtp: smtpBody.nullable().optional(), from: z.string().max(400).nullable().optional() }).strict();
const testMailBody = z.object({ to: z.string().min(3).max(320) }).strict();
const previewQuery = z.object({ template: z.enum(PREVIEW_TEMPLATES), locale: z.enum(MAIL_LOCALES).optional() }).strict();
/** Test mails per operator per hour: enough to debug a server, too few to use the dashboard as a relay. */
const TEST_MAIL_LIMIT = { limit: 20, windowMs: 3_600_000 };

function readOption(settings: InstanceSettings, path: OptionPath): unknown {
  const [section, key] = path.split('.') as [Section, string];
  return (settings[section] as Record<string, unknown>)[key];
}

/**
 * The dashboard's Configure pages beyond the application settings: sign-in and sign-up options,
 * allow and block lists, redirect URLs and satellite domains, the logo, and e-mail. Each goes
 * through the service the Backend API uses (instance settings, `instanceApi`, the restrictions of
 * `organizationRoles`), is stored in the database (every node within seconds) and is audited; what
 * the config file sets is refused here (it wins at every start).
 */
export function registerConfigureRoutes(deps: {
  route: Route;
  domain: Domain;
  record: DashboardFeature['record'];
  configLocked: string[];
  publicUrl: string;
  limiter: RateLimiter;
  mailer?: Pick<Mailer, 'sendRendered' | 'where'>;
}): void {
  const { route, domain, record, configLocked, publicUrl, limiter } = deps;
  const locked = (path: string) => configLocked.includes(path);
  const lockedByConfig = (field: string) =>
    errors.paramValueInvalid(field, 'is set by the config file, which wins over the dashboard; change it there and restart');

  // ---- sign-in and sign-up options
  const optionsJson = async () => {
    const settings = await domain.instance.settings();
    const { allowlistIdentifiers, blocklistIdentifiers } = settings.restrictions;
    const entry = (e: { id: string; identifier: string; createdAt: number }) => ({
      id: e.id,
      identifier: e.identifier,
      created_at: e.createdAt,
    });
    return {
      options: Object.fromEntries(OPTION_PATHS.map((path) => [path, readOption(settings, path)])),
      allowlist_identifiers: allowlistIdentifiers.map(entry),
      blocklist_identifiers: blocklistIdentifiers.map(entry),
      config_locked: OPTION_PATHS.filter(locked),
    };
  };
  route('GET', '/sign-in-options', async (_request, reply) => sendJson(reply, 200, await optionsJson()));
  route('PATCH', '/sign-in-options', async (request, reply, context) => {
    const body = parseInput(optionsBody, request.body);
    const changed = Object.entries(body).filter(([, v]) => v !== undefined) as [OptionPath, unknown][];
    for (const [path] of changed) if (locked(path)) throw lockedByConfig(path);
    await domain.instance.updateSettings((current) => {
      const next: InstanceSettings = { ...current };
      for (const [path, value] of changed) {
        const [section, key] = path.split('.') as [Section, string];
        (next as unknown as Record<Section, object>)[section] = { ...next[section], [key]: value };
      }
      return next;
    });
    await record(context, { action: 'sign_in_options.update', targetType: 'instance', detail: { changed: Object.fromEntries(changed) } });
    return sendJson(reply, 200, await optionsJson());
  });
  route('POST', '/restrictions/:list', async (request, reply, context) => {
    const { list } = parseInput(listParams, request.params);
    const { identifier } = parseInput(identifierBody, request.body);
    const entry = await domain.organizationRoles.addIdentifier(list, identifier);
    await record(context, {
      action: `${list}_identifier.create`,
      targetType: 'instance',
      targetId: entry.id,
      detail: { identifier: entry.identifier },
    });
    return sendJson(reply, 200, await optionsJson());
  });
  route('DELETE', '/restrictions/:list/:id', async (request, reply, context) => {
    const { list, id } = parseInput(identifierParams, request.params);
    await domain.organizationRoles.removeIdentifier(list, id);
    await record(context, { action: `${list}_identifier.delete`, targetType: 'instance', targetId: id });
    return sendJson(reply, 200, await optionsJson());
  });

  // ---- redirect URLs and satellite domains (the Backend API's /v1/redirect_urls and /v1/domains)
  const api = domain.instanceApi;
  const originsJson = async () => {
    const { developmentOrigin } = (await domain.instance.settings()).frontend;
    const [redirectUrls, domains] = await Promise.all([api.redirectUrls.list(), api.domains.list()]);
    return {
      redirect_urls: redirectUrls.map(serializeRedirectUrl),
      domains: domains.map((d) => serializeDomain(d, { publicUrl, developmentOrigin })),
    };
  };
  route('GET', '/origins', async (_request, reply) => sendJson(reply, 200, await originsJson()));
  route('POST', '/redirect-urls', async (request, reply, context) => {
    const { url } = parseInput(redirectUrlBody, request.body);
    const created = await api.redirectUrls.create(url);
    await record(context, { action: 'redirect_url.create', targetType: 'instance', targetId: created.id, detail: { url: created.url } });
    return sendJson(reply, 200, await originsJson());
  });
  route('DELETE', '/redirect-urls/:id', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    const removed = await api.redirectUrls.delete(id);
    await record(context, { action: 'redirect_url.delete', targetType: 'instance', targetId: id, detail: { url: removed.url } });
    return sendJson(reply, 200, await originsJson());
  });
  route('POST', '/domains', async (request, reply, context) => {
    const body = parseInput(domainBody, request.body);
    const added = await api.domains.add({ name: body.name, isSatellite: true, proxyUrl: body.proxy_url || null });
    await record(context, { action: 'domain.create', targetType: 'instance', targetId: added.id, detail: { name: added.name } });
    return sendJson(reply, 200, await originsJson());
  });
  route('DELETE', '/domains/:id', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    await api.domains.delete(id);
    await record(context, { action: 'domain.delete', targetType: 'instance', targetId: id });
    return sendJson(reply, 200, await originsJson());
  });

  // ---- the application's logo (display_config.logo_image_url)
  const logoJson = async () => ({
    logo_image_url: (await domain.instance.settings()).frontend.logoImageUrl ?? null,
    config_locked: locked('frontend.logoImageUrl'),
  });
  const setLogo = async (path: string | undefined) => {
    if (locked('frontend.logoImageUrl')) throw lockedByConfig('logo');
    await domain.instance.updateSettings((current) => {
      const { logoImageUrl: _previous, ...frontend } = current.frontend;
      return { ...current, frontend: path ? { ...frontend, logoImageUrl: path } : frontend };
    });
  };
  route('GET', '/logo', async (_request, reply) => sendJson(reply, 200, await logoJson()));
  route('PUT', '/logo', async (request, reply, context) => {
    const { data } = parseInput(logoBody, request.body);
    const bytes = Buffer.from(data, 'base64');
    if (bytes.length > LOGO_MAX_BYTES) throw errors.paramValueInvalid('data', `the logo may be at most ${LOGO_MAX_BYTES / 1024} KB`);
    if (locked('frontend.logoImageUrl')) throw lockedByConfig('logo');
    const path = await domain.images.saveApplicationLogo(bytes);
    await setLogo(path);
    await record(context, { action: 'settings.logo_update', targetType: 'instance', detail: { path, bytes: bytes.length } });
    return sendJson(reply, 200, await logoJson());
  });
  route('DELETE', '/logo', async (_request, reply, context) => {
    await setLogo(undefined);
    await record(context, { action: 'settings.logo_remove', targetType: 'instance' });
    return sendJson(reply, 200, await logoJson());
  });

  // ---- e-mail: the SMTP server (password sealed, never answered), the sender, a test message, previews
  const mailJson = async () => {
    const mail = await domain.mailSettings.get();
    const smtp = viewSmtp(mail);
    return {
      smtp: smtp && { host: smtp.host, port: smtp.port, secure: smtp.secure, username: smtp.username, has_password: smtp.hasPassword },
      from: mail.from ?? '',
      delivers_via: (await deps.mailer?.where()) ?? 'unknown',
      config_locked: ['mail.smtp', 'mail.from'].filter(locked),
      templates: PREVIEW_TEMPLATES,
      localized_templates: LOCALIZED_TEMPLATES,
      locales: MAIL_LOCALES,
    };
  };
  route('GET', '/mail', async (_request, reply) => sendJson(reply, 200, await mailJson()));
  route('PUT', '/mail', async (request, reply, context) => {
    const body = parseInput(mailBody, request.body);
    if (body.smtp !== undefined && locked('mail.smtp')) throw lockedByConfig('smtp');
    if (body.from !== undefined && locked('mail.from')) throw lockedByConfig('from');
    // Without a server, mail would go to the dev outbox, which logs the codes: never on production.
    if (body.smtp === null && !locked('mail.smtp') && !domain.isDevelopment()) {
      throw errors.paramValueInvalid('smtp', 'a production instance needs an SMTP server; set another one instead of removing it');
    }
    const mail = await domain.mailSettings.update({ smtp: body.smtp, from: body.from });
    const smtp = viewSmtp(mail);
    await record(context, {
      action: 'mail_settings.update',
      targetType: 'instance',
      // Never the password: only whether it changed.
      detail: {
        smtp: smtp && { host: smtp.host, port: smtp.port, secure: smtp.secure, username: smtp.username },
        password_changed: body.smtp?.password !== undefined,
        from: mail.from ?? null,
      },
    });
    return sendJson(reply, 200, await mailJson());
  });
  route('POST', '/mail/test', async (request, reply, context) => {
    const { to } = parseInput(testMailBody, request.body);
    if (!isSingleEmailAddress(to)) throw errors.paramInvalid('to', 'must be one e-mail address');
    if (!deps.mailer) throw errors.paramValueInvalid('to', 'this server has no mailer');
    await limiter.consume(`dashboard:test-mail:${context.operator.id}`, TEST_MAIL_LIMIT);
    const via = await deps.mailer.where();
    const appName = (await domain.instance.settings()).frontend.applicationName;
    const rendered = renderTestMail(appName, context.operator.email, via);
    try {
      await deps.mailer.sendRendered({ to, ...rendered, locale: 'en', appName });
    } catch (error) {
      await record(context, { action: 'mail.test_failed', targetType: 'instance', detail: { to, via } });
      // The mailer's messages never hold credentials (mail/mailer.ts redacts them).
      throw errors.paramValueInvalid('to', `the test message could not be sent: ${(error as Error).message}`);
    }
    await record(context, { action: 'mail.test_sent', targetType: 'instance', detail: { to, via } });
    return sendJson(reply, 200, { sent: true, to, via });
  });
  route('GET', '/mail/preview', async (request, reply) => {
    const q = parseInput(previewQuery, request.query);
    const appName = (await domain.instance.settings()).frontend.applicationName;
    const rendered = renderPreview(q.template, q.locale ?? 'en', appName, publicUrl);
    const format = (request.headers.accept ?? '').includes('application/json') ? 'json' : 'html';
    if (format === 'json') return sendJson(reply, 200, { subject: rendered.subject, text: rendered.text });
    // Shown in a sandboxed frame of the dashboard: inline styles only, no script, no request out.
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox")
      .send(rendered.html);
  });
}
