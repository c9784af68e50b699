import type { FastifyRequest } from 'fastify';
import type { Domain } from '../../domain/index.js';
import type { M2MCaller } from '../../domain/machine-auth/m2m-tokens.js';
import { errors } from '../../errors.js';

/**
 * Routes that a machine may call with its own secret key instead of the instance's (`/m2m_tokens`).
 * The Backend API's authentication hook lets such a request through on a valid machine secret key and
 * records the machine here; the route reads it with `callerOf`.
 */
export const MACHINE_AUTH = { machineAuth: true } as const;

const machineCallers = new WeakMap<FastifyRequest, M2MCaller>();

/** Whether `request`'s route takes machine secret keys (see `MACHINE_AUTH`). */
export function acceptsMachineKey(request: FastifyRequest): boolean {
  const config = request.routeOptions.config as { machineAuth?: boolean } | undefined;
  return config?.machineAuth === true;
}

/** Records the machine whose key authenticated `request`, or throws the secret-key error. */
export async function authenticateMachine(domain: Domain, request: FastifyRequest, bearer: string): Promise<void> {
  const machine = await domain.machines.authenticate(bearer);
  if (!machine) throw errors.secretKeyInvalid();
  machineCallers.set(request, { kind: 'machine', machine });
}

/** Who called: a machine (by its secret key) or the instance (by its secret key). */
export function callerOf(request: FastifyRequest): M2MCaller {
  return machineCallers.get(request) ?? { kind: 'instance' };
}
