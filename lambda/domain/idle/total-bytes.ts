import type { Connection } from '../types.js';

/**
 * Ingress plus egress bytes of a connection, or `undefined` when either counter is unreadable (not a
 * finite number ≥ 0: adapters report a counter EC2 left out as NaN). Unknown traffic is never read as
 * no traffic: idle memory counts it as activity.
 */
export function totalBytes(connection: Connection): number | undefined {
  const { ingressBytes, egressBytes } = connection;
  return isCounter(ingressBytes) && isCounter(egressBytes) ? ingressBytes + egressBytes : undefined;
}

function isCounter(value: number): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
