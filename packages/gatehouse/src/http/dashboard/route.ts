import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../../domain/caller.js';
import type { AuditRecord } from '../../domain/dashboard/audit.js';
import type { Domain } from '../../domain/index.js';
import type { OperatorContext } from './auth.js';

/** The signed-in operator, and the caller the domain is told about (the operator, with this request's IP and user agent). */
export interface DashboardContext extends OperatorContext {
  caller: Caller;
}

/** A dashboard API handler: runs as the signed-in operator (authenticated, CSRF-checked, audited as them). */
export type DashboardHandler = (request: FastifyRequest, reply: FastifyReply, context: DashboardContext) => Promise<unknown>;

/** Registers an operator-only route under `/dashboard/api`. */
export type DashboardRoute = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, handler: DashboardHandler) => void;

/** What a dashboard feature's route file gets from `registerDashboard`. */
export interface DashboardFeature {
  route: DashboardRoute;
  domain: Domain;
  /** Writes an audit event as the request's operator. */
  record: (context: DashboardContext, event: Omit<AuditRecord, 'actor'>) => Promise<void>;
}
