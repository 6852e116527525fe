import { describe, expect, it } from '@jest/globals';
import { CHART_FONT, reportCharts } from '../../../../cli/report/charts.js';
import { emptyReport, fullReport } from '../../../support/report-fixtures.js';

const marks = (svg: string, kind: string) =>
  svg.match(new RegExp(`role="graphics-symbol" aria-roledescription="${kind}"`, 'g'))?.length ?? 0;

describe('reportCharts', () => {
  it('draws one mark per data point, each labelled with its datum', async () => {
    const charts = await reportCharts(fullReport());
    const drawn = Object.fromEntries(
      charts.map((chart) => [chart.id, marks(chart.svg!, 'bar') + marks(chart.svg!, 'point')]),
    );
    expect(drawn).toEqual({
      'runs-over-time': 10,
      'ended-and-refused': 6,
      'terminations-over-time': 7,
      'connections-seen': 6,
      'time-to-enforce': 9,
      'connection-hours': 2,
    });
    expect(Object.fromEntries(charts.map((chart) => [chart.id, chart.points]))).toEqual(drawn);
    const runs = charts.find((chart) => chart.id === 'runs-over-time')!.svg!;
    expect(runs).toContain('aria-label="day (UTC): 2026-11-02; runs: 276; trigger: scheduled"');
  });

  it('names only the system font stack and no namespace URL', async () => {
    for (const chart of await reportCharts(fullReport())) {
      const fonts = new Set([...chart.svg!.matchAll(/font-family="([^"]*)"/g)].map((match) => match[1]));
      expect([...fonts]).toEqual([CHART_FONT]);
      expect(chart.svg).not.toMatch(/https?:|xmlns/);
    }
  });

  it('gives a sentence instead of an empty chart', async () => {
    const charts = await reportCharts(emptyReport());
    expect(charts.map((chart) => chart.svg)).toEqual(charts.map(() => undefined));
    expect(charts.find((chart) => chart.id === 'runs-over-time')!.empty).toBe('No runs in this period.');
  });
});
