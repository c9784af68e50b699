import { describe, expect, it } from 'vitest';
import { MAIL_LOCALES } from './locale.js';
import { renderInvitationMail } from './templates.js';

const URL_WITH_TICKET = 'https://auth.example.com/v1/tickets/accept?ticket=gtk_abc&x=1';

describe('invitation mail', () => {
  it('is written in each mail locale, naming the organization and carrying the link', () => {
    const expected = { en: 'Accept invitation', 'zh-CN': '接受邀请', ja: '招待を承諾', ko: '초대 수락' } as const;
    const subjects = new Set<string>();
    for (const locale of MAIL_LOCALES) {
      const mail = renderInvitationMail(locale, {
        appName: 'Acme App',
        url: URL_WITH_TICKET,
        organizationName: 'Rockets',
        expiresInDays: 3,
      });
      expect(mail.subject).toContain('Rockets');
      expect(mail.subject).toContain('Acme App');
      expect(mail.text).toContain(URL_WITH_TICKET);
      expect(mail.text).toContain('3');
      expect(mail.html).toContain(`lang="${locale}"`);
      expect(mail.html).toContain(expected[locale]);
      expect(mail.html).toContain('ticket=gtk_abc&amp;x=1');
      subjects.add(mail.subject);
    }
    expect(subjects.size).toBe(MAIL_LOCALES.length);
  });

  it('invites to the application when there is no organization, and escapes every value in the HTML', () => {
    const mail = renderInvitationMail('ja', { appName: '<b>App</b>', url: URL_WITH_TICKET, expiresInDays: 1 });
    expect(mail.subject).toBe('<b>App</b> への招待');
    expect(mail.text).toContain('アカウントを作成');
    expect(mail.html).not.toContain('<b>App</b>');
    expect(mail.html).toContain('&lt;b&gt;App&lt;/b&gt;');
    expect(renderInvitationMail('en', { appName: 'A', url: URL_WITH_TICKET, expiresInDays: 1 }).text).toContain('expires in 1 day.');
  });
});
