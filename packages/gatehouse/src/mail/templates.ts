import { escapeHtml } from './html.js';
import type { MailLocale } from './locale.js';

export type MailKind = 'verification_code' | 'sign_in_code' | 'reset_password_code';

export const MAIL_KINDS: readonly MailKind[] = ['verification_code', 'sign_in_code', 'reset_password_code'];

export interface TemplateParams {
  code: string;
  appName: string;
  expiresInMinutes: number;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** The words of one message in one language; the layout is shared. */
interface Copy {
  /** Must contain the code: mail clients show it in the notification. */
  subject(code: string): string;
  heading(appName: string): string;
  intro(appName: string): string;
  expiry(minutes: number): string;
  /** What to do when the reader did not ask for the message. */
  notice: string;
}

const en = {
  expiry: (minutes: number) => `This code expires in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`,
};
const zh = { expiry: (minutes: number) => `验证码 ${minutes} 分钟内有效。` };
const ja = { expiry: (minutes: number) => `このコードの有効期限は${minutes}分です。` };
const ko = { expiry: (minutes: number) => `이 코드는 ${minutes}분 후에 만료됩니다.` };

const COPY: Record<MailKind, Record<MailLocale, Copy>> = {
  verification_code: {
    en: {
      subject: (code) => `${code} is your verification code`,
      heading: () => 'Verify your email address',
      intro: (app) => `Use the code below to verify your email address for ${app}.`,
      expiry: en.expiry,
      notice: "If you didn't request this code, you can safely ignore this email.",
    },
    'zh-CN': {
      subject: (code) => `${code} 是您的验证码`,
      heading: () => '验证您的邮箱地址',
      intro: (app) => `请使用以下验证码，完成 ${app} 的邮箱地址验证。`,
      expiry: zh.expiry,
      notice: '如果这不是您本人的操作，请忽略此邮件。',
    },
    ja: {
      subject: (code) => `確認コード：${code}`,
      heading: () => 'メールアドレスの確認',
      intro: (app) => `${app} でメールアドレスを確認するため、以下のコードを入力してください。`,
      expiry: ja.expiry,
      notice: 'このメールにお心当たりのない場合は、お手数ですが破棄してください。',
    },
    ko: {
      subject: (code) => `인증 코드: ${code}`,
      heading: () => '이메일 주소 인증',
      intro: (app) => `${app}에서 이메일 주소를 인증하려면 아래 코드를 입력하세요.`,
      expiry: ko.expiry,
      notice: '본인이 요청하지 않았다면 이 이메일은 무시하셔도 됩니다.',
    },
  },
  sign_in_code: {
    en: {
      subject: (code) => `${code} is your sign-in code`,
      heading: (app) => `Sign in to ${app}`,
      intro: (app) => `Use the code below to finish signing in to ${app}. Don't share it with anyone.`,
      expiry: en.expiry,
      notice: "If you didn't try to sign in, you can safely ignore this email. Someone may have typed your email address by mistake.",
    },
    'zh-CN': {
      subject: (code) => `${code} 是您的登录验证码`,
      heading: (app) => `登录 ${app}`,
      intro: (app) => `请使用以下验证码完成 ${app} 登录。请勿将验证码透露给任何人。`,
      expiry: zh.expiry,
      notice: '如果您没有尝试登录，请忽略此邮件，可能是有人误填了您的邮箱地址。',
    },
    ja: {
      subject: (code) => `ログインコード：${code}`,
      heading: (app) => `${app} へのログイン`,
      intro: (app) => `以下のコードを入力して、${app} へのログインを完了してください。このコードは誰にも教えないでください。`,
      expiry: ja.expiry,
      notice: 'ログインした覚えがない場合は、このメールを破棄してください。メールアドレスが誤って入力された可能性があります。',
    },
    ko: {
      subject: (code) => `로그인 코드: ${code}`,
      heading: (app) => `${app} 로그인`,
      intro: (app) => `아래 코드를 입력하여 ${app} 로그인을 완료하세요. 이 코드는 다른 사람과 공유하지 마세요.`,
      expiry: ko.expiry,
      notice: '로그인을 시도하지 않았다면 이 이메일은 무시하셔도 됩니다. 다른 사람이 실수로 이메일 주소를 입력했을 수 있습니다.',
    },
  },
  reset_password_code: {
    en: {
      subject: (code) => `${code} is your password reset code`,
      heading: () => 'Reset your password',
      intro: (app) => `We received a request to reset the password for your ${app} account. Use the code below to choose a new password.`,
      expiry: en.expiry,
      notice: "If you didn't request a password reset, you can safely ignore this email. Your password won't change.",
    },
    'zh-CN': {
      subject: (code) => `${code} 是您的密码重置验证码`,
      heading: () => '重置密码',
      intro: (app) => `我们收到了重置您 ${app} 账户密码的请求。请使用以下验证码设置新密码。`,
      expiry: zh.expiry,
      notice: '如果您没有申请重置密码，请忽略此邮件，您的密码不会被更改。',
    },
    ja: {
      subject: (code) => `パスワード再設定コード：${code}`,
      heading: () => 'パスワードの再設定',
      intro: (app) =>
        `${app} アカウントのパスワード再設定のリクエストを受け付けました。以下のコードを入力して、新しいパスワードを設定してください。`,
      expiry: ja.expiry,
      notice: 'パスワードの再設定をリクエストした覚えがない場合は、このメールを破棄してください。パスワードは変更されません。',
    },
    ko: {
      subject: (code) => `비밀번호 재설정 코드: ${code}`,
      heading: () => '비밀번호 재설정',
      intro: (app) => `${app} 계정의 비밀번호 재설정 요청을 받았습니다. 아래 코드를 입력하여 새 비밀번호를 설정하세요.`,
      expiry: ko.expiry,
      notice: '비밀번호 재설정을 요청하지 않았다면 이 이메일은 무시하셔도 됩니다. 비밀번호는 변경되지 않습니다.',
    },
  },
};

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif";

/** Renders one message. Every value is escaped in the HTML, the fixed copy included. */
export function renderMail(kind: MailKind, locale: MailLocale, params: TemplateParams): RenderedMail {
  const copy = COPY[kind][locale];
  const { code, appName, expiresInMinutes } = params;
  const subject = copy.subject(code);
  const heading = copy.heading(appName);
  const intro = copy.intro(appName);
  const expiry = copy.expiry(expiresInMinutes);

  const text = `${heading}\n\n${intro}\n\n    ${code}\n\n${expiry}\n\n${copy.notice}\n`;

  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="${e(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(subject)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f4f4f5;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f4f5;padding:32px 16px;">
<tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:480px;background-color:#ffffff;border-radius:8px;">
<tr><td style="padding:32px;font-family:${FONT};color:#18181b;font-size:15px;line-height:1.6;">
<p style="margin:0 0 8px;font-size:13px;color:#71717a;">${e(appName)}</p>
<h1 style="margin:0 0 16px;font-size:20px;line-height:1.3;font-weight:600;">${e(heading)}</h1>
<p style="margin:0 0 24px;">${e(intro)}</p>
<p style="margin:0 0 24px;padding:16px;background-color:#f4f4f5;border-radius:6px;text-align:center;font-family:Menlo,Consolas,'Courier New',monospace;font-size:32px;font-weight:700;letter-spacing:6px;">${e(code)}</p>
<p style="margin:0 0 16px;">${e(expiry)}</p>
<p style="margin:0;font-size:13px;color:#71717a;">${e(copy.notice)}</p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
  return { subject, text, html };
}

export interface InvitationParams {
  appName: string;
  url: string;
  organizationName?: string;
  expiresInDays: number;
}

/** The words of an invitation in one language (`org`: to an organization; otherwise to the application). */
interface InvitationCopy {
  subject(app: string, org?: string): string;
  intro(app: string, org?: string): string;
  button: string;
  expiry(days: number): string;
  notice: string;
}

const INVITATION_COPY: Record<MailLocale, InvitationCopy> = {
  en: {
    subject: (app, org) => (org ? `You're invited to join ${org} on ${app}` : `You're invited to ${app}`),
    intro: (app, org) =>
      org
        ? `You have been invited to join the organization ${org} on ${app}. Follow the link below to accept.`
        : `You have been invited to ${app}. Follow the link below to create your account.`,
    button: 'Accept invitation',
    expiry: (days) => `This invitation expires in ${days} ${days === 1 ? 'day' : 'days'}.`,
    notice: "If you weren't expecting this invitation, you can ignore this email.",
  },
  'zh-CN': {
    subject: (app, org) => (org ? `邀请您加入 ${app} 上的 ${org}` : `邀请您加入 ${app}`),
    intro: (app, org) =>
      org ? `您已受邀加入 ${app} 上的组织 ${org}。请点击下方链接接受邀请。` : `您已受邀加入 ${app}。请点击下方链接创建账户。`,
    button: '接受邀请',
    expiry: (days) => `此邀请 ${days} 天内有效。`,
    notice: '如果您没有预期收到此邀请，请忽略此邮件。',
  },
  ja: {
    subject: (app, org) => (org ? `${app} の ${org} への招待` : `${app} への招待`),
    intro: (app, org) =>
      org
        ? `${app} の組織 ${org} に招待されました。以下のリンクから招待を承諾してください。`
        : `${app} に招待されました。以下のリンクからアカウントを作成してください。`,
    button: '招待を承諾',
    expiry: (days) => `この招待の有効期限は${days}日です。`,
    notice: 'この招待にお心当たりのない場合は、このメールを破棄してください。',
  },
  ko: {
    subject: (app, org) => (org ? `${app}의 ${org}에 초대되었습니다` : `${app}에 초대되었습니다`),
    intro: (app, org) =>
      org
        ? `${app}의 조직 ${org}에 초대되었습니다. 아래 링크를 눌러 초대를 수락하세요.`
        : `${app}에 초대되었습니다. 아래 링크를 눌러 계정을 만드세요.`,
    button: '초대 수락',
    expiry: (days) => `이 초대는 ${days}일 후에 만료됩니다.`,
    notice: '이 초대를 예상하지 못했다면 이 이메일을 무시하셔도 됩니다.',
  },
};

/** The invitation message in the reader's language: every value escaped in the HTML. */
export function renderInvitationMail(locale: MailLocale, params: InvitationParams): RenderedMail {
  const { appName, url, organizationName, expiresInDays } = params;
  const copy = INVITATION_COPY[locale];
  const subject = copy.subject(appName, organizationName);
  const intro = copy.intro(appName, organizationName);
  const expiry = copy.expiry(expiresInDays);
  const notice = copy.notice;
  const text = `${subject}\n\n${intro}\n\n${url}\n\n${expiry}\n\n${notice}\n`;
  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="${e(locale)}">
<head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="margin:0;padding:32px 16px;background-color:#f4f4f5;font-family:${FONT};color:#18181b;font-size:15px;line-height:1.6;">
<div style="max-width:480px;margin:0 auto;background-color:#ffffff;border-radius:8px;padding:32px;">
<p style="margin:0 0 8px;font-size:13px;color:#71717a;">${e(appName)}</p>
<h1 style="margin:0 0 16px;font-size:20px;font-weight:600;">${e(subject)}</h1>
<p style="margin:0 0 24px;">${e(intro)}</p>
<p style="margin:0 0 24px;"><a href="${e(url)}" style="display:inline-block;padding:10px 18px;background-color:#18181b;color:#ffffff;border-radius:6px;text-decoration:none;">${e(copy.button)}</a></p>
<p style="margin:0 0 16px;word-break:break-all;font-size:13px;">${e(url)}</p>
<p style="margin:0 0 16px;">${e(expiry)}</p>
<p style="margin:0;font-size:13px;color:#71717a;">${e(notice)}</p>
</div>
</body>
</html>
`;
  return { subject, text, html };
}
