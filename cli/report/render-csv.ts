// placeholder: the render helper replaces this file
import type { EvidenceReport } from '../../lambda/report/index.js';

/** The report's figures as CSV. */
export function renderCsv(report: EvidenceReport): string {
  return `policyId,ended\n${report.policies.map((policy) => `${policy.policyId},${policy.ended}`).join('\n')}\n`;
}
