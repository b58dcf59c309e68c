/**
 * The html picture in a real browser: Debian's headless Chromium, driven by playwright-core.
 * Skipped loudly when Chromium is not installed (`apt-get install -y chromium`).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { compileCloud } from '../../lib/compile';
import { renderGraph } from '../../lib/graph/index';
import { recipeFromText } from '../../lib/recipe/index';
import { ROOT } from '../helpers/examples';
import { tmpDir, warnSkip } from '../helpers/tools';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const NAME = 'the central-office graph page renders in headless Chromium';

/** Pixels of a PNG that differ from white, and how many colours it has, decoded by the browser itself. */
async function pixelStats(page: Page, png: Buffer): Promise<{ width: number; height: number; inked: number; colours: number }> {
  await page.setContent('<!DOCTYPE html><html><body></body></html>');
  return page.evaluate(async (b64: string) => {
    // The page's DOM, typed loosely: the project compiles without the DOM library.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const g = globalThis as any;
    const img = new g.Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = g.document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const data: Uint8ClampedArray = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] < 245 || data[i + 1] < 245 || data[i + 2] < 245) inked++;
      colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    }
    return { width: canvas.width, height: canvas.height, inked, colours: colours.size };
  }, png.toString('base64'));
}

if (!fs.existsSync(CHROMIUM)) {
  warnSkip('chromium', NAME);
  describe.skip(NAME, () => test('needs chromium', () => undefined));
} else {
  describe(NAME, () => {
    let browser: Browser;
    let dir: string;
    let file: string;

    beforeAll(async () => {
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
      const recipe = path.join(ROOT, 'examples', 'central-office', 'recipe.yaml');
      const c = compileCloud(recipeFromText(fs.readFileSync(recipe, 'utf8'), recipe).cloud!);
      dir = tmpDir('xos-html-');
      file = path.join(dir, 'central-office.html');
      fs.writeFileSync(file, await renderGraph(c.built.model, c.index, 'html', 'slices'));
    });

    afterAll(async () => {
      await browser?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    test('shows a picture that is not blank, with no console errors and nothing fetched', async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`file://${file}`);
      await page.waitForSelector('body[data-ready="true"]');
      const shot = await page.screenshot({ fullPage: true });
      expect(problems).toEqual([]);
      expect(requests).toEqual([`file://${file}`]);
      expect(await page.locator('#picture svg .node').count()).toBe(12);
      const stats = await pixelStats(page, shot);
      expect(stats.width).toBe(1280);
      // A real drawing: many coloured pixels and many shades (text, boxes, edges), not a flat page.
      expect(stats.inked).toBeGreaterThan(20000);
      expect(stats.colours).toBeGreaterThan(50);
      await page.close();
    });

    test('lets the model be browsed: a click on a node shows its object and what refers to it', async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${file}`);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.locator('#list li').count()).toBe(5);
      await page.click('#picture svg .node[data-key="vBNG"]');
      expect(await page.locator('#detail h2').textContent()).toBe('Service vBNG');
      const referrers = await page.locator('#detail tr:last-child button.ref').allTextContents();
      expect(referrers).toEqual(expect.arrayContaining(['CDN/tenant-of-vBNG', 'vCPE/tenant-of-vBNG']));
      expect(new URL(page.url()).hash).toBe('#vBNG');
      expect(await page.locator('#picture svg .node.selected').getAttribute('data-key')).toBe('vBNG');
      await page.click('#detail button.ref:text-is("co1/vbng")');
      expect(await page.locator('#detail h2').textContent()).toBe('Slice vbng');
      await page.fill('#filter', 'cache-');
      const listed = await page.locator('#list li').allTextContents();
      expect(listed.filter((t) => t.startsWith('cache-'))).toEqual(['cache-1Sliver co1/cdn/cache-1', 'cache-2Sliver co1/cdn/cache-2']);
      expect(errors).toEqual([]);
      await page.close();
    });
  });
}
