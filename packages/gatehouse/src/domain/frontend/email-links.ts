import type { CodePurpose } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Caller } from '../caller.js';
import type { Clock } from '../clock.js';
import { raiseUserUpdated } from '../users.js';
import type { EventService } from '../webhooks/events.js';
import type { SignInService } from './sign-ins.js';
import type { SignUpService } from './sign-ups.js';
import type { VerificationCodes } from './verification-codes.js';

/**
 * What opening an e-mail link did, as clerk-js's `handleEmailLinkVerification` reads it from the page
 * it lands on: `__clerk_status` (`verified`, `expired`, `failed`) and, for a sign-in or sign-up that
 * completed, `__clerk_created_session`. `clientId` is the client the flow belongs to (the browser that
 * asked for the link), `returnTo` the page to go back to.
 */
export interface LinkVisit {
  status: 'verified' | 'expired' | 'failed';
  returnTo: string | undefined;
  createdSessionId: string | undefined;
  clientId: string | undefined;
}

/** `GET /v1/verify`: the one place an e-mail link's token is used. */
export function createEmailLinkService(deps: {
  store: Store;
  clock: Clock;
  codes: VerificationCodes;
  signIns: SignInService;
  signUps: SignUpService;
  events: EventService;
  /** After an address is verified: enrollment by verified domain. */
  enrollUser?: (userId: string, caller: Caller) => Promise<void>;
}) {
  const { store, clock, codes } = deps;

  async function apply(
    purpose: CodePurpose,
    subjectId: string,
    caller: Caller,
  ): Promise<Omit<LinkVisit, 'status' | 'returnTo'> | undefined> {
    if (purpose === 'sign_in_email_link') {
      const done = await deps.signIns.completeFromLink(subjectId, caller);
      return done && { createdSessionId: done.signIn.createdSessionId ?? undefined, clientId: done.clientId };
    }
    if (purpose === 'sign_up_email_link') {
      const signUp = await deps.signUps.completeFromLink(subjectId, caller);
      return signUp && { createdSessionId: signUp.createdSessionId ?? undefined, clientId: signUp.clientId };
    }
    // `/v1/me` address verification: the address is verified (by a link, as its verification then
    // says) and the user's change announced, as a code's would be; no session is made.
    const email = await store.emailAddresses.findById(subjectId);
    if (!email) return undefined;
    await store.transaction(async (tx) => {
      await tx.emailAddresses.update(email.id, { verified: true, verificationStrategy: 'email_link', updatedAt: clock() });
      await raiseUserUpdated(deps.events, tx, email.userId, caller);
    });
    await deps.enrollUser?.(email.userId, caller);
    return { createdSessionId: undefined, clientId: undefined };
  }

  return {
    async visit(token: string, caller: Caller): Promise<LinkVisit> {
      const outcome = await codes.consumeLink(token);
      const returnTo = outcome.row?.payload ?? undefined;
      if (outcome.status !== 'verified') return { status: outcome.status, returnTo, createdSessionId: undefined, clientId: undefined };
      const applied = await apply(outcome.row.purpose, outcome.row.subjectId, caller);
      if (!applied) return { status: 'failed', returnTo, createdSessionId: undefined, clientId: undefined };
      return { status: 'verified', returnTo, ...applied };
    },
  };
}

export type EmailLinkService = ReturnType<typeof createEmailLinkService>;
