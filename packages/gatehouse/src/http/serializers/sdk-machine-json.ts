import type { APIKey, M2MToken, Machine } from '@clerk/backend';

/**
 * The wire shapes of machine authentication. `@clerk/backend` declares `APIKeyJSON`,
 * `M2MTokenJSON` and `MachineJSON` but does not export them; the classes it does export take them in
 * `fromJSON`, which is where they are read from. `MachineScopeJSON` and `MachineSecretKeyJSON` are not
 * reachable at all, so they are written out here from `api/resources/JSON.d.ts` of the installed SDK.
 */
export type APIKeyJSON = Parameters<typeof APIKey.fromJSON>[0];
export type M2MTokenJSON = Parameters<typeof M2MToken.fromJSON>[0];
export type MachineJSON = Parameters<typeof Machine.fromJSON>[0];
export interface MachineScopeJSON {
  object: 'machine_scope';
  from_machine_id: string;
  to_machine_id: string;
  created_at?: number;
  deleted?: boolean;
}
export interface MachineSecretKeyJSON {
  object: 'machine_secret_key';
  secret: string;
}
