import type { LinkMessage } from '../domain/frontend/delivery.js';
import { escapeHtml } from './html.js';
import type { Mailer } from './mailer.js';

/**
 * E-mail links (`email_link`): the message that carries the link. English only for now (the code
 * templates are localized in four languages; these follow the same layout in a plainer form).
 */
export function renderLinkMail(message: Omit<LinkMessage, 'caller'>, appName: string) {
  const signIn = message.kind === 'sign_in_link';
  const subject = signIn ? `Your sign-in link for ${appName}` : `Verify your email address for ${appName}`;
  const action = signIn ? `Sign in to ${appName}` : 'Verify email address';
  const expiry = `This link expires in ${message.expiresInMinutes} minutes and works once.`;
  const notice = "If you didn't request this link, you can safely ignore this email.";
  const text = `${action}:\n\n${message.link}\n\n${expiry}\n\n${notice}\n`;
  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#18181b;">
<p style="font-size:13px;color:#71717a;">${e(appName)}</p>
<p><a href="${e(message.link)}" style="display:inline-block;padding:10px 16px;background:#18181b;color:#fff;border-radius:6px;text-decoration:none;">${e(action)}</a></p>
<p style="font-size:13px;word-break:break-all;">${e(message.link)}</p>
<p>${e(expiry)}</p>
<p style="font-size:13px;color:#71717a;">${e(notice)}</p>
</body></html>
`;
  return { subject, text, html };
}

export function sendLinkMail(mailer: Mailer, message: Omit<LinkMessage, 'caller'>, appName: string): Promise<void> {
  const { subject, text, html } = renderLinkMail(message, appName);
  return mailer.sendRendered({ to: message.to, subject, text, html, locale: 'en', appName });
}
