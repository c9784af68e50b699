import type { ActorTokenJSON } from '@clerk/backend';
import type { ActorToken } from '../../model/index.js';

/** The one wire shape of an actor token (Clerk's `actor_token`); `token` and `url` only when it is created. */
export function serializeActorToken(token: ActorToken, created?: { ticket: string; url: string }): ActorTokenJSON {
  return {
    object: 'actor_token',
    id: token.id,
    status: token.status,
    user_id: token.userId,
    actor: token.actor,
    token: created?.ticket ?? null,
    url: created?.url ?? null,
    created_at: token.createdAt,
    updated_at: token.updatedAt,
  };
}
