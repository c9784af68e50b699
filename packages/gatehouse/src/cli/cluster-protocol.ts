/**
 * The two IPC messages of a cluster start. A worker loads its code while the primary prepares the
 * database, says it is `waiting`, and opens the store only once the primary answers `prepared`.
 * Asking first, rather than listening for a broadcast, means no answer is sent before the worker
 * can hear it.
 */
export type ClusterMessage = { gatehouse: 'waiting' } | { gatehouse: 'prepared' };

export function isClusterMessage(message: unknown, kind: ClusterMessage['gatehouse']): boolean {
  return typeof message === 'object' && message !== null && (message as { gatehouse?: unknown }).gatehouse === kind;
}
