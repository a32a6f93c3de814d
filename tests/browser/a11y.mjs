// Accessibility and weight of every page: the public pages logged out, then for each demo role
// every page reachable from its home page (the crawler of lib.mjs, GET only), at 1366×900;
// at phone width (390×844) axe also runs on the public pages and on each role's home page
// (with 菜单 closed and open) and /inbox. On each page:
//
//   - axe-core (pinned in package.json, read from node_modules, no CDN) runs with its default
//     rules and WCAG 2.2's target-size (24px); any violation of impact `serious` or `critical` fails the step, printed as rule id,
//     page and the target selectors;
//   - the HTML, CSS and JS transferred for it (the bytes on the wire, `encodedDataLength` of
//     CDP's Network.loadingFinished, headers included, with the cache off so that every page
//     pays for its own stylesheet and scripts, and `Accept-Encoding: gzip`) must stay under
//     100 KB, and the document must come gzipped.
//
//   JIANFU_URL  base URL of a server started with --demo   (default http://127.0.0.1:8080)
//   ARTIFACTS   where screenshots are written               (default artifacts/browser)
//
// Writes a11y-weights.txt (every page's bytes, heaviest first) and a11y-<role>-<page>.png for a
// page with a violation. axe is run by evaluating its source in the page (the product's CSP
// would block the inline <script> of page.addScriptTag, and bypassing the CSP would test
// another page than users get). Prints one line per step and finally `N passed, M failed`.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ARTIFACTS, BASE, PUBLIC_PAGES, ROLES, SIZES, Suite, crawl, goto, launch, logIn, publicPages, url } from './lib.mjs';

const suite = new Suite({ prefix: 'a11y-', header: `jianfu accessibility (axe-core) and page weight against ${BASE}` });

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core'), 'utf8');
const FAILING_IMPACTS = new Set(['serious', 'critical']);
const MAX_BYTES = 100 * 1024;
// What a page is made of; images, fonts and fetches are not counted.
const COUNTED = new Set(['Document', 'Stylesheet', 'Script']);

let browser;
let page;
const weights = [];

// A context at desktop width whose pages send `Accept-Encoding: gzip` only.
async function newContext() {
  return browser.newContext({
    locale: 'zh-CN',
    ...SIZES.desktop,
    extraHTTPHeaders: { 'Accept-Encoding': 'gzip' },
  });
}

// Counts the bytes of the documents, stylesheets and scripts pages load, from CDP. `take()`
// returns those of the last document loaded (its navigation's loader) and forgets the rest.
async function meter(p) {
  const cdp = await p.context().newCDPSession(p);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const responses = new Map();
  let loaded = [];
  cdp.on('Network.responseReceived', (e) => {
    const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    responses.set(e.requestId, { type: e.type, loader: e.loaderId, url: e.response.url, encoding: h['content-encoding'] || '' });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = responses.get(e.requestId);
    if (r && COUNTED.has(r.type)) loaded.push({ ...r, bytes: e.encodedDataLength });
  });
  return {
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

// Both checks on the page just loaded; adds to `problems`.
async function check(p, m, who, where, problems) {
  const found = await axeFindings(p, where);
  if (found.length) {
    problems.push(...found);
    await suite.shot(p, `${who}-${where.replace(/[^a-z0-9]+/gi, '_')}.png`);
  }
  // Whatever the page still loads after `load` (deferred scripts) has finished by now.
  await p.waitForLoadState('networkidle');
  const parts = m.take();
  const bytes = parts.reduce((s, r) => s + r.bytes, 0);
  weights.push({ who, where, bytes, parts });
  if (bytes > MAX_BYTES) {
    problems.push(`${where} weighs ${(bytes / 1024).toFixed(1)} KB: ${parts.map((r) => `${r.url} ${r.bytes}`).join(', ')}`);
  }
  const doc = parts.find((r) => r.type === 'Document');
  if (!doc) problems.push(`${where}: no document was counted`);
  else if (doc.encoding !== 'gzip') problems.push(`${where}: the page came with Content-Encoding "${doc.encoding}", not gzip`);
}

function report(problems, what) {
  assert.equal(problems.length, 0, `${problems.length} problem(s) ${what}:\n${problems.join('\n')}`);
}

const steps = [
  ['logged out: the public pages have no serious or critical axe violation and weigh < 100 KB', async () => {
    browser = await launch();
    const ctx = await newContext();
    page = await suite.newPage(ctx);
    const m = await meter(page);
    const problems = [];
    for (const where of await publicPages(page)) {
      const resp = await page.goto(url(where));
      if (!(resp?.headers()['content-type'] || '').startsWith('text/html')) continue;
      await check(page, m, 'public', where, problems);
    }
    await ctx.close();
    report(problems, 'on the public pages');
  }],
  ...ROLES.map((who) => [
    `${who}: every page reachable has no serious or critical axe violation and weighs < 100 KB`,
    async () => {
      const ctx = await newContext();
      page = await suite.newPage(ctx);
      await logIn(page, who);
      const m = await meter(page);
      const problems = [];
      const { visited, bad } = await crawl(page, (where) => check(page, m, who, where, problems));
      await ctx.close();
      console.log(`     ${who}: ${visited} pages`);
      assert.ok(visited >= 5, `${who}: only ${visited} pages reachable`);
      assert.deepEqual(bad, [], `${who}: pages that did not answer 200: ${bad.join('; ')}`);
      report(problems, `for ${who}`);
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
    report(problems, 'at phone width');
  }],
  ['the heaviest page stays under 100 KB (a11y-weights.txt lists them all)', async () => {
    weights.sort((a, b) => b.bytes - a.bytes);
    const lines = weights.map((w) => `${(w.bytes / 1024).toFixed(1).padStart(6)} KB  ${w.who}  ${w.where}`);
    writeFileSync(path.join(ARTIFACTS, 'a11y-weights.txt'), lines.join('\n') + '\n');
    assert.ok(weights.length > 0, 'no page was weighed');
    console.log(`     heaviest: ${lines[0].trim()}`);
    assert.ok(weights[0].bytes < MAX_BYTES, lines[0]);
  }],
];

await suite.run(steps, () => ({ page, browser }));
