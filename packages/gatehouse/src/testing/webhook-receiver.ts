import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook, type WebhookEvent } from '@clerk/backend/webhooks';
import { Webhook } from 'svix';

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  body: string;
  /** The status the receiver answered. */
  status: number;
}

export interface WebhookReceiver {
  url: string;
  /** Every request received, in arrival order (including the ones answered with an error). */
  received: ReceivedDelivery[];
  /** Events a receiver accepted (2xx), verified with `verifyWebhook` (Clerk) and `svix`'s `Webhook.verify`. */
  accepted: WebhookEvent[];
  /** Decides each answer; 200 unless set. */
  respond: (delivery: { headers: IncomingHttpHeaders; body: string; index: number }) => number;
  /** Resolves once `predicate` holds on `accepted` (polls every 20 ms; rejects after `timeoutMs`). */
  waitFor(predicate: (accepted: WebhookEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real HTTP receiver on 127.0.0.1 written the way Clerk's docs say: it verifies each delivery with
 * `verifyWebhook(request, { signingSecret })` from `@clerk/backend/webhooks` AND with
 * `new Webhook(secret).verify(body, headers)` from `svix`, and refuses (400) anything either rejects.
 */
export async function startWebhookReceiver(signingSecret: () => string): Promise<WebhookReceiver> {
  let server: Server | undefined;
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    accepted: [],
    respond: () => 200,
    async waitFor(predicate, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(receiver.accepted)) {
        if (Date.now() > deadline) {
          throw new Error(
            `webhook receiver: condition not met in ${timeoutMs} ms; accepted ${receiver.accepted.map((e) => e.type).join(', ')}`,
          );
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const index = receiver.received.length;
      let status = receiver.respond({ headers: req.headers, body, index });
      if (status >= 200 && status < 300) {
        try {
          const secret = signingSecret();
          const headers = new Headers();
          for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
          const event = await verifyWebhook(new Request('http://receiver/webhooks', { method: 'POST', headers, body }), {
            signingSecret: secret,
          });
          const svixEvent = new Webhook(secret).verify(body, {
            'svix-id': String(req.headers['svix-id']),
            'svix-timestamp': String(req.headers['svix-timestamp']),
            'svix-signature': String(req.headers['svix-signature']),
          }) as WebhookEvent;
          if (svixEvent.type !== event.type) throw new Error('the two verifiers disagree');
          receiver.accepted.push(event);
        } catch {
          status = 400;
        }
      }
      receiver.received.push({ headers: req.headers, body, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  return receiver;
}
