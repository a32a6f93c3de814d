// Browser test of the supervision case loop (问题线索 → 核实 → 整改通知书 → 整改答复 → 退回 →
// 验收 → 办结, policy 4.2-5 and 5.3; issue 14) against a running jianfu server.
//
//   JIANFU_URL  base URL of the server        (default http://127.0.0.1:8080)
//   ARTIFACTS   where screenshots are written (default artifacts/browser)
//   CHROMIUM    browser binary                (default /usr/bin/chromium)
//
// The server must run with demo data (`jianfu serve --demo`, fresh data directory) and without
// --public-url, or with one that reaches it: the accounts worker (示例和平社区),
// district_supervisor (铁东区's supervisor) and district_dept (铁东区卫生健康局), password
// `Jianfu@2026`, and the supervisor's electronic seal. Needs `pdftoppm` (poppler-utils);
// decodes the notice's QR code with `zbarimg` (zbar-tools) if present.
//
// The story: a community worker reports an unadmitted demand of 铁东区卫生健康局; the district
// supervisor opens it from the inbox, verifies it and issues a rectification notice (整改通知书)
// to the department with a deadline in working days; the notice's PDF carries a QR code of its
// public verification link, which says authentic; the department finds the notice among its
// 待办 (at 1366 and 390 px) and answers with a PNG as evidence; the supervisor sends the answer
// back with a reason, the department answers again, the supervisor accepts and closes the case;
// the case's 办理过程 lists every step.
//
// A notice whose deadline passes and is escalated to the city's supervisor is told by
// escalation.mjs, which runs a server of its own so that it can restart it with the clock ahead.
//
// Like the other suites it prints one line per step, stops at the first failure, and finally
// prints exactly one line `N passed, M failed`; the exit code is 0 only when nothing failed. Its
// files in ARTIFACTS are prefixed `cases-`; the downloaded notice is ARTIFACTS/cases-notice.pdf
// and its first page ARTIFACTS/cases-notice-1.png. It can run more than once against the same
// server.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ARTIFACTS,
  pdfQr,
  pngBytes,
  which,
  BASE,
  Suite,
  expectStatus,
  goto,
  launch,
  logIn,
  openContext,
  pathOf,
  statusBadge,
  submit,
  text,
  todoItem,
} from './lib.mjs';

const suite = new Suite({
  prefix: 'cases-',
  header: `jianfu browser test of the supervision case loop against ${BASE} (screenshots in ${ARTIFACTS})`,
});

// ---------------------------------------------------------------------------
// helpers

// A suffix that makes texts unique across runs against the same server.
const STAMP = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
const SERIAL_RE = /^ZG-\d{4}-\d{6,8}$/;



const scratch = mkdtempSync(path.join(tmpdir(), 'jianfu-cases-'));
const EVIDENCE = path.join(scratch, '停止下派通知.png');
const EVIDENCE_2 = path.join(scratch, '收回台账书面通知.png');
writeFileSync(EVIDENCE, pngBytes([16, 160, 64]));
writeFileSync(EVIDENCE_2, pngBytes([16, 160, 64]));

let browser;
let context; // the context of the user currently acting
let page; // the page the current step works on; saved on failure

// A fresh browser context: cookies of one user only, or none (1280×900, or one of lib's SIZES).
async function freshContext(size) {
  ({ context, page } = await openContext(suite, browser, context, size));
  return page;
}

// Log in as `username` in a fresh context; ends on the home page.
async function loginAs(username, size) {
  await freshContext(size);
  await logIn(page, username);
}

// The to-do of the case (its link) among the 待办 of the home page and /inbox, marked `badge`;
// opens the case from /inbox.
async function openCaseFromInbox(badge, shot) {
  const item = await todoItem(page, { has: page.locator(`a[href="${caseUrl}"]`) }, badge);
  if (shot) await suite.shot(page, shot);
  await Promise.all([page.waitForURL((u) => pathOf(u.toString()) === caseUrl), item.locator('a').click()]);
  await page.waitForLoadState('load');
}

// The `what` of each step of the case's 办理过程, oldest first.
async function timeline() {
  return page.locator('#timeline li .what').evaluateAll((els) => els.map((e) => e.textContent.trim()));
}

// Click `name` (it asks for confirmation, which the suite accepts) and expect a 303 back to the
// case page with #status `status`.
async function act(name, action, status) {
  const asked = suite.confirmed.length;
  const resp = await submit(page, page.getByRole('button', { name, exact: true }), `${caseUrl}/${action}`);
  await expectStatus(page, resp, 303);
  assert.equal(suite.confirmed.length, asked + 1, `${name} did not ask for confirmation`);
  assert.equal(pathOf(page.url()), caseUrl, `after ${name} the browser is at ${page.url()}`);
  assert.equal(await statusBadge(page), status, `#status after ${name}`);
}

// The department, on the case page: 整改情况 and one evidence file, 提交整改答复 → 已整改（待验收）.
async function answer(body, file, shot) {
  assert.ok((await text(page.locator('main'))).includes('举报人不向被督办单位公开'), 'the department learns who reported');
  await page.getByLabel('整改情况').fill(body);
  await page.locator('#evidence').setInputFiles(file);
  await suite.shot(page, shot);
  await act('提交整改答复', 'answer', '已整改（待验收）');
  const answers = page.locator('#answers article.answer');
  assert.ok((await text(answers.last())).includes(body), 'the last answer does not show the text');
  assert.ok((await text(answers.last())).includes(path.basename(file)), 'the last answer does not list the evidence');
}

// ---------------------------------------------------------------------------
// what the story carries from step to step

const UNIT = '铁东区卫生健康局';
const DESCRIPTION = `要求社区每周上报辖区诊所巡查台账，未见准入编号（浏览器测试 ${STAMP}）`;
const FACTS = `铁东区卫生健康局未经准入要求示例和平社区每周上报诊所巡查台账（浏览器测试 ${STAMP}）`;
const ACTION = '立即停止下派该事项，收回已下发的台账表格，并书面答复整改情况。';
const DAYS = '7';
const ANSWER_1 = `已停止下派并通知各社区（浏览器测试 ${STAMP}）`;
const SEND_BACK = `佐证材料不足，请补充收回台账的书面通知（浏览器测试 ${STAMP}）`;
const ANSWER_2 = `已补充收回台账的书面通知（浏览器测试 ${STAMP}）`;
const ACCEPT = '整改到位，验收通过（浏览器测试）';
let caseId; // the case of the worker's report
let caseUrl; // /cases/{caseId}
let serial; // the notice's serial, ZG-YYYY-NNNNNN
let verifyLink; // the notice's verification link (absolute)

const steps = [
  ['worker reports an unadmitted demand of 铁东区卫生健康局 on /reports/new: 已拒收并举报, a case number', async () => {
    browser = await launch();
    await loginAs('worker');
    await goto(page, '/reports/new');
    const community = (await page.locator('#community_id option:checked').innerText()).trim();
    assert.equal(community, '示例和平社区', `本社区(村) is preselected as "${community}"`);
    await page.getByLabel('下派单位').fill(UNIT);
    await page.getByLabel('事项内容').fill(DESCRIPTION);
    await suite.shot(page, '01-report-form.png');
    const resp = await submit(page, page.getByRole('button', { name: '拒收并举报' }), '/reports');
    await expectStatus(page, resp, 303);
    assert.match(pathOf(page.url()), /^\/reports\/\d+\/filed$/, `after reporting the browser is at ${page.url()}`);
    assert.equal(await text(page.locator('h1').first()), '已拒收并举报', 'the filed page has the wrong <h1>');
    const flash = await text(page.locator('.flash.ok'));
    caseId = Number(flash.match(/编号 (\d+)/)?.[1]);
    assert.ok(caseId, `the filed page names no case number: ${flash}`);
    caseUrl = `/cases/${caseId}`;
    await suite.shot(page, '02-report-filed.png');
  }],

  ['district_supervisor finds the case among the 待办 (home page, /inbox, 待核实) at 1366 px and opens it', async () => {
    await loginAs('district_supervisor', 'desktop');
    await openCaseFromInbox('待核实', '03-supervisor-inbox-desktop.png');
    assert.equal(await statusBadge(page), '待核实', '#status of the new case');
    const main = await text(page.locator('main'));
    assert.ok(main.includes(UNIT) && main.includes(DESCRIPTION), 'the case page does not show the unit and the report');
    assert.deepEqual(await timeline(), ['举报问题'], 'the 办理过程 of a new case');
  }],

  ['district_supervisor: 核实属实 asks first, then 已核实 (5.3-2), with the opinion in the 办理过程', async () => {
    await page.getByLabel('核实意见').fill('已电话核实，情况属实（浏览器测试）');
    await act('核实属实', 'decide', '已核实');
    const last = await text(page.locator('#timeline li').last());
    assert.ok(last.includes('核实问题线索') && last.includes('已电话核实'), `the last step says "${last}"`);
    await suite.shot(page, '04-verified.png');
  }],

  ['district_supervisor issues a 整改通知书 to 铁东区卫生健康局 in 7 working days: 整改中, serial ZG-…, due date', async () => {
    const form = page.locator('#notice-form');
    assert.equal(await form.count(), 1, 'a verified case offers no 下发整改通知 form');
    const options = await page.locator('#unit_id option').evaluateAll((os) =>
      os.map((o) => ({ value: o.value, label: o.textContent.trim() })),
    );
    const unit = options.filter((o) => o.value && o.label.includes(UNIT));
    assert.equal(unit.length, 1, `责任单位 offers ${unit.length} options naming ${UNIT}: ${options.map((o) => o.label).join(', ')}`);
    await page.getByLabel('责任单位').selectOption(unit[0].value);
    await page.getByLabel('问题事实').fill(FACTS);
    await page.getByLabel('整改要求').fill(ACTION);
    await page.getByLabel('整改期限（工作日）').fill(DAYS);
    await suite.shot(page, '05-notice-form.png');
    await act('下发整改通知', 'notice', '整改中');
    const notice = page.locator('#notice');
    serial = await text(notice.locator('h2 code'));
    assert.match(serial, SERIAL_RE, `the notice's serial is "${serial}"`);
    const body = await text(notice);
    assert.ok(body.includes(UNIT) && body.includes(FACTS), 'the notice does not show the unit and the facts');
    assert.ok(body.includes(`${DAYS} 个工作日`), `the notice's deadline is not ${DAYS} 个工作日: ${body}`);
    const due = await text(page.locator('#due-on'));
    assert.match(due, /^\d{4}-\d{2}-\d{2}$/, `#due-on is "${due}"`);
    verifyLink = await notice.getByRole('link', { name: '在线核验' }).evaluate((a) => a.href);
    assert.ok(verifyLink.includes(encodeURIComponent(serial)) || verifyLink.includes(serial), `the verification link ${verifyLink} does not name ${serial}`);
    assert.equal(await page.locator('#notice-form').count(), 0, 'the notice form is still offered');
    await suite.shot(page, '06-notice-issued.png');
  }],

  ['the notice PDF (下载整改通知书) is a PDF; pdftoppm renders it; its QR code is the verification link', async () => {
    const pdftoppm = which('pdftoppm');
    assert.ok(pdftoppm, 'pdftoppm is not installed (apt-get install poppler-utils)');
    const link = page.getByRole('link', { name: '下载整改通知书（PDF）' });
    const href = await link.getAttribute('href');
    assert.equal(href, `${caseUrl}/notice.pdf`, 'the download link');
    // The browser's own request, with its session (the PDF is served inline).
    const resp = await context.request.get(new URL(href, BASE).toString());
    assert.equal(resp.status(), 200, `GET ${href} answered ${resp.status()}`);
    assert.equal(resp.headers()['content-type'], 'application/pdf', `GET ${href} content-type`);
    const pdf = await resp.body();
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-', 'the download is not a PDF');
    const pdfPath = path.join(ARTIFACTS, 'cases-notice.pdf');
    writeFileSync(pdfPath, pdf);

    const pngBase = path.join(ARTIFACTS, 'cases-notice');
    const decoded = pdfQr(pdftoppm, pdfPath, pngBase, scratch);
    if (decoded === undefined) {
      console.log('     note: zbarimg is not installed (zbar-tools); the QR code was not decoded');
      return;
    }
    assert.ok(decoded !== null, 'zbarimg found no QR code on page 1 of the notice');
    assert.equal(decoded, verifyLink, 'the QR code of the PDF is not the verification link shown on the case page');
  }],

  ['logged out, the verification link says 真实有效 (data-state="authentic") for the 整改通知书', async () => {
    await freshContext();
    const u = new URL(verifyLink);
    await goto(page, u.pathname + u.search);
    const result = page.locator('#verify-result');
    assert.equal(await result.count(), 1, `no #verify-result on ${u.pathname}${u.search}`);
    assert.equal(await result.getAttribute('data-state'), 'authentic', '#verify-result[data-state]');
    const shown = await text(result);
    for (const w of ['整改通知书', serial, UNIT]) assert.ok(shown.includes(w), `#verify-result does not say ${w}: ${shown}`);
    await suite.shot(page, '07-verify-authentic.png');
  }],

  ['district_dept finds the notice among the 待办 (待整改答复) at 1366 and 390 px, and answers with a PNG', async () => {
    for (const size of ['phone', 'desktop']) {
      await loginAs('district_dept', size);
      await openCaseFromInbox('待整改答复', `08-dept-inbox-${size}.png`);
      assert.equal(await statusBadge(page), '整改中', `#status of the notified case (${size})`);
    }
    await answer(ANSWER_1, EVIDENCE, '09-answer-form.png');
    await suite.shot(page, '10-answered.png');
  }],

  ['district_supervisor (待验收 in the 待办) sends it back with a reason: 整改中, the reason on the page', async () => {
    await loginAs('district_supervisor', 'desktop');
    await openCaseFromInbox('待验收');
    await page.getByLabel('验收意见').fill(SEND_BACK);
    await act('退回整改', 'send-back', '整改中');
    assert.ok((await text(page.locator('#answers'))).includes(SEND_BACK), 'the sent-back answer does not show the reason');
    await suite.shot(page, '11-sent-back.png');
  }],

  ['district_dept finds it again among its 待办 (待整改答复) and answers again', async () => {
    await loginAs('district_dept');
    await openCaseFromInbox('待整改答复');
    await answer(ANSWER_2, EVIDENCE_2, '12-second-answer-form.png');
    assert.equal(await page.locator('#answers article.answer').count(), 2, 'the case does not show both answers');
  }],

  ['district_supervisor accepts (验收通过 → 已验收, 待办结 in the 待办) and closes (办结 → 已办结)', async () => {
    await loginAs('district_supervisor');
    await openCaseFromInbox('待验收');
    await page.getByLabel('验收意见').fill(ACCEPT);
    await act('验收通过', 'accept', '已验收');
    await goto(page, '/');
    await openCaseFromInbox('待办结');
    await page.getByLabel('办结意见').fill('整改完成，予以办结（浏览器测试）');
    await act('办结', 'close', '已办结');
    for (const f of ['#notice-form', '#answer-form', '#review', '#close', '#decide']) {
      assert.equal(await page.locator(f).count(), 0, `a closed case still offers ${f}`);
    }
    await goto(page, '/inbox');
    assert.equal(await page.locator(`ul.todo a[href="${caseUrl}"]`).count(), 0, 'the closed case is still among the 待办');
    await goto(page, caseUrl);
  }],

  ['the 办理过程 of the closed case lists every step in order, with the reasons', async () => {
    const whats = await timeline();
    const expected = ['举报问题', '核实问题线索', '下发整改通知', '整改答复', '退回整改', '整改答复', '验收整改', '办结'];
    let at = 0;
    for (const w of whats) if (at < expected.length && w.includes(expected[at])) at += 1;
    assert.equal(at, expected.length, `the 办理过程 is [${whats.join(', ')}], expected ${expected.join(' → ')} in this order`);
    const all = await text(page.locator('#timeline'));
    for (const w of [SEND_BACK, `责任单位 ${UNIT}，${DAYS} 个工作日内整改`, path.basename(EVIDENCE)]) {
      assert.ok(all.includes(w), `the 办理过程 does not say ${w}`);
    }
    assert.ok(
      (await page.locator('#timeline a.clause[href="/policy#5.3-3"]').count()) >= 1,
      'the 办理过程 cites no 5.3-3',
    );
    await suite.shot(page, '13-closed-timeline.png');
  }],
];

suite.run(steps, () => ({ page, browser }));
