import { beforeAll, describe, expect, it } from '@jest/globals';
import { renderHtml } from '../../../../cli/report/render-html.js';
import { emptyReport, fullReport, HOSTILE_IDENTITY, invalidOnlyReport } from '../../../support/report-fixtures.js';
import { htmlSections, htmlText } from './report-text.js';

describe('renderHtml', () => {
  let full: string;
  let empty: string;
  let invalidOnly: string;

  beforeAll(async () => {
    [full, empty, invalidOnly] = await Promise.all([
      renderHtml(fullReport()),
      renderHtml(emptyReport()),
      renderHtml(invalidOnlyReport()),
    ]);
  });

  it('is one HTML5 page with its style inline, no script and no URL of any kind', () => {
    for (const html of [full, empty, invalidOnly]) {
      expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
      expect(html.match(/<style>/g)).toHaveLength(1);
      expect(html).not.toMatch(/<(script|link|img|iframe|object|embed|image|use)\b/i);
      expect(html).not.toMatch(/<[^>]*\b(src|href|xlink:href|srcset)\s*=/i);
      expect(html).not.toMatch(/url\(|https?:|@import/i);
    }
  });

  it('prints texts from records as text, never as markup', () => {
    expect(full).not.toContain('<script>alert');
    expect(full).not.toContain('<img src=x');
    expect(full).toContain('&lt;/td&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; gone');
    expect(htmlText(full)).toContain('<img src=x onerror="alert(1)">mallory\\u{202e}');
    expect(full).not.toContain(HOSTILE_IDENTITY);
  });

  it('draws every chart of a full report as an inline SVG with role img and a label', () => {
    const svgs = [...full.matchAll(/<svg\b[^>]*>/g)].map((match) => match[0]);
    expect(svgs).toHaveLength(6);
    for (const svg of svgs) expect(svg).toMatch(/ role="img" aria-label="[^"]{10,}"/);
  });

  it('says that nothing happened in an empty period, and why that can be, with a sentence for each chart', () => {
    const text = htmlText(empty);
    expect(text).toContain('Nothing happened in this period');
    expect(text).toContain('cvpn-guard did not run');
    expect(text).toContain('the scope names no account, Region or policy row');
    for (const sentence of [
      'No runs in this period.',
      'No session was ended and no attempt refused in this period.',
      'No session was ended in this period.',
      'No run listed any connection in this period.',
      'No termination in this period carries the time its condition became true.',
      'No connection-hours were ended early in this period.',
      'No policy row has a record in this period.',
    ]) {
      expect(text).toContain(sentence);
    }
    expect(empty).not.toContain('<svg');
  });

  it('shows the findings of a period with only invalid rows, and that nothing was ended', () => {
    const sections = htmlSections(invalidOnly);
    expect(sections.get('headline')).toContain('No policy row ended, refused or would have ended any session');
    expect(sections.get('headline')).not.toContain('Nothing happened in this period');
    expect(sections.get('policy-0')).toContain('idleMinutes: must be a whole number of minutes from 1 to 10080');
    expect(sections.get('policy-0')).toContain('2 h 55 min');
    expect(invalidOnly.match(/<svg\b/g)).toHaveLength(1);
  });

  it('says a time to enforce was not measured when the terminations do not carry it, never a guess', () => {
    const lockdown = htmlSections(full).get('policy-1')!;
    expect(lockdown).toContain('Policy row lockdown-incident');
    expect(lockdown).toContain('Not measured: the terminations of this row were recorded without the time');
    expect(lockdown).toContain('deleted (no longer in the policies table)');
  });

  it('totals the headline from the rows and labels the cost an estimate with its method', () => {
    const sections = htmlSections(full);
    expect(sections.get('headline')).toContain('Sessions ended 188');
    expect(sections.get('headline')).toContain('Connection attempts refused 75');
    expect(sections.get('headline')).toContain('Exceptions 11');
    expect(sections.get('cost')).toContain('Cost Estimate');
    expect(sections.get('cost')).toContain(fullReport().cost.method);
  });

  it('prints on light paper with a page per section', () => {
    expect(full).toMatch(/@media print \{[^@]*section\.major \+ section\.major \{ break-before: page; \}/);
    expect(full).toContain('background: #fff');
  });
});
