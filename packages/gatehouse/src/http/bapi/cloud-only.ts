import type { FastifyInstance } from 'fastify';
import { errors } from '../../errors.js';

/**
 * Backend API groups that exist only as Clerk's cloud services. `@clerk/backend` has methods for
 * them; on a self-hosted server each answers 404 `feature_not_available` naming the feature and why,
 * so an app learns what it called instead of getting "No endpoint matches". Authentication still
 * comes first (the BAPI hook), so these answers tell nothing to someone without the secret key.
 */
export const CLOUD_ONLY_GROUPS = [
  {
    feature: 'Billing',
    why: 'plans, subscriptions and payments run on Clerk’s Stripe integration.',
    paths: ['/v1/billing', '/v1/organizations/:id/billing', '/v1/users/:id/billing'],
  },
  {
    feature: 'Proxy checks',
    why: 'they verify a proxy in front of Clerk’s Frontend API; Gatehouse serves it itself.',
    paths: ['/v1/proxy_checks'],
  },
  {
    feature: 'Beta features',
    why: 'they change a Clerk-hosted instance’s domain; point DNS at Gatehouse instead.',
    paths: ['/v1/beta_features'],
  },
  {
    feature: 'Svix webhooks',
    why: 'Clerk delivers webhooks through its Svix application; Gatehouse has no Svix app to create or open.',
    paths: ['/v1/webhooks'],
  },
  { feature: 'E-mail sending', why: 'Clerk’s e-mail API sends through Clerk’s mail service; send from your app.', paths: ['/v1/email'] },
  {
    feature: 'Accountless applications',
    why: 'they are keyless Clerk instances created on Clerk’s cloud; `gatehouse init` makes the keys.',
    paths: ['/v1/accountless_applications'],
  },
  { feature: 'SAML connections', why: 'SAML single sign-on is not implemented.', paths: ['/v1/saml_connections'] },
  { feature: 'Enterprise connections', why: 'enterprise single sign-on is not implemented.', paths: ['/v1/enterprise_connections'] },
  {
    feature: 'OAuth applications',
    why: 'Gatehouse is not an OAuth authorization server for third-party apps.',
    paths: ['/v1/oauth_applications'],
  },
  { feature: 'Agent tasks', why: 'they belong to Clerk’s hosted agent toolkit.', paths: ['/v1/agents'] },
] as const;

export function registerCloudOnlyRoutes(app: FastifyInstance): void {
  for (const { feature, why, paths } of CLOUD_ONLY_GROUPS) {
    const handler = async () => {
      throw errors.featureNotAvailable(feature, why);
    };
    for (const path of paths) {
      app.all(path, handler);
      app.all(`${path}/*`, handler);
    }
  }
}
