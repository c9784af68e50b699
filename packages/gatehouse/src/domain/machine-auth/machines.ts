import type { SecretBox } from '../../crypto/secret-box.js';
import { errors } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Machine, MachineScope } from '../../model/index.js';
import { UniqueViolation } from '../../store/errors.js';
import type { Store } from '../../store/index.js';
import type { Clock } from '../clock.js';
import { hashesMatch, hashSecret, MACHINE_SECRET_KEY_PREFIX, newSecret } from './secrets.js';

/** Clerk's limit on how many machines one machine may reach. */
export const MAX_SCOPES_PER_MACHINE = 150;
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

/** A machine with the machines its tokens may be sent to. */
export interface MachineView {
  machine: Machine;
  scopedMachines: Machine[];
}

export interface MachineListOptions {
  query?: string;
  orderBy: 'name' | 'created_at';
  descending: boolean;
  limit: number;
  offset: number;
}

/** Machines, their scopes and their secret keys (which authenticate them to `/m2m_tokens`). */
export function createMachineService(store: Store, box: SecretBox, clock: Clock) {
  async function load(id: string): Promise<Machine> {
    const machine = await store.machines.findById(id);
    if (!machine) throw errors.notFound('machine');
    return machine;
  }

  async function withScopes(machines: Machine[]): Promise<MachineView[]> {
    const scopes = await store.machines.scopesFrom(machines.map((m) => m.id));
    const targets = new Map((await store.machines.findByIds([...new Set(scopes.map((s) => s.toMachineId))])).map((m) => [m.id, m]));
    return machines.map((machine) => ({
      machine,
      scopedMachines: scopes.flatMap((s) => {
        const target = s.fromMachineId === machine.id ? targets.get(s.toMachineId) : undefined;
        return target ? [target] : [];
      }),
    }));
  }

  async function view(id: string): Promise<MachineView> {
    const [result] = await withScopes([await load(id)]);
    if (!result) throw errors.notFound('machine');
    return result;
  }

  return {
    get: view,
    async list(options: MachineListOptions) {
      const [machines, totalCount] = await Promise.all([store.machines.list(options), store.machines.count(options.query)]);
      return { data: await withScopes(machines), totalCount };
    },
    /** The new machine and, this once in the answer, its secret key. */
    async create(input: {
      name: string;
      scopedMachines?: string[];
      defaultTokenTtl?: number;
    }): Promise<MachineView & { secretKey: string }> {
      const targets = [...new Set(input.scopedMachines ?? [])];
      if (targets.length > MAX_SCOPES_PER_MACHINE) {
        throw errors.paramValueInvalid('scoped_machines', `at most ${MAX_SCOPES_PER_MACHINE} machines`);
      }
      const found = await store.machines.findByIds(targets);
      if (found.length !== targets.length)
        throw errors.paramValueInvalid('scoped_machines', 'every entry must be the id of an existing machine');
      const now = clock();
      const { secret, hash } = newSecret(MACHINE_SECRET_KEY_PREFIX);
      const machine: Machine = {
        id: newId('mch'),
        name: input.name,
        defaultTokenTtl: input.defaultTokenTtl ?? DEFAULT_TOKEN_TTL_SECONDS,
        secretKeyHash: hash,
        secretKeyEnc: box.seal(secret),
        previousSecretKeyHash: null,
        previousSecretKeyExpiresAt: null,
        createdAt: now,
        updatedAt: now,
      };
      await store.transaction(async (tx) => {
        await tx.machines.insert(machine);
        for (const toMachineId of targets) await tx.machines.insertScope({ fromMachineId: machine.id, toMachineId, createdAt: now });
      });
      return { ...(await view(machine.id)), secretKey: secret };
    },
    async update(id: string, input: { name?: string; defaultTokenTtl?: number }): Promise<MachineView> {
      await load(id);
      const changes: Partial<Machine> = { updatedAt: clock() };
      if (input.name !== undefined) changes.name = input.name;
      if (input.defaultTokenTtl !== undefined) changes.defaultTokenTtl = input.defaultTokenTtl;
      await store.machines.update(id, changes);
      return view(id);
    },
    /** Deletes the machine with its scopes and tokens; answers what it was. */
    async delete(id: string): Promise<MachineView> {
      const before = await view(id);
      const deleted = await store.transaction((tx) => tx.machines.delete(id));
      if (!deleted) throw errors.notFound('machine');
      return before;
    },
    async secretKey(id: string): Promise<string> {
      return box.open((await load(id)).secretKeyEnc);
    },
    /** A new secret key; the old one keeps working for `previousTokenTtl` seconds (0: stops at once). */
    async rotateSecretKey(id: string, previousTokenTtl: number): Promise<string> {
      const current = await load(id);
      const now = clock();
      const { secret, hash } = newSecret(MACHINE_SECRET_KEY_PREFIX);
      await store.machines.update(id, {
        secretKeyHash: hash,
        secretKeyEnc: box.seal(secret),
        previousSecretKeyHash: previousTokenTtl > 0 ? current.secretKeyHash : null,
        previousSecretKeyExpiresAt: previousTokenTtl > 0 ? now + previousTokenTtl * 1000 : null,
        updatedAt: now,
      });
      return secret;
    },
    async createScope(fromMachineId: string, toMachineId: string): Promise<MachineScope> {
      await load(fromMachineId);
      if (!(await store.machines.findById(toMachineId)))
        throw errors.paramValueInvalid('to_machine_id', 'must be the id of an existing machine');
      const existing = await store.machines.scopesFrom([fromMachineId]);
      if (existing.length >= MAX_SCOPES_PER_MACHINE) {
        throw errors.paramValueInvalid('to_machine_id', `a machine reaches at most ${MAX_SCOPES_PER_MACHINE} machines`);
      }
      const scope: MachineScope = { fromMachineId, toMachineId, createdAt: clock() };
      try {
        await store.machines.insertScope(scope);
      } catch (error) {
        if (error instanceof UniqueViolation) throw errors.identifierExists('to_machine_id');
        throw error;
      }
      return scope;
    },
    async deleteScope(fromMachineId: string, toMachineId: string): Promise<void> {
      if (!(await store.machines.deleteScope(fromMachineId, toMachineId))) throw errors.notFound('machine scope');
    },
    /** The machine whose secret key (or previous key, in its grace period) this is. */
    async authenticate(secretKey: string): Promise<Machine | undefined> {
      if (!secretKey.startsWith(MACHINE_SECRET_KEY_PREFIX)) return undefined;
      const hash = hashSecret(secretKey);
      const machine = await store.machines.findBySecretKeyHash(hash);
      if (!machine) return undefined;
      if (hashesMatch(hash, machine.secretKeyHash)) return machine;
      const inGrace = machine.previousSecretKeyExpiresAt !== null && clock() < machine.previousSecretKeyExpiresAt;
      return hashesMatch(hash, machine.previousSecretKeyHash) && inGrace ? machine : undefined;
    },
    /** The ids of the machines `machineId` may send tokens to. */
    async scopeIds(machineId: string): Promise<string[]> {
      return (await store.machines.scopesFrom([machineId])).map((s) => s.toMachineId);
    },
  };
}

export type MachineService = ReturnType<typeof createMachineService>;
