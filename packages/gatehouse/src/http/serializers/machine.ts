import type { Machine, MachineScope } from '../../model/index.js';
import type { MachineJSON, MachineScopeJSON, MachineSecretKeyJSON } from './sdk-machine-json.js';

function machineFields(machine: Machine, instanceId: string) {
  return {
    object: 'machine' as const,
    id: machine.id,
    name: machine.name,
    instance_id: instanceId,
    created_at: machine.createdAt,
    updated_at: machine.updatedAt,
    default_token_ttl: machine.defaultTokenTtl,
  };
}

/** Clerk's `machine` object with the machines it reaches (those without their own scopes, as Clerk nests them). */
export function serializeMachine(
  view: { machine: Machine; scopedMachines: Machine[] },
  instanceId: string,
  secretKey?: string,
): MachineJSON {
  return {
    ...machineFields(view.machine, instanceId),
    scoped_machines: view.scopedMachines.map((m) => ({ ...machineFields(m, instanceId), scoped_machines: [] })),
    ...(secretKey ? { secret_key: secretKey } : {}),
  };
}

export function serializeMachineScope(scope: MachineScope): MachineScopeJSON {
  return { object: 'machine_scope', from_machine_id: scope.fromMachineId, to_machine_id: scope.toMachineId, created_at: scope.createdAt };
}

export function serializeDeletedMachineScope(fromMachineId: string, toMachineId: string): MachineScopeJSON {
  return { object: 'machine_scope', from_machine_id: fromMachineId, to_machine_id: toMachineId, deleted: true };
}

export function serializeMachineSecretKey(secret: string): MachineSecretKeyJSON {
  return { object: 'machine_secret_key', secret };
}
