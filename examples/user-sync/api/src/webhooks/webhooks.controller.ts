import type { UserJSON, UserWebhookEvent, WebhookEvent } from '@clerk/backend';
import { verifyWebhook } from '@clerk/backend/webhooks';
import { BadRequestException, Controller, HttpCode, Post, type RawBodyRequest, Req, ServiceUnavailableException } from '@nestjs/common';
import type { Request } from 'express';
import { PrismaService } from '../prisma.service';

/** The address the seed's sync stores: the primary e-mail address, else the first one. */
function mailAddress(user: UserJSON): string {
  const primary = user.email_addresses.find((address) => address.id === user.primary_email_address_id);
  return (primary ?? user.email_addresses[0])?.email_address ?? '';
}

/**
 * `POST /api/webhooks/clerk`: user lifecycle events, the robust way to keep the User table in step
 * (the seed's sync only runs when the user opens the app). Verified with `verifyWebhook` from
 * `@clerk/backend/webhooks` (Standard Webhooks / Svix signature over the raw body, with
 * CLERK_WEBHOOK_SIGNING_SECRET). Idempotent: a redelivered event leaves the table as the first
 * delivery did (`user.created`/`user.updated` upsert the row, `user.deleted` deletes it if present).
 */
@Controller('api/webhooks')
export class WebhooksController {
  constructor(private readonly prisma: PrismaService) {}

  @Post('clerk')
  @HttpCode(200)
  async receive(@Req() request: RawBodyRequest<Request>) {
    if (!process.env.CLERK_WEBHOOK_SIGNING_SECRET) throw new ServiceUnavailableException('CLERK_WEBHOOK_SIGNING_SECRET is not set');
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string') headers.set(name, value);
    }
    let event: WebhookEvent;
    try {
      event = await verifyWebhook(
        new Request('http://localhost/api/webhooks/clerk', { method: 'POST', headers, body: request.rawBody?.toString('utf8') }),
      );
    } catch {
      throw new BadRequestException('webhook signature could not be verified');
    }
    switch (event.type) {
      case 'user.created':
      case 'user.updated': {
        const user = (event as UserWebhookEvent).data as UserJSON;
        const fields = { name: user.first_name ?? '', mail_address: mailAddress(user) };
        await this.prisma.user.upsert({ where: { id: user.id }, create: { id: user.id, ...fields }, update: fields });
        return { received: event.type, id: user.id };
      }
      case 'user.deleted': {
        const id = event.data.id;
        if (id) await this.prisma.user.deleteMany({ where: { id } });
        return { received: event.type, id: id ?? null };
      }
      default:
        return { received: event.type, ignored: true };
    }
  }
}
