/**
 * The entities Gatehouse stores, as the domain speaks of them: camelCase, booleans, decoded JSON and
 * closed unions of statuses. Types only and no imports from elsewhere, so the store (which maps them to
 * columns), the domain and HTTP can all depend on this module.
 */
export type * from './attempts.js';
export type * from './dashboard.js';
export type * from './ephemeral.js';
export type * from './image.js';
export type * from './instance.js';
export type * from './jwt-template.js';
export type * from './machine-auth.js';
export type * from './oauth.js';
export type * from './organization.js';
export type * from './passwordless.js';
export type * from './session.js';
export type * from './session-activity.js';
export type * from './user.js';
export type * from './webhook.js';
