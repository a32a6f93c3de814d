// Browser smoke test for a running jianfu server.
//
//   JIANFU_URL  base URL of the server        (default http://127.0.0.1:8080)
//   ARTIFACTS   where screenshots are written (default artifacts/browser)
//   CHROMIUM    browser binary                (default /usr/bin/chromium)
//
// The server must run with demo data (`jianfu serve --demo`): users `sysadmin`
// and `auditor`, password `Jianfu@2026`, the 鞍山市 administrative tree.
//
// The test tells one story, step by step, and stops at the first failure.
// It prints one line per step and finally exactly one line
// `N passed, M failed`; the exit code is 0 only when nothing failed.

import assert from 'node:assert/strict';
import { ARTIFACTS, BASE, PASSWORD, Suite, goto, launch, logIn, pathOf, url } from './lib.mjs';

const suite = new Suite({ header: `jianfu browser smoke test against ${BASE} (screenshots in ${ARTIFACTS})` });

// Fill the login form and submit it by clicking its submit button.
// Resolves with the response of the POST (usually a 303, or the re-rendered
// form on failure) once the resulting page has loaded.
async function submitLogin(page, username, password) {
  const form = page.locator('form:has(input[name="password"])').first();
  await form.locator('input[name="username"]').fill(username);
  await form.locator('input[name="password"]').fill(password);
  const posted = page.waitForResponse(
    (r) => r.request().method() === 'POST' && pathOf(r.url()) === '/login',
  );
  await form.locator('button[type="submit"], input[type="submit"], button:not([type])').first().click();
  const resp = await posted;
  await page.waitForLoadState('load');
  return resp;
}

// Wait for the main-frame GET navigation that ends on `p` and return its response.
function navigationTo(page, p) {
  return page.waitForResponse(
    (r) =>
      r.request().isNavigationRequest() &&
      r.request().method() === 'GET' &&
      r.frame() === page.mainFrame() &&
      pathOf(r.url()) === p &&
      r.status() < 300,
  );
}

async function bodyText(page) {
  return page.locator('body').innerText();
}

// ---------------------------------------------------------------------------

let browser;
let context;
let page;

const steps = [
  ['GET /login: zh-CN page with labelled username and password inputs', async () => {
    browser = await launch();
    context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
    page = await suite.newPage(context);

    const resp = await page.goto(url('/login'));
    assert.ok(resp, 'no response for /login');
    assert.equal(resp.status(), 200, `GET /login answered ${resp.status()}`);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN', '<html lang> must be "zh-CN"');

    for (const name of ['username', 'password']) {
      const input = page.locator(`input[name="${name}"]`);
      assert.equal(await input.count(), 1, `expected exactly one input[name=${name}]`);
      // `labels` covers both <label for=id> and a <label> wrapping the input.
      const labels = await input.evaluate((el) => [...el.labels].map((l) => l.textContent.trim()));
      assert.ok(labels.length > 0, `input[name=${name}] has no associated <label>`);
      assert.ok(labels.some((t) => t.length > 0), `the <label> of input[name=${name}] is empty`);
    }
    // The demo data logs in without a second factor, and the login page says so.
    const note = page.locator('#demo-second-factor-off');
    assert.equal(await note.count(), 1, 'the demo login page has no note that the second factor is off');
    assert.ok((await note.innerText()).includes('动态口令'), 'the note names the second factor (动态口令)');
    await suite.shot(page, 'login.png');
  }],

  ['wrong password for sysadmin: stays on /login with .flash.error', async () => {
    await submitLogin(page, 'sysadmin', 'wrong-password-123');
    assert.equal(pathOf(page.url()), '/login', `after a failed login the browser is at ${page.url()}`);
    const flash = page.locator('.flash.error');
    await flash.first().waitFor({ state: 'visible' });
    const text = await flash.first().innerText();
    assert.ok(text.includes('用户名或密码错误'), `.flash.error says "${text.trim()}", expected 用户名或密码错误`);
    await suite.shot(page, 'login-error.png');
  }],

  ['sysadmin logs in: home page with h1, 鞍山市 and a CSP header', async () => {
    const landed = navigationTo(page, '/');
    landed.catch(() => {}); // checked below; avoid an unhandled rejection if the login fails
    await submitLogin(page, 'sysadmin', PASSWORD);
    assert.equal(pathOf(page.url()), '/', `after login the browser is at ${page.url()}, expected /`);
    const resp = await landed;
    assert.ok(await page.locator('h1').first().isVisible(), 'the home page has no visible <h1>');
    assert.ok((await bodyText(page)).includes('鞍山市'), 'the home page does not mention 鞍山市');
    const headers = await resp.allHeaders();
    assert.ok(headers['content-security-policy'], 'GET / has no Content-Security-Policy header');
    await suite.shot(page, 'home-sysadmin.png');
  }],

  ['GET /tree: .tree contains 铁东区', async () => {
    const resp = await page.goto(url('/tree'));
    assert.equal(resp?.status(), 200, `GET /tree answered ${resp?.status()}`);
    assert.ok((await page.locator('.tree').count()) > 0, 'no .tree element on /tree');
    const tree = page.locator('.tree').first();
    // textContent, not innerText: collapsed <details> still count.
    const text = await tree.textContent();
    assert.ok(text.includes('铁东区'), 'the .tree does not contain 铁东区');
    await suite.shot(page, 'tree.png');
  }],

  ['GET /policy: clause 4.2-4 has an element with that id', async () => {
    const resp = await page.goto(url('/policy'));
    assert.equal(resp?.status(), 200, `GET /policy answered ${resp?.status()}`);
    const found = await page.evaluate(() => document.getElementById('4.2-4') !== null);
    assert.ok(found, 'document.getElementById("4.2-4") is null on /policy');
    await suite.shot(page, 'policy.png');
  }],

  ['logout: back at /login; / is then the public portal, and /inbox redirects to /login', async () => {
    const buttons = page.locator('form[action="/logout"] button');
    assert.ok((await buttons.count()) > 0, 'no form[action="/logout"] button on the page');
    await buttons.first().click();
    await page.waitForURL((u) => u.pathname === '/login');
    await page.waitForLoadState('load');
    const portal = await page.goto(url('/'));
    assert.equal(portal?.status(), 200, `GET / after logout answered ${portal?.status()}`);
    assert.equal(pathOf(page.url()), '/', `GET / after logout ended at ${page.url()}`);
    const h1 = (await page.locator('h1').first().innerText()).trim();
    assert.equal(h1, '基层减负 · 公共服务', 'the public front page has the wrong <h1>');
    for (const href of ['/guides', '/verify', '/lookup', '/policy']) {
      assert.ok((await page.locator(`a.card.service[href="${href}"]`).count()) === 1, `the portal has no card linking ${href}`);
    }
    await suite.shot(page, 'portal.png');
    const resp = await page.goto(url('/inbox'));
    assert.equal(pathOf(page.url()), '/login', `GET /inbox after logout ended at ${page.url()}`);
    assert.ok(resp?.request().redirectedFrom(), 'GET /inbox after logout was not a redirect');
    await suite.shot(page, 'logged-out.png');
  }],

  ['auditor logs in and is returned to /inbox, the page asked for; /audit lists a 登录 event', async () => {
    await submitLogin(page, 'auditor', PASSWORD);
    assert.equal(pathOf(page.url()), '/inbox', `after auditor login the browser is at ${page.url()}, not the /inbox it asked for`);
    const resp = await page.goto(url('/audit'));
    assert.equal(resp?.status(), 200, `GET /audit answered ${resp?.status()}`);
    assert.ok((await page.locator('table.data').count()) > 0, 'no table.data on /audit');
    const rows = page.locator('table.data tbody tr', { hasText: '登录' });
    const n = await rows.count();
    assert.ok(n >= 1, 'no row of table.data on /audit mentions 登录');
    await suite.shot(page, 'audit.png');
  }],

  ['phone width 375px: /login does not scroll sideways', async () => {
    // A fresh context: logged out, as a phone user would arrive.
    const phone = await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 740 }, isMobile: true });
    const p = await suite.newPage(phone);
    const resp = await p.goto(url('/login'));
    assert.equal(resp?.status(), 200, `GET /login answered ${resp?.status()}`);
    await suite.shot(p, 'login-phone.png');
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `document.documentElement.scrollWidth is ${width}px at 375px viewport`);
    await phone.close();
  }],

  ['phone width 375px: each list page fits and its 导出 Excel button downloads a workbook', async () => {
    const lists = [
      ['worker', ['/demands', '/certificates?status=issued', '/seal-uses', '/plaques', '/removal-tasks?status=all']],
      ['supervisor', ['/cases']],
      ['sysadmin', ['/admin/users']],
    ];
    for (const [who, paths] of lists) {
      const phone = await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 740 }, isMobile: true });
      const p = await suite.newPage(phone);
      await logIn(p, who);
      for (const where of paths) {
        await goto(p, where);
        const width = await p.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 375, `${who} ${where}: the page is ${width}px wide at a 375px viewport`);
        // Rows are cards: every cell of the first row, the last (status, action) included,
        // lies within the phone's width.
        const cells = p.locator('table.data tbody tr').first().locator('td');
        if (await cells.count()) {
          assert.equal(await p.locator('table.data.cards').count() > 0, true, `${who} ${where}: the list is no card list`);
          for (let i = 0; i < await cells.count(); i += 1) {
            const box = await cells.nth(i).boundingBox();
            assert.ok(box && box.x >= 0 && box.x + box.width <= 375,
              `${who} ${where}: cell ${i + 1} of the first row spans ${box?.x}..${box ? box.x + box.width : '?'} px`);
          }
        }
        const button = p.getByRole('link', { name: '导出 Excel' });
        assert.equal(await button.count(), 1, `${who} ${where}: no single 导出 Excel link`);
        assert.ok(await button.isVisible(), `${who} ${where}: the 导出 Excel link is not visible`);
        const href = await button.getAttribute('href');
        const query = where.split('?')[1];
        if (query) assert.ok(href.includes(query), `${who} ${where}: the export ${href} drops the filter`);
        // The same request the click makes, with the page's cookies.
        const file = await p.request.get(url(href));
        assert.equal(file.status(), 200, `${who} GET ${href} answered ${file.status()}`);
        assert.equal(
          file.headers()['content-type'],
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          `${who} ${href}`,
        );
        const body = await file.body();
        assert.equal(body.subarray(0, 2).toString(), 'PK', `${who} ${href}: not a zip/xlsx`);
      }
      await suite.shot(p, `list-phone-${who}.png`);
      await phone.close();
    }
  }],
];

// ---------------------------------------------------------------------------

await suite.run(steps, () => ({ page, browser }));
