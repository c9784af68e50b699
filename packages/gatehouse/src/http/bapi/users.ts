import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import { IMPORTABLE_HASHERS } from '../../crypto/imported-hashes.js';
import type { Domain } from '../../domain/index.js';
import type { UserRecord } from '../../domain/users.js';
import { errors } from '../../errors.js';
import { backendCaller } from '../caller.js';
import { emptyBody, idParams, metadataObject, pagination, stringList, timestamp } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeDeleted } from '../serializers/deleted.js';
import { serializeExternalAccount, serializeOauthAccessToken } from '../serializers/external-account.js';
import { serializePage, serializeTotalCount } from '../serializers/page.js';
import { serializeUser } from '../serializers/user.js';
import { parseInput } from '../validation.js';

const millis = z.coerce.number().int().nonnegative().optional();
/** Every filter `@clerk/backend`'s `getUserList` sends (it sends them to the count too). */
const listFilters = {
  email_address: stringList,
  phone_number: stringList,
  web3_wallet: stringList,
  user_id: stringList,
  external_id: stringList,
  username: stringList,
  query: z.string().max(256).optional(),
  organization_id: stringList,
  created_at_after: millis,
  created_at_before: millis,
  last_active_at_after: millis,
  last_active_at_before: millis,
  last_active_at_since: millis,
  last_sign_in_at_after: millis,
  last_sign_in_at_before: millis,
};
const listQuery = z.object({ ...listFilters, ...pagination, order_by: z.string().max(64).optional() }).strict();
const countQuery = z.object(listFilters).strict();

type ListFilters = Partial<z.infer<z.ZodObject<typeof listFilters>>>;

function toUserFilter(q: ListFilters) {
  return {
    emailAddresses: q.email_address,
    userIds: q.user_id,
    externalIds: q.external_id,
    usernames: q.username,
    query: q.query,
    organizationIds: q.organization_id,
    // Verified numbers, compared in E.164 (spaces, dashes, dots and parentheses dropped).
    phoneNumbers: q.phone_number?.map((p) => p.trim().replace(/[\s\-().]/g, '')),
    // Gatehouse users have no Web3 wallets: such a filter matches nobody.
    unmatchable: Boolean(q.web3_wallet?.length),
    createdAfter: q.created_at_after,
    createdBefore: q.created_at_before,
    // `last_active_at_since` is the SDK's deprecated name for `last_active_at_after`.
    lastActiveAfter: q.last_active_at_after ?? q.last_active_at_since,
    lastActiveBefore: q.last_active_at_before,
    lastSignInAfter: q.last_sign_in_at_after,
    lastSignInBefore: q.last_sign_in_at_before,
  };
}

const nullableName = z.string().max(256).nullable().optional();
const writableFields = {
  external_id: z.string().min(1).max(256).nullable().optional(),
  username: z.string().nullable().optional(),
  first_name: nullableName,
  last_name: nullableName,
  password: z.string().optional(),
  password_digest: z.string().min(1).max(4096).optional(),
  password_hasher: z.enum(IMPORTABLE_HASHERS).optional(),
  skip_password_checks: z.boolean().optional(),
  skip_password_requirement: z.boolean().optional(),
  public_metadata: metadataObject.optional(),
  private_metadata: metadataObject.optional(),
  unsafe_metadata: metadataObject.optional(),
  created_at: timestamp.optional(),
  locale: z.string().max(32).nullable().optional(),
  timezone: z.string().max(64).nullable().optional(),
  legal_accepted_at: timestamp.nullable().optional(),
  skip_legal_checks: z.boolean().optional(),
  create_organization_enabled: z.boolean().optional(),
  delete_self_enabled: z.boolean().optional(),
};
const createBody = z
  .object({
    ...writableFields,
    email_address: z.array(z.string()).max(100).optional(),
    banned: z.boolean().optional(),
    locked: z.boolean().optional(),
  })
  .strict();
const updateBody = z
  .object({
    ...writableFields,
    primary_email_address_id: z.string().min(1).optional(),
    notify_primary_email_address_changed: z.boolean().optional(),
    sign_out_of_other_sessions: z.boolean().optional(),
  })
  .strict();

type WritableBody = z.infer<typeof updateBody> | z.infer<typeof createBody>;

function toUserInput(body: WritableBody) {
  return {
    externalId: body.external_id,
    username: body.username,
    firstName: body.first_name,
    lastName: body.last_name,
    password: body.password,
    passwordDigest: body.password_digest,
    passwordHasher: body.password_hasher,
    skipPasswordChecks: body.skip_password_checks,
    publicMetadata: body.public_metadata,
    privateMetadata: body.private_metadata,
    unsafeMetadata: body.unsafe_metadata,
    createdAt: body.created_at,
    locale: body.locale,
    timezone: body.timezone,
    legalAcceptedAt: body.legal_accepted_at,
    createOrganizationEnabled: body.create_organization_enabled,
    deleteSelfEnabled: body.delete_self_enabled,
  };
}

/** BAPI `/v1/users`: list (a bare array, as the SDK expects), count, get, create, update, delete. */
export function registerUserRoutes(app: FastifyInstance, domain: Domain): void {
  const { links } = domain.images;
  const userJson = (record: UserRecord) => serializeUser(record, domain.protection.state(record.user), links);
  app.get('/v1/users', async (request, reply) => {
    const q = parseInput(listQuery, request.query);
    const records = await domain.users.list({
      ...toUserFilter(q),
      orderBy: q.order_by,
      limit: q.limit,
      offset: q.offset,
    });
    return sendJson(
      reply,
      200,
      records.map((r) => userJson(r)),
    );
  });

  app.get('/v1/users/count', async (request, reply) => {
    const q = parseInput(countQuery, request.query);
    const total = await domain.users.count(toUserFilter(q));
    return sendJson(reply, 200, serializeTotalCount(total));
  });

  app.get('/v1/users/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, userJson(await domain.users.get(id)));
  });

  app.post('/v1/users', async (request, reply) => {
    const body = parseInput(createBody, request.body);
    const record = await domain.users.create(
      {
        ...toUserInput(body),
        emailAddresses: body.email_address,
        banned: body.banned,
        locked: body.locked,
      },
      backendCaller(request),
    );
    // Verified addresses at an organization's verified domain earn invitations or suggestions, as a sign-up's do.
    await domain.enrollment.enrollUser(record.user.id, backendCaller(request));
    return sendJson(reply, 200, userJson(record));
  });

  app.patch('/v1/users/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(updateBody, request.body);
    const record = await domain.users.update(
      id,
      { ...toUserInput(body), primaryEmailAddressId: body.primary_email_address_id },
      backendCaller(request),
    );
    return sendJson(reply, 200, userJson(record));
  });

  app.delete('/v1/users/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    await domain.users.delete(id, backendCaller(request));
    return sendJson(reply, 200, serializeDeleted('user', id));
  });

  const metadataBody = z
    .object({
      public_metadata: metadataObject.optional(),
      private_metadata: metadataObject.optional(),
      unsafe_metadata: metadataObject.optional(),
    })
    .strict();

  app.patch('/v1/users/:id/metadata', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const record = await domain.userMetadata.merge(id, parseInput(metadataBody, request.body), backendCaller(request));
    return sendJson(reply, 200, userJson(record));
  });

  app.put('/v1/users/:id/metadata', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const record = await domain.userMetadata.replace(id, parseInput(metadataBody, request.body), backendCaller(request));
    return sendJson(reply, 200, userJson(record));
  });

  for (const [action, flags] of [
    ['ban', { banned: true }],
    ['unban', { banned: false }],
    ['lock', { locked: true }],
    ['unlock', { locked: false }],
  ] as const) {
    app.post(`/v1/users/:id/${action}`, async (request, reply) => {
      const { id } = parseInput(idParams, request.params);
      parseInput(emptyBody, request.body);
      return sendJson(reply, 200, userJson(await domain.users.setFlags(id, flags, backendCaller(request))));
    });
  }

  const removePasswordBody = z.object({ sign_out_of_other_sessions: z.boolean().optional() }).strict();
  app.post('/v1/users/:id/remove_password', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(removePasswordBody, request.body);
    return sendJson(
      reply,
      200,
      userJson(await domain.users.removePassword(id, body.sign_out_of_other_sessions ?? false, backendCaller(request))),
    );
  });

  // The provider's token for a user (`users.getUserOauthAccessToken`), refreshed first when expired.
  const tokenParams = z.object({ id: z.string().min(1), provider: z.string().min(1).max(64) }).strict();
  const tokenQuery = z.object({ paginated: z.string().optional(), limit: z.string().optional(), offset: z.string().optional() }).strict();
  app.get('/v1/users/:id/oauth_access_tokens/:provider', async (request, reply) => {
    const { id, provider } = parseInput(tokenParams, request.params);
    const query = parseInput(tokenQuery, request.query);
    await domain.users.get(id);
    const tokens = await domain.social.accessToken(id, provider.replace(/^oauth_/, ''));
    const data = tokens.map(({ account, tokens }) => serializeOauthAccessToken(account, tokens));
    // `@clerk/backend` asks with `paginated=true` and reads `{ data, total_count }`; older callers get the list.
    return sendJson(reply, 200, query.paginated === 'true' ? serializePage(data, data.length) : data);
  });

  const accountParams = z.object({ id: z.string().min(1), accountId: z.string().min(1) }).strict();
  app.delete('/v1/users/:id/external_accounts/:accountId', async (request, reply) => {
    const { id, accountId } = parseInput(accountParams, request.params);
    const account = await domain.social.removeAccount(id, accountId);
    return sendJson(reply, 200, serializeDeleted('external_account', serializeExternalAccount(account, 'backend').id));
  });

  const walletParams = z.object({ id: z.string().min(1), walletId: z.string().min(1) });
  app.delete('/v1/users/:id/web3_wallets/:walletId', async (request) => {
    const { id, walletId } = parseInput(walletParams, request.params);
    return domain.users.deleteWeb3Wallet(id, walletId);
  });

  // Second factors: Clerk answers these deletes with the user's id alone.
  app.delete('/v1/users/:id/mfa', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    await domain.secondFactors.disableAll(id);
    return sendJson(reply, 200, { user_id: id });
  });

  app.delete('/v1/users/:id/totp', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    await domain.secondFactors.deleteTotp(id);
    return sendJson(reply, 200, { user_id: id });
  });

  app.delete('/v1/users/:id/backup_code', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    if (!(await domain.secondFactors.deleteBackupCodes(id))) throw errors.notFound('backup codes');
    return sendJson(reply, 200, { user_id: id });
  });

  const verifyTotpBody = z.object({ code: z.string().min(1).max(64) }).strict();
  app.post('/v1/users/:id/verify_totp', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const { code } = parseInput(verifyTotpBody, request.body);
    const codeType = await domain.secondFactors.verifyCode(id, code);
    return sendJson(reply, 200, { verified: true, code_type: codeType });
  });

  const verifyPasswordBody = z.object({ password: z.string().max(1024) }).strict();
  app.post('/v1/users/:id/verify_password', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const { password } = parseInput(verifyPasswordBody, request.body);
    const { user } = await domain.users.get(id);
    if (!(await domain.verifyPassword(user, password))) throw errors.passwordIncorrect();
    return sendJson(reply, 200, { verified: true });
  });
}
