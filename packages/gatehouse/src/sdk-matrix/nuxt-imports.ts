/**
 * What `#imports` is for `@clerk/nuxt`'s server code inside a Nuxt build, without building Nuxt:
 * the h3 functions Nitro re-exports, and `useRuntimeConfig()` returning the runtime config the
 * `@clerk/nuxt` module registers (`public.clerk.*`, `clerk.*`) with `NUXT_*` environment variables
 * applied as Nitro applies them (`NUXT_` + the key path in upper snake case, for keys that exist).
 * `vitest.config.ts` aliases `#imports` to this file for the SDK matrix's Nuxt test.
 */
export { createError, eventHandler, getRequestHeaders, getRequestProtocol, setResponseHeader } from 'h3';

type Config = { [key: string]: string | Config };

function registered(): Config {
  return {
    public: {
      clerk: { publishableKey: '', proxyUrl: '', domain: '', isSatellite: '', jsUrl: '', uiUrl: '', apiUrl: '', apiVersion: '' },
    },
    clerk: { secretKey: '', machineSecretKey: '', jwtKey: '', webhookSigningSecret: '', apiUrl: '', apiVersion: '' },
  };
}

function applyEnv(config: Config, path: string[]): Config {
  for (const [key, value] of Object.entries(config)) {
    if (typeof value === 'object') applyEnv(value, [...path, key]);
    else config[key] = process.env[`NUXT_${[...path, key].join('_').replace(/[A-Z]/g, '_$&').toUpperCase()}`] ?? value;
  }
  return config;
}

export function useRuntimeConfig(): Config {
  return applyEnv(registered(), []);
}
