import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { errors, frontendErrors } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Passkey, User, VerificationCode } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Clock } from '../clock.js';
import type { VerificationCodes } from './verification-codes.js';

/** The relying party of a ceremony: the page's origin (already checked against the allowed origins) and its host. */
export interface RelyingParty {
  origin: string;
  rpId: string;
}

export function relyingParty(origin: string): RelyingParty {
  return { origin, rpId: new URL(origin).hostname };
}

/** What a ceremony's verification row keeps besides the challenge's HMAC. */
interface CeremonyPayload {
  /** The options as the browser got them (the verification's `nonce`, which clerk-js parses). */
  nonce: string;
  origin: string;
  rpId: string;
}

/** The `nonce` of a passkey verification (the JSON options clerk-js hands to WebAuthn). */
export function ceremonyNonce(row: VerificationCode | undefined): string | undefined {
  if (!row?.payload) return undefined;
  try {
    return (JSON.parse(row.payload) as CeremonyPayload).nonce;
  } catch {
    return undefined;
  }
}

function parseCredential<T>(json: string | undefined): T {
  if (!json) throw errors.paramMissing('public_key_credential');
  try {
    const value = JSON.parse(json) as { id?: unknown; response?: unknown };
    if (typeof value?.id !== 'string' || typeof value.response !== 'object' || value.response === null) throw new Error('shape');
    return value as T;
  } catch {
    throw errors.paramInvalid('public_key_credential', 'must be the JSON of a WebAuthn public key credential');
  }
}

/**
 * WebAuthn ceremonies with @simplewebauthn/server: registration from `/v1/me/passkeys` and assertion
 * at sign-in. Each challenge is single use, lives 10 minutes, is stored as an HMAC and is bound to the
 * origin and relying-party id it was issued for; a wrong origin, challenge or signature is refused.
 */
export function createPasskeyCeremonies(deps: { store: Store; clock: Clock; codes: VerificationCodes; appName: () => Promise<string> }) {
  const { store, clock, codes } = deps;

  async function liveCeremony(subjectId: string, purpose: 'passkey_registration' | 'passkey_sign_in') {
    const row = await codes.find(subjectId, purpose);
    if (row?.status !== 'unverified') throw frontendErrors.verificationMissing();
    if (row.expireAt <= clock()) throw frontendErrors.verificationExpired();
    return { row, payload: JSON.parse(row.payload ?? '{}') as CeremonyPayload };
  }

  return {
    /** Starts registering a passkey: a pending passkey and the creation options in its verification. */
    async startRegistration(user: User, userName: string, rp: RelyingParty): Promise<Passkey> {
      const existing = (await store.passkeys.listByUsers([user.id])).filter((p) => p.verified && p.credentialId);
      const options = await generateRegistrationOptions({
        rpName: await deps.appName(),
        rpID: rp.rpId,
        userName,
        userID: new TextEncoder().encode(user.id),
        attestationType: 'none',
        excludeCredentials: existing.map((p) => ({
          id: p.credentialId ?? '',
          transports: p.transports as AuthenticatorTransportFuture[],
        })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      });
      const now = clock();
      const passkey: Passkey = {
        id: newId('pkey'),
        userId: user.id,
        name: '',
        credentialId: null,
        publicKey: null,
        counter: 0,
        transports: [],
        verified: false,
        lastUsedAt: null,
        createdAt: now,
        updatedAt: now,
      };
      await store.passkeys.insert(passkey);
      const payload: CeremonyPayload = { nonce: JSON.stringify(options), origin: rp.origin, rpId: rp.rpId };
      await codes.issueChallenge(passkey.id, 'passkey_registration', options.challenge, JSON.stringify(payload));
      return passkey;
    },

    /** Checks the attestation of a pending passkey; on success it is the user's, named after its authenticator. */
    async finishRegistration(passkey: Passkey, credentialJson: string | undefined): Promise<Passkey> {
      const { row, payload } = await liveCeremony(passkey.id, 'passkey_registration');
      const response = parseCredential<RegistrationResponseJSON>(credentialJson);
      let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
      try {
        verification = await verifyRegistrationResponse({
          response,
          expectedChallenge: (challenge) => codes.challengeMatches(row, challenge),
          expectedOrigin: payload.origin,
          expectedRPID: payload.rpId,
          requireUserVerification: false,
        });
      } catch {
        await codes.spendChallenge(row, 'failed');
        throw frontendErrors.passkeyInvalid();
      }
      if (!verification.verified || !verification.registrationInfo) throw frontendErrors.passkeyInvalid();
      if (!(await codes.spendChallenge(row, 'verified'))) throw frontendErrors.verificationMissing();
      const { credential, aaguid } = verification.registrationInfo;
      const now = clock();
      const changes: Partial<Passkey> = {
        credentialId: credential.id,
        publicKey: Buffer.from(credential.publicKey).toString('base64url'),
        counter: credential.counter,
        transports: credential.transports ?? response.response.transports ?? [],
        verified: true,
        name: aaguid && aaguid !== '00000000-0000-0000-0000-000000000000' ? `Passkey ${aaguid.slice(0, 8)}` : 'Passkey',
        updatedAt: now,
      };
      try {
        await store.passkeys.update(passkey.id, changes);
      } catch {
        throw errors.identifierExists('passkey');
      }
      return { ...passkey, ...changes };
    },

    /** The options of a sign-in assertion (discoverable: any of the user's passkeys on the device). */
    async startAssertion(signInId: string, rp: RelyingParty): Promise<VerificationCode> {
      const options = await generateAuthenticationOptions({ rpID: rp.rpId, userVerification: 'preferred', allowCredentials: [] });
      const payload: CeremonyPayload = { nonce: JSON.stringify(options), origin: rp.origin, rpId: rp.rpId };
      return codes.issueChallenge(signInId, 'passkey_sign_in', options.challenge, JSON.stringify(payload));
    },

    /** Checks a sign-in assertion; returns the passkey's owner. The challenge is spent whatever the outcome. */
    async finishAssertion(signInId: string, credentialJson: string | undefined): Promise<User> {
      const { row, payload } = await liveCeremony(signInId, 'passkey_sign_in');
      const response = parseCredential<AuthenticationResponseJSON>(credentialJson);
      const passkey = await store.passkeys.findByCredentialId(response.id);
      if (!passkey?.verified || !passkey.publicKey || !passkey.credentialId) {
        await codes.spendChallenge(row, 'failed');
        throw frontendErrors.passkeyInvalid();
      }
      let verification: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
      try {
        verification = await verifyAuthenticationResponse({
          response,
          expectedChallenge: (challenge) => codes.challengeMatches(row, challenge),
          expectedOrigin: payload.origin,
          expectedRPID: payload.rpId,
          credential: {
            id: passkey.credentialId,
            publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')),
            counter: passkey.counter,
            transports: passkey.transports as AuthenticatorTransportFuture[],
          },
          requireUserVerification: false,
        });
      } catch {
        await codes.spendChallenge(row, 'failed');
        throw frontendErrors.passkeyInvalid();
      }
      if (!verification.verified) throw frontendErrors.passkeyInvalid();
      if (!(await codes.spendChallenge(row, 'verified'))) throw frontendErrors.verificationMissing();
      if (!(await store.passkeys.advanceCounter(passkey.id, verification.authenticationInfo.newCounter, clock()))) {
        throw frontendErrors.passkeyInvalid();
      }
      const user = await store.users.findById(passkey.userId);
      if (!user) throw frontendErrors.passkeyInvalid();
      return user;
    },
  };
}

export type PasskeyCeremonies = ReturnType<typeof createPasskeyCeremonies>;
