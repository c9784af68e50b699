import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditRecord } from '../../domain/dashboard/audit.js';
import type { Domain } from '../../domain/index.js';
import type { OperatorContext } from './auth.js';

/** A dashboard API handler: runs as the signed-in operator (authenticated, CSRF-checked, audited as them). */
export type DashboardHandler = (request: FastifyRequest, reply: FastifyReply, context: OperatorContext) => Promise<unknown>;

/** Registers an operator-only route under `/dashboard/api`. */
export type DashboardRoute = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, handler: DashboardHandler) => void;

/** What a dashboard feature's route file gets from `registerDashboard`. */
export interface DashboardFeature {
  route: DashboardRoute;
  domain: Domain;
  /** Writes an audit event as the current operator. */
  record: (event: AuditRecord) => Promise<void>;
}
