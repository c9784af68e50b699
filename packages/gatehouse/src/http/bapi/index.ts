import type { FastifyInstance } from 'fastify';
import type { Domain } from '../../domain/index.js';
import { errors } from '../../errors.js';
import { registerImageBackendRoutes } from '../images/bapi.js';
import { registerActorTokenRoutes } from './actor-tokens.js';
import { registerApiKeyRoutes } from './api-keys.js';
import { registerClientRoutes } from './clients.js';
import { registerCloudOnlyRoutes } from './cloud-only.js';
import { registerEmailAddressRoutes } from './email-addresses.js';
import { registerInstanceRoutes } from './instance.js';
import { registerInstanceResourceRoutes } from './instance-resources.js';
import { registerInvitationRoutes } from './invitations.js';
import { registerJwtTemplateRoutes } from './jwt-templates.js';
import { registerKeyRoutes } from './keys.js';
import { registerM2MTokenRoutes } from './m2m-tokens.js';
import { acceptsMachineKey, authenticateMachine } from './machine-caller.js';
import { registerMachineRoutes } from './machines.js';
import { registerOrganizationRoutes } from './organizations.js';
import { registerPhoneNumberRoutes } from './phone-numbers.js';
import { registerRoleRoutes } from './roles.js';
import { registerSessionRoutes } from './sessions.js';
import { registerSignUpRoutes } from './sign-ups.js';
import { registerUserCredentialRoutes } from './user-credentials.js';
import { registerUserRoutes } from './users.js';
import { registerWebhookRoutes } from './webhooks.js';

/** The Backend API, mounted under `/api` so `CLERK_API_URL=<public url>/api`. Every route needs the secret key. */
export async function registerBackendApi(app: FastifyInstance, domain: Domain): Promise<void> {
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (!header) throw errors.authorizationMissing();
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const bearer = match?.[1];
    if (bearer && (await domain.instance.authenticateSecretKey(bearer))) return;
    if (bearer && acceptsMachineKey(request)) return authenticateMachine(domain, request, bearer);
    throw errors.secretKeyInvalid();
  });
  registerUserRoutes(app, domain);
  registerEmailAddressRoutes(app, domain);
  registerPhoneNumberRoutes(app, domain);
  registerSessionRoutes(app, domain);
  registerJwtTemplateRoutes(app, domain);
  registerInstanceRoutes(app, domain);
  registerKeyRoutes(app, domain);
  registerClientRoutes(app, domain);
  registerOrganizationRoutes(app, domain);
  registerInvitationRoutes(app, domain);
  registerRoleRoutes(app, domain);
  await registerImageBackendRoutes(app, domain);
  registerApiKeyRoutes(app, domain);
  registerMachineRoutes(app, domain);
  registerM2MTokenRoutes(app, domain);
  registerSignUpRoutes(app, domain);
  registerWebhookRoutes(app, domain);
  registerUserCredentialRoutes(app, domain);
  registerInstanceResourceRoutes(app, domain);
  registerActorTokenRoutes(app, domain);
  registerCloudOnlyRoutes(app);
}
