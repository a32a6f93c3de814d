// Browser test of the escalation of an overdue rectification (逾期上报, policy 5.3-3; issue 14)
// against a jianfu server of its own.
//
//   JIANFU_BIN  the jianfu binary         (default $CARGO_TARGET_DIR/debug/jianfu, else
//                                           target/debug/jianfu)
//   ARTIFACTS   where screenshots go      (default artifacts/browser)
//   CHROMIUM    browser binary            (default /usr/bin/chromium)
//
// Like plaques.mjs it does not use JIANFU_URL: the story needs the clock to pass a notice's
// deadline, so it starts `jianfu --data-dir DIR serve --demo` itself (fresh temporary data
// directory, a free port on 127.0.0.1) and later restarts it on the same data directory with
// `--clock-offset-days 10`. `serve` runs the escalation job once at start-up and then hourly;
// the restarted server's first run finds the notice overdue. The server's output is
// ARTIFACTS/escalation-server.log.
//
// The story: a community worker reports an unadmitted demand of 铁东区卫生健康局; the district
// supervisor verifies it and issues a 整改通知书 with a deadline of one working day; before the
// deadline the city's supervisor has nothing of it among the 待办. Ten days later (restarted
// clock) nobody has answered: the district's case list, filtered 逾期未整改, shows the case
// marked 逾期 and 已上报; the city's supervisor finds 逾期未整改（已上报） among the 待办 (at 390
// and 1366 px) and opens the case, whose 办理过程 ends with 逾期上报 citing 5.3-3; the system
// administrator sees the job's run at /admin/jobs with one case changed; the department can
// still answer the overdue notice.
//
// It prints one line per step, stops at the first failure, and finally prints exactly one line
// `N passed, M failed`; the exit code is 0 only when nothing failed. Its files in ARTIFACTS are
// prefixed `escalation-`.

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
  todoItem,
  useBase,
} from './lib.mjs';

// ---------------------------------------------------------------------------
// the server of this suite

const scratch = mkdtempSync(path.join(tmpdir(), 'jianfu-escalation-'));
const SERVER_LOG = path.join(ARTIFACTS, 'escalation-server.log');
writeFileSync(SERVER_LOG, '');
const server = new JianfuServer({
  bin: JIANFU_BIN,
  dataDir: path.join(scratch, 'data'),
  port: await freePort(),
  log: SERVER_LOG,
});
useBase(server.base);

const suite = new Suite({
  prefix: 'escalation-',
  header: `jianfu browser test of the escalation of an overdue rectification: ${JIANFU_BIN} serve --demo at ${BASE} (screenshots in ${ARTIFACTS})`,
});

// ---------------------------------------------------------------------------
// helpers

const CLOCK_OFFSET = 10;
const STAMP = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
const UNIT = '铁东区卫生健康局';
const DESCRIPTION = `要求社区每日上报疫苗接种入户台账，未见准入编号（浏览器测试 ${STAMP}）`;
const FACTS = `铁东区卫生健康局未经准入要求示例和平社区每日上报疫苗接种入户台账（浏览器测试 ${STAMP}）`;
const ACTION = '立即停止下派该事项，并书面答复整改情况。';
const EVIDENCE = path.join(scratch, '逾期后整改说明.png');
writeFileSync(EVIDENCE, pngBytes([200, 120, 16]));

let browser;
let context; // the context of the user currently acting
let page; // the page the current step works on; saved on failure
let caseUrl; // /cases/{id}
let dueOn; // the notice's due date as the case page shows it

async function loginAs(username, size) {
  ({ context, page } = await openContext(suite, browser, context, size));
  await logIn(page, username);
}

// The `what` of each step of the case's 办理过程, oldest first.
async function timeline() {
  return page.locator('#timeline li .what').evaluateAll((els) => els.map((e) => e.textContent.trim()));
}

// Click `name` (it asks for confirmation, which the suite accepts) and expect a 303 back to the
// case page with #status `status`.
async function act(name, action, status) {
  const resp = await submit(page, page.getByRole('button', { name, exact: true }), `${caseUrl}/${action}`);
  await expectStatus(page, resp, 303);
  assert.equal(pathOf(page.url()), caseUrl, `after ${name} the browser is at ${page.url()}`);
  assert.equal(await statusBadge(page), status, `#status after ${name}`);
}

// ---------------------------------------------------------------------------
// the story

const steps = [
  ['start jianfu serve --demo (fresh data directory); worker reports an unadmitted demand of 铁东区卫生健康局', async () => {
    await server.start();
    browser = await launch();
    await loginAs('worker');
    await goto(page, '/reports/new');
    await page.getByLabel('下派单位').fill(UNIT);
    await page.getByLabel('事项内容').fill(DESCRIPTION);
    const resp = await submit(page, page.getByRole('button', { name: '拒收并举报' }), '/reports');
    await expectStatus(page, resp, 303);
    const flash = await text(page.locator('.flash.ok'));
    const id = Number(flash.match(/编号 (\d+)/)?.[1]);
    assert.ok(id, `the filed page names no case number: ${flash}`);
    caseUrl = `/cases/${id}`;
  }],

  ['district_supervisor verifies it and issues a 整改通知书 with a deadline of 1 working day', async () => {
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
    await page.getByLabel('问题事实').fill(FACTS);
    await page.getByLabel('整改要求').fill(ACTION);
    await page.getByLabel('整改期限（工作日）').fill('1');
    await act('下发整改通知', 'notice', '整改中');
    dueOn = await text(page.locator('#due-on'));
    assert.match(dueOn, /^\d{4}-\d{2}-\d{2}$/, `#due-on is "${dueOn}"`);
    assert.equal(await page.locator('.badge', { hasText: '逾期' }).count(), 0, 'a notice due in the future is marked 逾期');
    await suite.shot(page, '01-notice-issued.png');
  }],

  ['before the deadline the city supervisor has no 逾期未整改 to-do for the case', async () => {
    await loginAs('supervisor');
    await goto(page, '/inbox');
    assert.equal(await page.locator(`ul.todo a[href="${caseUrl}"]`).count(), 0, 'the city supervisor already has the case among the 待办');
  }],

  [`restart on the same data directory with --clock-offset-days ${CLOCK_OFFSET}: the start-up run escalates; district_supervisor's 逾期未整改 list shows 逾期 and 已上报`, async () => {
    await context?.close();
    context = null;
    await server.stop();
    await server.start({ args: ['--clock-offset-days', String(CLOCK_OFFSET)] });
    await loginAs('district_supervisor', 'desktop');
    // The start-up run is in a task of its own; it has finished long before a login has, but
    // give it a few seconds on a slow machine.
    let row;
    for (let i = 0; i < 20; i += 1) {
      await goto(page, '/cases?status=overdue');
      row = page.locator('table.data tbody tr', { has: page.locator(`a[href="${caseUrl}"]`) });
      if ((await row.count()) === 1 && (await row.locator('.badge', { hasText: '已上报' }).count()) === 1) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(await row.count(), 1, 'the overdue filter does not list the case');
    const badges = await row.locator('.badge').evaluateAll((bs) => bs.map((b) => b.textContent.trim()));
    for (const b of ['整改中', '逾期', '已上报']) assert.ok(badges.includes(b), `the row's badges are [${badges.join(', ')}], no ${b}`);
    await suite.shot(page, '02-district-overdue-list.png');
  }],

  ['the city supervisor finds 逾期未整改（已上报） among the 待办 at 390 and 1366 px and opens the case', async () => {
    for (const size of ['phone', 'desktop']) {
      await loginAs('supervisor', size);
      const item = await todoItem(page, { has: page.locator(`a[href="${caseUrl}"]`) }, '逾期未整改（已上报）');
      const said = await text(item);
      assert.ok(said.includes(UNIT) && said.includes(dueOn), `the to-do does not name the unit and the deadline ${dueOn}: ${said}`);
      await suite.shot(page, `03-city-inbox-${size}.png`);
      if (size === 'phone') {
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 390, `the inbox scrolls sideways at 390 px (scrollWidth ${width})`);
      }
      await Promise.all([page.waitForURL((u) => pathOf(u.toString()) === caseUrl), item.locator('a').click()]);
      await page.waitForLoadState('load');
    }
    assert.equal(await statusBadge(page), '整改中', '#status of the escalated case');
  }],

  ['the 办理过程 ends with 逾期上报 to 鞍山市, by the system, citing 5.3-3', async () => {
    const whats = await timeline();
    assert.ok(whats.length >= 4 && whats.at(-1).includes('逾期上报'), `the 办理过程 is [${whats.join(', ')}]`);
    const last = await text(page.locator('#timeline li').last());
    assert.ok(last.includes('系统'), `the escalation step does not say the system did it: ${last}`);
    assert.ok(
      (await page.locator('#timeline li').last().locator('a.clause[href="/policy#5.3-3"]').count()) >= 1,
      'the escalation step cites no 5.3-3',
    );
    await suite.shot(page, '04-city-case-timeline.png');
  }],

  ['sysadmin: /admin/jobs lists the start-up run of 整改逾期上报 with one case changed', async () => {
    await loginAs('sysadmin');
    await goto(page, '/admin/jobs');
    const rows = page.locator('#job-runs tbody tr');
    assert.ok((await rows.count()) >= 2, 'fewer than two runs (one per start) are listed');
    const changed = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.children[5].textContent.trim())));
    assert.ok(changed.includes(1), `no run changed exactly one case: [${changed.join(', ')}]`);
    const results = await rows.locator('td:last-child').evaluateAll((tds) => tds.map((td) => td.textContent.trim()));
    assert.ok(results.every((r) => r.includes('完成')), `a run did not finish: [${results.join(', ')}]`);
    await suite.shot(page, '05-jobs.png');
  }],

  ['district_dept still answers the overdue notice: 已整改（待验收）, the escalation stays on record', async () => {
    await loginAs('district_dept');
    await goto(page, caseUrl);
    await page.getByLabel('整改情况').fill(`逾期后已停止下派（浏览器测试 ${STAMP}）`);
    await page.locator('#evidence').setInputFiles(EVIDENCE);
    await act('提交整改答复', 'answer', '已整改（待验收）');
    const whats = await timeline();
    assert.ok(whats.some((w) => w.includes('逾期上报')), 'the answer removed the escalation from the 办理过程');
    await suite.shot(page, '06-answered-late.png');
  }],
];

process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
// At the end, Suite.run closes "the browser": the browser, then the server (gracefully).
const closer = {
  close: async () => {
    await browser?.close().catch(() => {});
    await server.stop().catch(() => {});
  },
};
await suite.run(steps, () => ({ page, browser: closer }));
