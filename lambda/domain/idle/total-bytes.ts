import type { Connection } from '../types.js';

/** Ingress plus egress bytes of a connection; a counter that is not a finite number ≥ 0 counts as 0. */
export function totalBytes(connection: Connection): number {
  return counter(connection.ingressBytes) + counter(connection.egressBytes);
}

function counter(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}
