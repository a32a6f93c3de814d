// Every page of every role, visited once: at phone width, for accessibility (axe-core) and for
// weight. Replaces phone.mjs and a11y.mjs, which crawled the same pages twice; every check and
// every page of both is kept.
//
// The public pages logged out, then for each demo role every page reachable from its home page
// (the crawler of lib.mjs, GET only: the navigation, then the links on those pages: lists,
// their first details, forms). Each page is loaded ONCE, at 360×740 like a small Android
// phone, and on that load:
//
//   - it must answer 200 and must not scroll sideways at 360px
//     (`document.documentElement.scrollWidth <= innerWidth`; the widest element is named);
//   - the viewport is then widened to 1366×900 (the same document, laid out again; the
//     stylesheet has only width media queries) and axe-core (pinned in package.json, read from
//     node_modules, no CDN) runs with its default rules and WCAG 2.2's target-size (24px);
//     any violation of impact `serious` or `critical` fails, printed as rule id, page and the
//     target selectors;
//   - the HTML, CSS and JS transferred for it (the bytes on the wire, `encodedDataLength` of
//     CDP's Network.loadingFinished, headers included, with the cache off so that every page
//     pays for its own stylesheet and scripts, and `Accept-Encoding: gzip`) must stay under
//     100 KB, and the document must come gzipped.
//
// Besides: the phone header (首页 and 待办 in view, the rest behind 菜单), each role's home page
// shot at 1366, 390 and 360 px, and at phone width (390×844) axe on the public pages and on each
// role's home page (菜单 closed and open) and /inbox.
//
//   JIANFU_URL  base URL of a server started with --demo   (default http://127.0.0.1:8080)
//   ARTIFACTS   where screenshots are written               (default artifacts/browser)
//
// Writes pages-weights.txt (every page's bytes, heaviest first), pages-wide-<role>-<n>.png for a
// page wider than 360px and pages-a11y-<role>-<page>.png for a page with a violation. axe is run
// by evaluating its source in the page (the product's CSP would block the inline <script> of
// page.addScriptTag, and bypassing the CSP would test another page than users get). Prints one
// line per step and finally `N passed, M failed`; exit code 0 only when all passed.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ARTIFACTS, BASE, PUBLIC_PAGES, ROLES, SIZES, Suite, crawl, goto, launch, logIn, publicPages, url } from './lib.mjs';

const suite = new Suite({ prefix: 'pages-', header: `jianfu pages at 360px, accessibility (axe-core) and page weight against ${BASE}` });

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core'), 'utf8');
const FAILING_IMPACTS = new Set(['serious', 'critical']);
const MAX_BYTES = 100 * 1024;
// What a page is made of; images, fonts and fetches are not counted.
const COUNTED = new Set(['Document', 'Stylesheet', 'Script']);
const WIDTH = 360;
const PHONE = { viewport: { width: WIDTH, height: 740 }, isMobile: true };
const DESKTOP = SIZES.desktop.viewport;

let browser;
let page;
const weights = [];

// A context at 360px whose pages send `Accept-Encoding: gzip` only.
async function newContext() {
  return browser.newContext({ locale: 'zh-CN', ...PHONE, extraHTTPHeaders: { 'Accept-Encoding': 'gzip' } });
}

// Counts the bytes of the documents, stylesheets and scripts pages load, from CDP. `take()`
// returns those of the last document loaded (its navigation's loader) and forgets the rest.
async function meter(p) {
  const cdp = await p.context().newCDPSession(p);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const responses = new Map();
  const pending = new Set();
  let loaded = [];
  cdp.on('Network.requestWillBeSent', (e) => {
    if (COUNTED.has(e.type)) pending.add(e.requestId);
  });
  cdp.on('Network.loadingFailed', (e) => pending.delete(e.requestId));
  cdp.on('Network.responseReceived', (e) => {
    const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    responses.set(e.requestId, { type: e.type, loader: e.loaderId, url: e.response.url, encoding: h['content-encoding'] || '' });
  });
  cdp.on('Network.loadingFinished', (e) => {
    pending.delete(e.requestId);
    const r = responses.get(e.requestId);
    if (r && COUNTED.has(r.type)) loaded.push({ ...r, bytes: e.encodedDataLength });
  });
  return {
    // Until no document, stylesheet or script is still loading (at most 10 s). Cheaper than
    // Playwright's `networkidle` (500 ms of silence per page), and it waits for exactly what
    // is counted.
    async settle() {
      for (let waited = 0; pending.size > 0 && waited < 10_000; waited += 20) {
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    take() {
      const doc = loaded.findLast((r) => r.type === 'Document');
      const out = doc ? loaded.filter((r) => r.loader === doc.loader) : [];
      loaded = [];
      return out;
    },
  };
}

// axe on the page as it is; returns the failing violations as printable lines.
async function axeFindings(p, where) {
  if (!(await p.evaluate(() => typeof window.axe === 'object'))) await p.evaluate(AXE);
  const result = await p.evaluate(() => window.axe.run(document, {
    resultTypes: ['violations'],
    // WCAG 2.2's 24px targets (2.5.8), off by default in axe 4.
    rules: { 'target-size': { enabled: true } },
  }));
  return result.violations
    .filter((v) => FAILING_IMPACTS.has(v.impact))
    .map((v) => {
      const targets = v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ');
      const more = v.nodes.length > 5 ? ` (+${v.nodes.length - 5} more)` : '';
      return `[${v.impact}] ${v.id} on ${where}: ${targets}${more} — ${v.help}`;
    });
}

// The page just loaded (at 360px): its width, then axe at 1366px, then its weight. Adds to
// `found.wide` and `found.a11y`; leaves the viewport at 360px for the next page.
async function check(p, m, who, where, n, found) {
  const { scroll, inner } = await p.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  if (scroll > inner) {
    // Name the widest element, so that the failure says where to look.
    const culprit = await p.evaluate((w) => {
      let worst = null;
      for (const el of document.querySelectorAll('main *, header *')) {
        const r = el.getBoundingClientRect();
        if (r.right > w + 1 && (!worst || r.width < worst.width)) {
          worst = { tag: el.tagName.toLowerCase(), cls: el.className, text: (el.innerText || '').slice(0, 40), width: Math.round(r.right) };
        }
      }
      return worst;
    }, inner);
    found.wide.push(`${where}: ${scroll}px (${JSON.stringify(culprit)})`);
    await suite.shot(p, `wide-${who}-${n}.png`);
  }
  await p.setViewportSize(DESKTOP);
  try {
    const violations = await axeFindings(p, where);
    if (violations.length) {
      found.a11y.push(...violations);
      await suite.shot(p, `a11y-${who}-${where.replace(/[^a-z0-9]+/gi, '_')}.png`);
    }
  } finally {
    await p.setViewportSize(PHONE.viewport);
  }
  // Whatever the page still loads after `load` (deferred scripts) has finished by now.
  await m.settle();
  const parts = m.take();
  const bytes = parts.reduce((s, r) => s + r.bytes, 0);
  weights.push({ who, where, bytes, parts });
  if (bytes > MAX_BYTES) {
    found.a11y.push(`${where} weighs ${(bytes / 1024).toFixed(1)} KB: ${parts.map((r) => `${r.url} ${r.bytes}`).join(', ')}`);
  }
  const doc = parts.find((r) => r.type === 'Document');
  if (!doc) found.a11y.push(`${where}: no document was counted`);
  else if (doc.encoding !== 'gzip') found.a11y.push(`${where}: the page came with Content-Encoding "${doc.encoding}", not gzip`);
}

// One assertion per kind of problem, so that the failure says which check failed.
function report(who, { visited, bad, wide, a11y }) {
  assert.deepEqual(bad, [], `${who}: pages that did not answer 200: ${bad.join('; ')}`);
  assert.deepEqual(wide, [], `${who}: pages wider than ${WIDTH}px: ${wide.join('\n')}`);
  assert.equal(a11y.length, 0, `${a11y.length} accessibility or weight problem(s) for ${who}:\n${a11y.join('\n')}`);
  if (visited !== undefined) assert.ok(visited >= 5, `${who}: only ${visited} pages reachable`);
}

const steps = [
  ['logged out: the public pages answer 200, fit 360px, have no serious or critical axe violation and weigh < 100 KB', async () => {
    browser = await launch();
    const ctx = await newContext();
    page = await suite.newPage(ctx);
    const found = { bad: [], wide: [], a11y: [] };
    const pages = await publicPages(page);
    const m = await meter(page);
    let n = 0;
    for (const where of pages) {
      const resp = await page.goto(url(where));
      if (!(resp?.headers()['content-type'] || '').startsWith('text/html')) continue;
      n += 1;
      if (resp.status() !== 200) found.bad.push(`${where} → ${resp.status()}`);
      await check(page, m, 'public', where, n, found);
    }
    await ctx.close();
    console.log(`     public: ${n} pages`);
    report('the public pages', found);
  }],
  ['on a phone the header keeps 首页 and 待办 and folds the rest behind 菜单', async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', ...PHONE });
    page = await suite.newPage(ctx);
    await logIn(page, 'worker');
    const more = page.locator('.nav a[href="/certificates"]');
    const toggle = page.getByRole('button', { name: '菜单' });
    assert.ok(await page.locator('.nav a[href="/inbox"]').isVisible(), '待办 is not in view');
    assert.ok(!(await more.isVisible()), '证明办理 is in view before 菜单 is opened');
    const height = (await page.locator('header.topbar').boundingBox()).height;
    assert.ok(height <= 130, `the closed header is ${height}px tall`);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    assert.ok(await more.isVisible(), '证明办理 is not in view after 菜单 is opened');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await suite.shot(page, 'menu-open-worker-360.png');
    await toggle.click();
    assert.ok(!(await more.isVisible()), '菜单 does not close');
    await ctx.close();
  }],
  ...ROLES.map((who) => [
    `${who}: every page reachable answers 200, fits 360px, has no serious or critical axe violation and weighs < 100 KB (home page shot at 1366, 390, 360px)`,
    async () => {
      const desk = await browser.newContext({ locale: 'zh-CN', ...SIZES.desktop });
      page = await suite.newPage(desk);
      await logIn(page, who);
      await suite.shot(page, `home-${who}-1366.png`);
      assert.ok(!(await page.getByRole('button', { name: '菜单' }).isVisible()), `${who}: 菜单 shows on a 1366px screen`);
      assert.ok(await page.locator('.nav a[href="/policy"]').isVisible(), `${who}: the full navigation is not in view at 1366px`);
      await desk.close();
      const phone = await browser.newContext({ locale: 'zh-CN', ...SIZES.phone });
      page = await suite.newPage(phone);
      await logIn(page, who);
      await suite.shot(page, `home-${who}-390.png`);
      await phone.close();
      const ctx = await newContext();
      page = await suite.newPage(ctx);
      await logIn(page, who);
      await suite.shot(page, `home-${who}-360.png`);
      const m = await meter(page);
      const found = { wide: [], a11y: [] };
      const { visited, bad } = await crawl(page, (where, n) => check(page, m, who, where, n, found));
      await ctx.close();
      console.log(`     ${who}: ${visited} pages`);
      report(who, { visited, bad, ...found });
    },
  ]),
  ["at 390×844: the public pages, and each role's home page (菜单 closed and open) and /inbox, have no serious or critical axe violation", async () => {
    const problems = [];
    for (const who of ['public', ...ROLES]) {
      const ctx = await browser.newContext({ locale: 'zh-CN', ...SIZES.phone });
      page = await suite.newPage(ctx);
      if (who !== 'public') await logIn(page, who);
      for (const where of who === 'public' ? PUBLIC_PAGES : ['/', '/inbox']) {
        await goto(page, where);
        const found = await axeFindings(page, where);
        const menu = page.getByRole('button', { name: '菜单' });
        if (who !== 'public' && where === '/' && (await menu.isVisible())) {
          await menu.click();
          found.push(...(await axeFindings(page, `${where} (菜单 open)`)));
        }
        if (found.length) await suite.shot(page, `phone-${who}-${where.replace(/[^a-z0-9]+/gi, '_')}.png`);
        problems.push(...found.map((f) => `${who}, 390px: ${f}`));
      }
      await ctx.close();
    }
    assert.equal(problems.length, 0, `${problems.length} problem(s) at phone width:\n${problems.join('\n')}`);
  }],
  ['the heaviest page stays under 100 KB (pages-weights.txt lists them all)', async () => {
    weights.sort((a, b) => b.bytes - a.bytes);
    const lines = weights.map((w) => `${(w.bytes / 1024).toFixed(1).padStart(6)} KB  ${w.who}  ${w.where}`);
    writeFileSync(path.join(ARTIFACTS, 'pages-weights.txt'), lines.join('\n') + '\n');
    assert.ok(weights.length > 0, 'no page was weighed');
    console.log(`     heaviest: ${lines[0].trim()}`);
    assert.ok(weights[0].bytes < MAX_BYTES, lines[0]);
  }],
];

await suite.run(steps, () => ({ page, browser }));
