// Every page at phone width: for the public and for each demo role, walks the pages reachable
// from the home page (the navigation, then the links on those pages: lists, their first
// details, forms), at 360×740 like a small Android phone, and asserts that none scrolls
// sideways (`document.documentElement.scrollWidth <= innerWidth`) and that every page answers
// 200. Screenshots of each role's home page at 360, 390 and 1366 px go to ARTIFACTS (phone-*).
//
//   JIANFU_URL  base URL of a server started with --demo   (default http://127.0.0.1:8080)
//   ARTIFACTS   where screenshots are written               (default artifacts/browser)
//
// Prints one line per step and finally `N passed, M failed`; exit code 0 only when all passed.

import assert from 'node:assert/strict';
import { BASE, ROLES, SIZES, Suite, crawl, launch, logIn, publicPages, url } from './lib.mjs';

const suite = new Suite({ prefix: 'phone-', header: `jianfu pages at 360px against ${BASE}` });

const WIDTH = 360;

let browser;
let page;

// Every page the session of `p` reaches must answer 200 and fit the width.
async function walk(p, who) {
  const wide = [];
  const { visited, bad } = await crawl(p, async (where, n) => {
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
      wide.push(`${where}: ${scroll}px (${JSON.stringify(culprit)})`);
      await suite.shot(p, `wide-${who}-${n}.png`);
    }
  });
  return { visited, wide, bad };
}

const steps = [
  ['the public pages fit 360px and answer 200', async () => {
    browser = await launch();
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: WIDTH, height: 740 }, isMobile: true });
    page = await suite.newPage(ctx);
    const wide = [];
    const bad = [];
    for (const where of await publicPages(page)) {
      const resp = await page.goto(url(where));
      if (!(resp?.headers()['content-type'] || '').startsWith('text/html')) continue;
      if (resp.status() !== 200) bad.push(`${where} → ${resp.status()}`);
      const w = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      if (w[0] > w[1]) wide.push(`${where}: ${w[0]}px`);
    }
    await ctx.close();
    assert.deepEqual(bad, [], `public pages that did not answer 200: ${bad.join('; ')}`);
    assert.deepEqual(wide, [], `public pages wider than ${WIDTH}px: ${wide.join('; ')}`);
  }],
  ['on a phone the header keeps 首页 and 待办 and folds the rest behind 菜单', async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: WIDTH, height: 740 }, isMobile: true });
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
    `${who}: every page reachable from the home page fits 360px (and the home page at 1366 and 390px is shot)`,
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
      const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: WIDTH, height: 740 }, isMobile: true });
      page = await suite.newPage(ctx);
      await logIn(page, who);
      await suite.shot(page, `home-${who}-360.png`);
      const { visited, wide, bad } = await walk(page, who);
      await ctx.close();
      console.log(`     ${who}: ${visited} pages`);
      assert.ok(visited >= 5, `${who}: only ${visited} pages reachable`);
      assert.deepEqual(bad, [], `${who}: pages that did not answer 200: ${bad.join('; ')}`);
      assert.deepEqual(wide, [], `${who}: pages wider than ${WIDTH}px: ${wide.join('\n')}`);
    },
  ]),
];

await suite.run(steps, () => ({ page, browser }));
