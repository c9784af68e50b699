import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DevOutbox } from '../../domain/dev-outbox.js';
import { escapeHtml } from '../../mail/html.js';
import type { OutboxMail } from '../../model/index.js';
import { sendJson } from '../reply.js';
import { serializeOutboxMail } from '../serializers/outbox-mail.js';

const LIMIT = 50;

/** The outbox holds live sign-in codes: no caches, no search engines, no scripts on the page. */
function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex').header('referrer-policy', 'no-referrer');
}

function renderPage(rows: OutboxMail[]): string {
  const e = escapeHtml;
  const items = rows
    .map((row) => {
      const time = new Date(row.createdAt).toISOString();
      return `<article>
<h2>${e(row.subject)}</h2>
<p class="meta">To <strong>${e(row.toAddress)}</strong> · <time datetime="${e(time)}">${e(time)}</time> · ${e(row.locale)}</p>
<pre>${e(row.textBody)}</pre>
</article>`;
    })
    .join('\n');
  const body =
    rows.length === 0 ? '<p class="empty">No messages yet. Codes sent while no SMTP server is configured show up here.</p>' : items;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="5">
<meta name="robots" content="noindex">
<title>Gatehouse dev mailbox</title>
<style>
body{margin:0;padding:24px;background:#f4f4f5;color:#18181b;font:15px/1.5 -apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,sans-serif}
main{max-width:760px;margin:0 auto}
h1{font-size:20px;margin:0 0 4px}
header p{margin:0 0 16px;color:#71717a;font-size:13px}
article{background:#fff;border-radius:8px;padding:16px 20px;margin:0 0 12px}
h2{font-size:16px;margin:0 0 4px}
.meta{margin:0 0 8px;color:#71717a;font-size:13px}
pre{margin:0;white-space:pre-wrap;word-break:break-word;font:13px/1.5 Menlo,Consolas,monospace}
.empty{color:#71717a}
</style>
</head>
<body>
<main>
<header>
<h1>Dev mailbox</h1>
<p>The ${LIMIT} most recent messages, newest first. Refreshes every 5 seconds. <a href="/dev/mailbox.json">JSON</a></p>
</header>
${body}
</main>
</body>
</html>
`;
}

/**
 * `/dev/mailbox` and `/dev/mailbox.json`: the dev outbox, for reading codes when no SMTP server is
 * configured. Register it only for development instances; it shows every code sent.
 */
export function registerDevMailbox(app: FastifyInstance, outbox: DevOutbox): void {
  app.get('/dev/mailbox', async (_request, reply) => {
    const rows = await outbox.recent(LIMIT);
    return noStore(reply)
      .code(200)
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .type('text/html; charset=utf-8')
      .send(renderPage(rows));
  });
  app.get('/dev/mailbox.json', async (_request, reply) => {
    const rows = await outbox.recent(LIMIT);
    return sendJson(noStore(reply), 200, { data: rows.map(serializeOutboxMail) });
  });
}
