import type { SmsMessage, SmsSender } from '../domain/frontend/delivery.js';
import { errors } from '../errors.js';
import { newId } from '../ids.js';
import type { Store } from '../store/index.js';

export interface SmsOptions {
  /** `https://sms.example.com/send`: each SMS is POSTed there as JSON (see `createSmsSender`). */
  gatewayUrl: string | undefined;
  development: () => boolean;
  store: Store;
  clock: () => number;
  log: (line: string) => void;
  appName: () => Promise<string>;
}

/** The SMS text of a code (kept short: one segment). */
export function smsText(appName: string, message: SmsMessage): string {
  return `${message.code} is your ${appName} verification code. It expires in ${message.expiresInMinutes} minutes.`;
}

/**
 * SMS delivery. With a gateway URL, each message is one `POST <url>` with a JSON body
 * `{ "to": "+15555550100", "text": "123456 is your … code …", "code": "123456", "expires_in_minutes": 10 }`
 * (any 2xx is success; the gateway speaks to the carrier). Without one, development instances keep
 * SMS in the dev outbox beside mail (`/dev/mailbox`, addressed to the number); production instances
 * refuse to send (422 `sms_not_configured`… answered as Clerk's `form_param_value_invalid` on the number).
 */
export function createSmsSender(options: SmsOptions): SmsSender {
  return async (message) => {
    const appName = await options.appName();
    const text = smsText(appName, message);
    if (options.gatewayUrl) {
      // The number and the code stay out of the log line: only why the gateway failed.
      const failed = (why: string) => {
        options.log(`sms: the gateway did not take the message: ${why}`);
        return errors.deliveryFailed('sms');
      };
      const response = await fetch(options.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: message.to, text, code: message.code, expires_in_minutes: message.expiresInMinutes }),
        signal: AbortSignal.timeout(10_000),
      }).catch((error: unknown) => {
        throw failed((error as Error).name === 'TimeoutError' ? 'no answer within 10 s' : String((error as Error).message));
      });
      // The body is not needed; reading it frees the connection.
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) throw failed(`it answered ${response.status}`);
      return;
    }
    if (!options.development()) throw errors.paramValueInvalid('phone_number', 'this instance has no SMS gateway configured');
    await options.store.mailOutbox.insert({
      id: newId('mail'),
      toAddress: message.to,
      subject: `SMS: ${text}`,
      textBody: text,
      htmlBody: `<p>SMS to ${message.to}</p><p>${text}</p>`,
      locale: 'en',
      createdAt: options.clock(),
    });
    options.log(`sms to ${message.to}: ${JSON.stringify(text)}`);
  };
}
