import { describe, expect, it } from '@jest/globals';
import { renderCsv } from '../../../../cli/report/render-csv.js';
import type { EvidenceReport } from '../../../../lambda/domain/report/types.js';
import { fullReport, HOSTILE_IDENTITY } from '../../../support/report-fixtures.js';
import { parseCsv } from './report-text.js';

describe('renderCsv', () => {
  it('writes one figure a row, with its section, subject, metric, value and unit', () => {
    const rows = parseCsv(renderCsv(fullReport()));
    expect(rows).toContainEqual(['policy', 'idle-30', '', '', '', 'timeToEnforce.p95', '812', 'seconds', '']);
    expect(rows).toContainEqual([
      'connections-seen',
      'cvpn-endpoint-0aa11bb22cc33dd44',
      '2026-11-02T00:00:00.000Z',
      '',
      '',
      'connections',
      '455',
      'count',
      '',
    ]);
    expect(rows).toContainEqual(['cost', '', '', '', '', 'estimatedUsd', '132.4525', 'usd', '']);
    expect(rows).toContainEqual(['identities', HOSTILE_IDENTITY, '', '', '', 'refused', '23', 'count', '']);
  });

  it('ends lines with CRLF and quotes fields that need it', () => {
    const csv = renderCsv(fullReport());
    expect(csv.split('\r\n')[0]).toBe('section,subject,bucket,from,to,metric,value,unit,text');
    expect(csv).toContain('"<img src=x onerror=""alert(1)"">mallory\u202e"');
  });

  it('defuses an identity a spreadsheet would run as a formula', () => {
    const report = fullReport();
    const formula: EvidenceReport = {
      ...report,
      sessions: { ...report.sessions, topIdentities: [{ identity: '=HYPERLINK("x")', ended: 1, refused: 0 }] },
    };
    expect(parseCsv(renderCsv(formula))).toContainEqual([
      'identities',
      `'=HYPERLINK("x")`,
      '',
      '',
      '',
      'ended',
      '1',
      'count',
      '',
    ]);
  });
});
