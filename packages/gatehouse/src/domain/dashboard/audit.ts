import { newId } from '../../ids.js';
import type { AuditEvent } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { AuditFilter } from '../../store/repositories/dashboard.js';
import type { AuditActor } from '../caller.js';
import type { Clock } from '../clock.js';

export type { AuditActor, AuditFilter };

export interface AuditRecord {
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  detail?: Record<string, unknown>;
  /**
   * Who acted: the caller's actor (`caller.actor`: an operator, the Backend API, the CLI, an end user),
   * or whom the event is about when that is not the caller (an end user's failed sign-in, say).
   */
  actor: AuditActor;
}

const CSV_COLUMNS = ['at', 'actor_type', 'actor_id', 'actor', 'action', 'target_type', 'target_id', 'ip', 'detail'] as const;

function csvCell(value: string): string {
  // Spreadsheets run cells that start with = + - @ as formulas: quote them as text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The audit log: every operator action and the security events (failed sign-ins, lockouts, key
 * rotations, bans), in the database so every node writes to and reads the same log.
 */
export function createAuditService(store: Store, clock: Clock) {
  return {
    async record(input: AuditRecord): Promise<void> {
      const { actor } = input;
      const event: AuditEvent = {
        id: newId('aud'),
        at: clock(),
        actorType: actor.type,
        actorId: actor.id,
        actorLabel: actor.label,
        action: input.action,
        targetType: input.targetType ?? null,
        targetId: input.targetId ?? null,
        ip: actor.ip,
        detail: input.detail ?? {},
      };
      await store.auditLog.insert(event);
    },

    async list(filter: AuditFilter, limit: number, offset: number): Promise<{ data: AuditEvent[]; totalCount: number }> {
      const [data, totalCount] = await Promise.all([store.auditLog.list(filter, limit, offset), store.auditLog.count(filter)]);
      return { data, totalCount };
    },

    /** The matching events, newest first, as CSV (at most `max` rows). */
    async csv(filter: AuditFilter, max = 100_000): Promise<string> {
      const lines = [CSV_COLUMNS.join(',')];
      const pageSize = 1000;
      for (let offset = 0; offset < max; offset += pageSize) {
        const page = await store.auditLog.list(filter, Math.min(pageSize, max - offset), offset);
        for (const e of page) {
          lines.push(
            [
              new Date(e.at).toISOString(),
              e.actorType,
              e.actorId ?? '',
              e.actorLabel,
              e.action,
              e.targetType ?? '',
              e.targetId ?? '',
              e.ip ?? '',
              JSON.stringify(e.detail),
            ]
              .map(csvCell)
              .join(','),
          );
        }
        if (page.length < pageSize) break;
      }
      return `${lines.join('\r\n')}\r\n`;
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
