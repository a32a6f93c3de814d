// Browser test of supervision's pictures and its other ways in (issue 14): after a case is
// worked through to 已办结, the district's and the city's overview draw the cases in charts;
// a resident's anonymous report picks its unit from the list and brings evidence (a file that
// is not what it claims is refused); a monitoring point's monthly "yes" opens a case the
// district supervisor sees; the annual report draws its charts and stays short on a phone.
//
//   JIANFU_BIN  the jianfu binary         (default $CARGO_TARGET_DIR/debug/jianfu, else
//                                           target/debug/jianfu)
//   ARTIFACTS   where screenshots go      (default artifacts/browser)
//   CHROMIUM    browser binary            (default /usr/bin/chromium)
//
// Like escalation.mjs it starts `jianfu --data-dir DIR serve --demo` itself (fresh data
// directory, a free port) and restarts it later with `--clock-offset-days 35`: the demo's
// monitoring point has answered this month already, so the story answers the next one. The
// server's output is ARTIFACTS/supervision-server.log.
//
// A chart counts as drawn when its <canvas> is visible, at least 200 × 100 px, and has
// non-transparent pixels (Chart.js ran with the page's figures); each chart's table is checked
// against the figures the story produced.
//
// It prints one line per step, stops at the first failure, and finally prints exactly one line
// `N passed, M failed`; the exit code is 0 only when nothing failed. Its files in ARTIFACTS are
// prefixed `supervision-`.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ARTIFACTS,
  BASE,
  JIANFU_BIN,
  JianfuServer,
  Suite,
  expectStatus,
  freePort,
  goto,
  launch,
  logIn,
  openContext,
  pathOf,
  pngBytes,
  statusBadge,
  submit,
  text,
  useBase,
} from './lib.mjs';

const scratch = mkdtempSync(path.join(tmpdir(), 'jianfu-supervision-'));
const SERVER_LOG = path.join(ARTIFACTS, 'supervision-server.log');
writeFileSync(SERVER_LOG, '');
const server = new JianfuServer({
  bin: JIANFU_BIN,
  dataDir: path.join(scratch, 'data'),
  port: await freePort(),
  log: SERVER_LOG,
});
useBase(server.base);

const suite = new Suite({
  prefix: 'supervision-',
  header: `jianfu browser test of the dashboards, public reports and monitoring: ${JIANFU_BIN} serve --demo at ${BASE} (screenshots in ${ARTIFACTS})`,
});

const STAMP = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
const UNIT = '铁东区卫生健康局';
const EVIDENCE = path.join(scratch, '整改说明.png');
writeFileSync(EVIDENCE, pngBytes([30, 120, 200]));
const REPORT_EVIDENCE = path.join(scratch, '通知截图.png');
writeFileSync(REPORT_EVIDENCE, pngBytes([200, 200, 16]));
const FAKE_PNG = path.join(scratch, '伪装的图片.png');
writeFileSync(FAKE_PNG, 'this is a text file, not a picture\n');

let browser;
let context;
let page;
let caseUrl; // the case worked through to 已办结
let publicCase; // the anonymous report's case number
let monitoringCase; // the case the monthly "yes" opened

async function loginAs(username, size) {
  ({ context, page } = await openContext(suite, browser, context, size));
  await logIn(page, username);
}

async function anonymous(size) {
  ({ context, page } = await openContext(suite, browser, context, size));
}

async function act(name, action, status) {
  const resp = await submit(page, page.getByRole('button', { name, exact: true }), `${caseUrl}/${action}`);
  await expectStatus(page, resp, 303);
  assert.equal(await statusBadge(page), status, `#status after ${name}`);
}

// Every chart box of the page: shown, its canvas of a real size and drawn on.
async function chartsDrawn(expected) {
  await page.waitForFunction(() => typeof window.Chart !== 'undefined');
  const boxes = await page.locator('[data-chart]').evaluateAll((els) =>
    els.map((box) => {
      const c = box.querySelector('canvas');
      const r = c.getBoundingClientRect();
      let painted = 0;
      if (c.width > 0 && c.height > 0) {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4 * 7) if (d[i] !== 0) painted += 1;
      }
      return { name: box.dataset.chart, hidden: box.hidden, w: r.width, h: r.height, painted };
    }),
  );
  for (const name of expected) {
    const b = boxes.find((x) => x.name === name);
    assert.ok(b, `no chart ${name} on ${page.url()}`);
    assert.ok(!b.hidden && b.w >= 200 && b.h >= 100, `chart ${name} is not shown at a real size: ${JSON.stringify(b)}`);
    assert.ok(b.painted > 50, `chart ${name} has nothing drawn: ${JSON.stringify(b)}`);
  }
  return boxes;
}

// The count in the row `key` of the table `id` (rows carry data-key, the count is the last cell).
async function tableCount(id, key) {
  const row = page.locator(`#${id} tbody tr[data-key="${key}"] td.num`).last();
  return Number((await row.textContent()).trim());
}

async function noSidewaysScroll(what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `${what} scrolls sideways at 390 px (scrollWidth ${width})`);
}

const steps = [
  ['start jianfu serve --demo; the case loop: worker reports, district_supervisor verifies and issues a notice, district_dept answers with evidence, it is accepted and closed', async () => {
    await server.start();
    browser = await launch();
    await loginAs('worker');
    await goto(page, '/reports/new');
    await page.getByLabel('下派单位').fill(UNIT);
    await page.getByLabel('事项内容').fill(`要求社区每周报送入户走访照片台账，未见准入编号（浏览器测试 ${STAMP}）`);
    const resp = await submit(page, page.getByRole('button', { name: '拒收并举报' }), '/reports');
    await expectStatus(page, resp, 303);
    const id = Number((await text(page.locator('.flash.ok'))).match(/编号 (\d+)/)?.[1]);
    assert.ok(id, 'the filed page names no case number');
    caseUrl = `/cases/${id}`;

    await loginAs('district_supervisor', 'desktop');
    await goto(page, caseUrl);
    await page.getByLabel('核实意见').fill('已核实，情况属实（浏览器测试）');
    await act('核实属实', 'decide', '已核实');
    const options = await page.locator('#unit_id option').evaluateAll((os) =>
      os.map((o) => ({ value: o.value, label: o.textContent.trim() })),
    );
    const unit = options.find((o) => o.value && o.label.includes(UNIT));
    assert.ok(unit, `责任单位 offers no ${UNIT}`);
    await page.getByLabel('责任单位').selectOption(unit.value);
    await page.getByLabel('问题事实').fill(`${UNIT}未经准入要求社区每周报送入户走访照片台账（浏览器测试 ${STAMP}）`);
    await page.getByLabel('整改要求').fill('立即停止下派该事项，并书面答复整改情况。');
    await page.getByLabel('整改期限（工作日）').fill('5');
    await act('下发整改通知', 'notice', '整改中');

    await loginAs('district_dept');
    await goto(page, caseUrl);
    await page.getByLabel('整改情况').fill(`已停止下派并通知各社区（浏览器测试 ${STAMP}）`);
    await page.locator('#evidence').setInputFiles(EVIDENCE);
    await act('提交整改答复', 'answer', '已整改（待验收）');

    await loginAs('district_supervisor');
    await goto(page, caseUrl);
    await page.getByLabel('验收意见').fill('整改到位（浏览器测试）');
    await act('验收通过', 'accept', '已验收');
    await page.getByLabel('办结意见').fill('整改完成，予以办结（浏览器测试）');
    await act('办结', 'close', '已办结');
  }],

  ['a resident reports anonymously at 390 px: the unit is picked from the list; a text file named .png is refused, nothing filed; with a real photo the report is filed', async () => {
    await anonymous('phone');
    await goto(page, '/report-violation');
    const labels = await page.locator('#unit_id option').evaluateAll((os) => os.map((o) => o.textContent.trim()));
    assert.ok(labels.some((l) => l.startsWith(UNIT)), `the unit picker offers no ${UNIT}: ${labels.join(' | ')}`);
    assert.ok(labels.some((l) => l.startsWith('示例一街道')), 'the unit picker offers no street');
    assert.ok(!labels.some((l) => l.startsWith('示例和平社区')), 'the unit picker offers a community');
    const fill = async () => {
      await page.getByLabel('社区(村)全称').fill('示例和平社区');
      const value = await page.locator('#unit_id option', { hasText: UNIT }).first().getAttribute('value');
      await page.getByLabel('要求做事的部门或街道(乡镇)').selectOption(value);
      await page.getByLabel('要求做什么、何时、以什么方式').fill(`要求社区每月填报重复的入户台账，没有准入编号（浏览器测试 ${STAMP}）`);
    };
    await fill();
    await page.locator('#evidence').setInputFiles(FAKE_PNG);
    let resp = await submit(page, page.getByRole('button', { name: '提交举报' }), '/report-violation');
    await expectStatus(page, resp, 422);
    const said = await text(page.locator('#form-error'));
    assert.ok(said.includes('伪装的图片.png') && said.includes('不是图片'), `the refusal says: ${said}`);
    assert.equal(await page.locator('#follow-up-code').count(), 0, 'a code was given for a refused report');
    await suite.shot(page, '01-public-report-refused-phone.png');
    await noSidewaysScroll('the public report form');

    await fill();
    await page.locator('#evidence').setInputFiles(REPORT_EVIDENCE);
    resp = await submit(page, page.getByRole('button', { name: '提交举报' }), '/report-violation');
    await expectStatus(page, resp, 200);
    const code = await text(page.locator('#follow-up-code'));
    assert.match(code, /^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/, `the follow-up code is "${code}"`);
    publicCase = Number((await text(page.locator('#report-receipt'))).match(/编号 (\d+)/)?.[1]);
    assert.ok(publicCase, 'the receipt names no case number');
    await suite.shot(page, '02-public-report-filed-phone.png');
  }],

  ['district_supervisor opens the anonymous case: the unit picked, the evidence listed and downloadable, no reporter', async () => {
    await loginAs('district_supervisor', 'desktop');
    await goto(page, `/cases/${publicCase}`);
    const facts = await text(page.locator('dl.kv').first());
    assert.ok(facts.includes(UNIT), `the case does not name ${UNIT}: ${facts}`);
    assert.ok(facts.includes('匿名举报人（不公开）'), `the case does not hide its reporter: ${facts}`);
    const link = page.locator('#attachments a', { hasText: '通知截图.png' });
    assert.equal(await link.count(), 1, 'the report\'s evidence is not listed');
    const href = await link.getAttribute('href');
    const file = await page.request.get(BASE + href);
    assert.equal(file.status(), 200, `GET ${href} answered ${file.status()}`);
    assert.equal(file.headers()['content-type'], 'image/png');
    await suite.shot(page, '03-public-case-evidence.png');
  }],

  ['35 days later (restart with --clock-offset-days 35) the monitoring point\'s worker answers the month due with one "yes": a case opens', async () => {
    await context?.close();
    context = null;
    await server.stop();
    await server.start({ args: ['--clock-offset-days', '35'] });
    await loginAs('worker', 'phone');
    await goto(page, '/monitoring-points');
    const point = page.locator('table.data a', { hasText: '示例和平社区' }).first();
    await Promise.all([page.waitForURL((u) => /\/monitoring-points\/\d+$/.test(pathOf(u.toString()))), point.click()]);
    const pointUrl = pathOf(page.url());
    const due = (await page.locator('#due-month').count()) ? await text(page.locator('#due-month')) : '';
    assert.match(due, /^\d{4}-\d{2}$/, `the point shows no month due ("${due}")`);
    await page.locator('#month').fill(due);
    const sets = page.locator('#answer fieldset');
    const n = await sets.count();
    assert.ok(n >= 4, `the checklist has ${n} questions`);
    for (let i = 0; i < n; i += 1) {
      const set = sets.nth(i);
      if (i === 0) {
        await set.locator('input[type="radio"][value="yes"]').check();
        await set.locator('textarea').fill(`${UNIT}又要求出具已取消的证明（浏览器测试 ${STAMP}）`);
      } else {
        await set.locator('input[type="radio"][value="no"]').check();
      }
    }
    await suite.shot(page, '04-monitoring-answer-phone.png');
    await noSidewaysScroll('the monitoring checklist');
    const resp = await submit(page, page.getByRole('button', { name: '报送' }), `${pointUrl}/answers`);
    await expectStatus(page, resp, 303);
    const month = page.locator('#months article.month', { has: page.locator('h3', { hasText: due }) });
    assert.equal(await month.count(), 1, `the month ${due} is not listed as answered`);
    const links = await month.locator('a[href^="/cases/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.equal(links.length, 1, `the one "yes" opened ${links.length} cases`);
    monitoringCase = links[0];
    await suite.shot(page, '05-monitoring-answered-phone.png');
  }],

  ['district_supervisor finds the monitoring case in the case list and opens it: 待核实, the finding cites its clause', async () => {
    await loginAs('district_supervisor', 'desktop');
    await goto(page, '/cases');
    assert.equal(await page.locator(`table.data a[href="${monitoringCase}"]`).count(), 1, `the case list does not list ${monitoringCase}`);
    await goto(page, monitoringCase);
    assert.equal(await statusBadge(page), '待核实');
    assert.ok((await page.locator('dl.kv a.clause').count()) >= 1, 'the case cites no clause');
    await suite.shot(page, '06-monitoring-case.png');
  }],

  ['the district overview draws every chart at 1366 and 390 px; its case table counts the closed case and the two new ones', async () => {
    for (const size of ['desktop', 'phone']) {
      await loginAs('district_supervisor', size);
      await goto(page, '/overview');
      await chartsDrawn(['top_burden', 'burden_histogram', 'months', 'cases_by_status', 'cases_by_unit', 'rectification']);
      assert.ok((await tableCount('cases-by-status', 'closed')) >= 1, 'no 已办结 case on the overview');
      assert.ok((await tableCount('cases-by-status', 'open')) >= 2, 'fewer than two 待核实 cases on the overview');
      const units = await text(page.locator('#cases-by-unit'));
      assert.ok(units.includes(UNIT), `the cases by unit do not name ${UNIT}`);
      if (size === 'phone') await noSidewaysScroll('the overview');
      await page.locator('[data-chart="cases_by_status"]').scrollIntoViewIfNeeded();
      await suite.shot(page, `07-district-overview-${size}.png`);
    }
  }],

  ['the city overview (supervisor) draws its charts too and shows the district\'s cases', async () => {
    await loginAs('supervisor', 'desktop');
    await goto(page, '/overview');
    await chartsDrawn(['months', 'cases_by_status', 'rectification', 'certificates', 'plaques']);
    assert.ok((await tableCount('cases-by-status', 'closed')) >= 1, 'the city overview misses the closed case');
    await suite.shot(page, '08-city-overview-desktop.png');
  }],

  ['the annual report at 390 px: its charts are drawn, the tables fold away, the page stays short and never scrolls sideways', async () => {
    await loginAs('district_supervisor', 'phone');
    await goto(page, '/annual-report');
    await chartsDrawn(['months', 'burden_change', 'cases_by_status', 'cases_by_source', 'rectification']);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    assert.ok(height < 9000, `the annual report is ${height} px tall at 390 px`);
    await noSidewaysScroll('the annual report');
    const table = page.locator('details.table-view', { has: page.locator('#annual-cases') });
    assert.equal(await page.locator('#annual-cases').isVisible(), false, 'the table view is open before asked');
    await table.locator('summary').click();
    assert.ok(await page.locator('#annual-cases').isVisible(), 'the table view does not open');
    await suite.shot(page, '09-annual-report-phone.png');
    await loginAs('district_supervisor', 'desktop');
    await goto(page, '/annual-report');
    await chartsDrawn(['months', 'burden_change', 'certificates', 'cases_by_status', 'rectification']);
    await suite.shot(page, '10-annual-report-desktop.png');
  }],
];

process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
const closer = {
  close: async () => {
    await browser?.close().catch(() => {});
    await server.stop().catch(() => {});
  },
};
await suite.run(steps, () => ({ page, browser: closer }));
