/**
 * `oidc-provider` (a dev dependency: the test providers in oauth-providers.ts) ships no type
 * declarations; the tests use it untyped and type their callbacks' parameters themselves.
 */
declare module 'oidc-provider';
