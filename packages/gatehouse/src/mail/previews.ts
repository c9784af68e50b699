import { escapeHtml } from './html.js';
import { renderLinkMail } from './link-mail.js';
import type { MailLocale } from './locale.js';
import { type RenderedMail, renderInvitationMail, renderMail } from './templates.js';

/** Every message Gatehouse sends, by the slug its `email.created` event carries. */
export const PREVIEW_TEMPLATES = [
  'verification_code',
  'sign_in_code',
  'reset_password_code',
  'invitation',
  'organization_invitation',
  'sign_in_link',
  'verification_link',
] as const;

export type PreviewTemplate = (typeof PREVIEW_TEMPLATES)[number];

/** Which templates exist in each language (the links and invitations are English only). */
export const LOCALIZED_TEMPLATES: readonly PreviewTemplate[] = ['verification_code', 'sign_in_code', 'reset_password_code'];

/**
 * A template rendered with sample values (code `123456`, example links), in the application's name:
 * the dashboard's templates preview.
 */
export function renderPreview(template: PreviewTemplate, locale: MailLocale, appName: string, publicUrl: string): RenderedMail {
  switch (template) {
    case 'verification_code':
    case 'sign_in_code':
    case 'reset_password_code':
      return renderMail(template, locale, { code: '123456', appName, expiresInMinutes: 10 });
    case 'invitation':
    case 'organization_invitation':
      return renderInvitationMail(locale, {
        appName,
        url: `${publicUrl}/v1/tickets/accept?ticket=example`,
        organizationName: template === 'organization_invitation' ? 'Acme Inc' : undefined,
        expiresInDays: 30,
      });
    case 'sign_in_link':
    case 'verification_link':
      return renderLinkMail(
        { to: 'user@example.com', kind: template, locale: 'en', link: `${publicUrl}/v1/verify?token=example`, expiresInMinutes: 10 },
        appName,
      );
  }
}

/** The message "Send a test mail" sends: it says who asked and where it went, nothing secret. */
export function renderTestMail(appName: string, requestedBy: string, via: string): RenderedMail {
  const subject = `Test message from ${appName}`;
  const body = `This is a test message sent from the Gatehouse dashboard by ${requestedBy}, via ${via}. If you can read it, ${appName} can send mail.`;
  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#18181b;">
<p style="font-size:13px;color:#71717a;">${e(appName)}</p>
<h1 style="font-size:20px;">${e(subject)}</h1>
<p>${e(body)}</p>
</body></html>
`;
  return { subject, text: `${body}\n`, html };
}
