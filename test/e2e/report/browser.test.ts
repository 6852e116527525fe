import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { renderHtml } from '../../../cli/report/render-html.js';
import type { EvidenceReport } from '../../../lambda/domain/report/types.js';
import { fullReport } from '../../support/report-fixtures.js';
import { decodePng, distinctColours, type Png } from './png.js';

/**
 * The HTML report in a real browser (Debian's Chromium, headless): it asks for nothing over the network, logs no
 * error, draws every data point of every chart, is not blank, and looks the same with JavaScript off.
 */

const CHROMIUM = '/usr/bin/chromium';

/** The data points each chart must draw, counted from the report itself. */
function expectedPoints(report: EvidenceReport): Record<string, number> {
  const nonZero = (values: readonly number[]) => values.filter((value) => value > 0).length;
  return {
    'runs-over-time': nonZero(
      report.health.runsOverTime.flatMap((point) => [
        point.scheduled,
        point.manual,
        point.eventDriven,
        point.continuations,
      ]),
    ),
    'ended-and-refused': nonZero(
      report.sessions.endedAndRefusedOverTime.flatMap((point) => [point.ended, point.refused]),
    ),
    'terminations-over-time': nonZero(report.sessions.terminationsOverTime.map((point) => point.ended)),
    'connections-seen': report.sessions.connectionsSeen.length,
    'time-to-enforce': 3 * report.policies.filter((policy) => policy.timeToEnforce.count > 0).length,
    'connection-hours': nonZero(report.cost.connectionHours.map((entry) => entry.connectionHours)),
  };
}

/** What one load of the page showed. */
interface Load {
  readonly page: Page;
  readonly otherRequests: string[];
  readonly errors: string[];
  readonly screenshot: Png;
}

async function load(browser: Browser, url: string, javaScript: boolean): Promise<Load> {
  const page = await browser.newPage();
  const otherRequests: string[] = [];
  const errors: string[] = [];
  await page.setJavaScriptEnabled(javaScript);
  await page.setViewport({ width: 1280, height: 800 });
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (request.url() === url) return void request.continue();
    otherRequests.push(request.url());
    void request.abort();
  });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('requestfailed', (request) => {
    if (request.url() === url) errors.push(`the page itself failed to load: ${request.failure()?.errorText}`);
  });
  await page.goto(url, { waitUntil: 'load' });
  const screenshot = decodePng(await page.screenshot({ type: 'png' }));
  return { page, otherRequests, errors, screenshot };
}

describe('the HTML evidence report in Chromium', () => {
  const report = fullReport();
  const folder = mkdtempSync(join(tmpdir(), 'cvpn-guard-report-'));
  const file = join(folder, 'report.html');
  const url = pathToFileURL(file).href;
  let browser: Browser | undefined;
  let withScripts: Load;
  let withoutScripts: Load;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `The report's browser test needs Debian's Chromium at ${CHROMIUM}: install it with ` +
          '`apt-get install chromium` (CI does so in .ci/run). This test never skips.',
      );
    }
    writeFileSync(file, await renderHtml(report));
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'],
    });
    withScripts = await load(browser, url, true);
    withoutScripts = await load(browser, url, false);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('requests nothing but the page itself, and logs no error', () => {
    expect(withScripts.otherRequests).toEqual([]);
    expect(withScripts.errors).toEqual([]);
    expect(withoutScripts.otherRequests).toEqual([]);
    expect(withoutScripts.errors).toEqual([]);
  });

  it('holds no script and no element that loads anything', async () => {
    const loaders = await withScripts.page.$$eval('script, img, iframe, link, object, embed, image, use', (found) =>
      found.map((element) => element.outerHTML.slice(0, 80)),
    );
    expect(loaders).toEqual([]);
  });

  it('draws every data point of every chart, each labelled with its datum', async () => {
    const drawn = await withScripts.page.$$eval('figure.chart', (figures) =>
      figures.map((figure) => {
        const svg = figure.querySelector('svg');
        const marks = [...figure.querySelectorAll('[role="graphics-symbol"]')].filter((mark) =>
          ['bar', 'point'].includes(mark.getAttribute('aria-roledescription') ?? ''),
        );
        return {
          id: figure.id.replace(/^chart-/, ''),
          role: svg?.getAttribute('role'),
          label: svg?.getAttribute('aria-label') ?? '',
          points: marks.length,
          labelled: marks.every((mark) => (mark.getAttribute('aria-label') ?? '').includes(':')),
          labels: marks.map((mark) => mark.getAttribute('aria-label') ?? ''),
        };
      }),
    );
    const expected = expectedPoints(report);
    expect(Object.fromEntries(drawn.map((chart) => [chart.id, chart.points]))).toEqual(expected);
    for (const chart of drawn) {
      expect({ id: chart.id, role: chart.role, labelled: chart.labelled }).toEqual({
        id: chart.id,
        role: 'img',
        labelled: true,
      });
      expect(chart.label.length).toBeGreaterThan(10);
    }
    const connections = drawn.find((chart) => chart.id === 'connections-seen')!.labels;
    for (const point of report.sessions.connectionsSeen) {
      expect(connections.some((label) => label.includes(`connections: ${point.connections};`))).toBe(true);
    }
  });

  it('is not blank at 1280×800', () => {
    const { width, height } = withScripts.screenshot;
    expect({ width, height }).toEqual({ width: 1280, height: 800 });
    expect(distinctColours(withScripts.screenshot)).toBeGreaterThan(50);
  });

  it('renders the same with JavaScript off', async () => {
    expect(Buffer.from(withoutScripts.screenshot.rgba).equals(Buffer.from(withScripts.screenshot.rgba))).toBe(true);
    const marks = (page: Page) => page.$$eval('[role="graphics-symbol"]', (found) => found.length);
    expect(await marks(withoutScripts.page)).toBe(await marks(withScripts.page));
  });
});
