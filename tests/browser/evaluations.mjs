// Browser test of evaluations (考核评比, policy 4.3, 4.5-4; issue 12) on a jianfu server of its
// own (like escalation.mjs: `serve --demo` on a fresh data directory and a free port, restarted
// later with the clock a day ahead so that the self-nomination deadline has passed).
//
//   ARTIFACTS   where screenshots are written (default artifacts/browser)
//   CHROMIUM    browser binary                (default /usr/bin/chromium)
//   JIANFU_BIN  the binary the suite runs     (default target/debug/jianfu)
//
// The story: 铁东区卫生健康局 (district_dept) files an evaluation with a 一票否决 indicator and
// sees it refused with 4.3-5, and a certificate demand without a basis refused with 4.5-4; the
// district's supervisor designs next year's comprehensive evaluation (4.3-4) on the page; the
// worker of 示例和平社区 self-nominates with a PNG attachment and prints one-time satisfaction
// codes; two residents rate — the demo resident logged in, and a resident without an account
// with a code on the public page; the street accepts the nomination, the district scores it;
// a day later the district closes the campaign and the ranking shows 示例和平社区 first. Finally
// the worker checks an on-site visit that shows no admission number and is led into the
// prefilled unadmitted-demand report.
//
// It prints one line per step, stops at the first failure, and finally prints exactly one line
// `N passed, M failed`; the exit code is 0 only when nothing failed. Its files in ARTIFACTS are
// prefixed `evaluations-`.

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
  describe,
  expectStatus,
  findings,
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

const scratch = mkdtempSync(path.join(tmpdir(), 'jianfu-evaluations-'));
const SERVER_LOG = path.join(ARTIFACTS, 'evaluations-server.log');
writeFileSync(SERVER_LOG, '');
const server = new JianfuServer({
  bin: JIANFU_BIN,
  dataDir: path.join(scratch, 'data'),
  port: await freePort(),
  log: SERVER_LOG,
});
useBase(server.base);

const suite = new Suite({
  prefix: 'evaluations-',
  header: `jianfu browser test of evaluations (4.3, 4.5-4): ${JIANFU_BIN} serve --demo at ${BASE} (screenshots in ${ARTIFACTS})`,
});

const YEAR = new Date().getFullYear();
const NEXT = YEAR + 1;
const TODAY = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10); // China time
const EVIDENCE = path.join(scratch, '党组织活动记录.png');
writeFileSync(EVIDENCE, pngBytes([16, 96, 160]));
const COMMUNITY = '示例和平社区';

let browser;
let context;
let page;
let campaignUrl; // /comprehensive/{id}
let code; // a one-time satisfaction code

async function loginAs(username, size) {
  ({ context, page } = await openContext(suite, browser, context, size));
  await logIn(page, username);
}

// The campaign page's section of 示例和平社区.
const heping = () => page.locator('section.community', { has: page.locator('h3', { hasText: COMMUNITY }) });

const steps = [
  ['start jianfu serve --demo; district_dept files an evaluation with a 一票否决 indicator: 不予准入, 4.3-5', async () => {
    await server.start();
    browser = await launch();
    await loginAs('district_dept');
    await goto(page, '/demands/evaluation');
    await page.getByLabel('活动名称').fill('浏览器测试：平安社区评比');
    await page.getByLabel('活动类型').selectOption('appraisal');
    await page.getByLabel('组织方式').selectOption('comprehensive');
    await page.getByLabel('明确要求开展的发文机关').selectOption('city');
    await page.getByLabel('文件文号').fill('鞍委办发〔2026〕9号');
    await page.getByLabel('文件标题').fill('关于开展平安社区评比的通知');
    await page.getByLabel('指标 1 名称').fill('治安防控');
    await page.getByLabel('权重（%）').first().fill('100');
    await page.locator('#indicator_method_1').fill('发生刑事案件的实行一票否决');
    await page.locator('#indicator_veto_1').selectOption('yes');
    await page.getByLabel('开始日期').fill(`${YEAR}-01-01`);
    await page.getByLabel('结束日期').fill(`${YEAR}-12-31`);
    await page.getByLabel('所选社区(村)').check();
    await page.getByLabel(new RegExp(COMMUNITY)).check();
    const resp = await submit(page, page.getByRole('button', { name: '提交检查并报批' }), '/demands/evaluation');
    await expectStatus(page, resp, 303);
    assert.equal(await statusBadge(page), '不予准入', '#status of an evaluation with a veto');
    const fs = await findings(page);
    const veto = fs.filter((f) => f.clauses.includes('/policy#4.3-5'));
    assert.ok(veto.length >= 1, `no finding cites 4.3-5: ${describe(fs)}`);
    assert.ok(veto.some((f) => f.text.includes('一票否决')), `the 4.3-5 findings do not say what matched: ${describe(fs)}`);
    await suite.shot(page, '01-evaluation-veto-4.3-5.png');
  }],

  ['district_dept files a certificate demand without a basis: 不予准入, 4.5-4', async () => {
    await goto(page, '/demands/certificate');
    await page.getByLabel('证明事项').selectOption('residence');
    await page.getByLabel('用途').fill('核实居住情况（浏览器测试）');
    await page.getByLabel('开始日期').fill(`${YEAR}-01-01`);
    await page.getByLabel('结束日期').fill(`${YEAR}-12-31`);
    await page.getByLabel('本辖区全部社区(村)').check();
    const resp = await submit(page, page.getByRole('button', { name: '提交检查并报备' }), '/demands/certificate');
    await expectStatus(page, resp, 303);
    assert.equal(await statusBadge(page), '不予准入', '#status of a certificate demand without a basis');
    const fs = await findings(page);
    assert.ok(fs.some((f) => f.clauses.includes('/policy#4.5-4')), `no finding cites 4.5-4: ${describe(fs)}`);
    await suite.shot(page, '02-certificate-demand-4.5-4.png');
  }],

  [`district_supervisor designs the ${NEXT} comprehensive evaluation (satisfaction 60 %, one indicator), due today`, async () => {
    await loginAs('district_supervisor', 'desktop');
    await goto(page, '/comprehensive');
    await page.locator('#name').fill(`${NEXT} 年度社区(村)工作综合考评（浏览器测试）`);
    await page.locator('#year').fill(String(NEXT));
    await page.locator('#nomination_deadline').fill(TODAY);
    await page.locator('#satisfaction_weight').fill('60');
    await page.locator('#min_responses').fill('2');
    await page.locator('#question_1').fill('您对社区办事服务是否满意？');
    await page.locator('#group_name_1').fill('基层党建');
    await page.locator('#group_weight_1').fill('40');
    await page.locator('#indicator_group_1').fill('基层党建');
    await page.locator('#indicator_name_1').fill('党组织建设');
    await page.locator('#indicator_weight_1').fill('100');
    await page.locator('#indicator_method_1').fill('按活动记录评分');
    const resp = await submit(page, page.getByRole('button', { name: '检查并设立' }), '/comprehensive');
    await expectStatus(page, resp, 303);
    assert.match(pathOf(page.url()), /^\/comprehensive\/\d+$/, `after 设立 the browser is at ${page.url()}`);
    campaignUrl = pathOf(page.url());
    assert.equal(await text(page.locator('#status')), '进行中');
    await suite.shot(page, '03-comprehensive-designed.png');
  }],

  ['the worker of 示例和平社区 self-nominates with a PNG attachment and prints two one-time codes', async () => {
    await loginAs('worker');
    await goto(page, campaignUrl);
    const form = heping().locator('form.nominate-form').first();
    await form.locator('textarea[name="report"]').fill('全年开展主题党日 12 次，党员志愿服务 300 人次。');
    await form.locator('input[name="evidence"]').setInputFiles(EVIDENCE);
    const resp = await submit(page, form.getByRole('button', { name: '提交自荐申报' }), (p) => p.endsWith('/nominations'));
    await expectStatus(page, resp, 303);
    const nomination = heping().locator('.nomination').first();
    assert.equal(await nomination.getAttribute('data-state'), 'submitted');
    assert.ok((await text(nomination)).includes('党组织活动记录.png'), 'the evidence file is listed');
    await suite.shot(page, '04-self-nominated.png');
    const codes = heping().locator('form[id^="codes-form-"]');
    await codes.locator('input[name="count"]').fill('2');
    const r2 = await submit(page, codes.getByRole('button', { name: '生成并打印' }), (p) => p.endsWith('/codes'));
    await expectStatus(page, r2, 200);
    const printed = await page.locator('#codes .code').allInnerTexts();
    assert.equal(printed.length, 2, `the printable list shows ${printed.length} codes`);
    code = printed[0].trim();
    assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    await suite.shot(page, '05-printed-codes.png');
  }],

  ['two residents rate: the demo resident logged in, and a resident without an account with a code', async () => {
    await loginAs('resident');
    await goto(page, campaignUrl);
    await page.locator('#survey-form input[name="rating_1"][value="very_satisfied"]').check();
    const resp = await submit(page, page.locator('#survey-form').getByRole('button', { name: '提交评价' }), (p) => p.endsWith('/responses'));
    await expectStatus(page, resp, 303);
    assert.equal(await page.locator('#answered').count(), 1, 'the resident is told the answer was taken');
    ({ context, page } = await openContext(suite, browser, context, 'phone'));
    await goto(page, '/satisfaction');
    await page.getByLabel('评价码').fill(code.toLowerCase());
    const r1 = await submit(page, page.getByRole('button', { name: '开始评价' }), '/satisfaction');
    await expectStatus(page, r1, 200);
    assert.equal(await text(page.locator('#code-community')), COMMUNITY);
    await page.locator('input[name="rating_1"][value="satisfied"]').check();
    await page.getByLabel('意见建议（可选）').fill('希望周末也能办事。');
    const r2 = await submit(page, page.getByRole('button', { name: '提交评价' }), '/satisfaction');
    await expectStatus(page, r2, 200);
    assert.equal(await page.locator('#code-thanks').count(), 1);
    await suite.shot(page, '06-code-survey-thanks-phone.png');
    // The same code again: refused, nothing recorded.
    await goto(page, '/satisfaction');
    await page.getByLabel('评价码').fill(code);
    const r3 = await submit(page, page.getByRole('button', { name: '开始评价' }), '/satisfaction');
    await expectStatus(page, r3, 409);
    assert.ok((await text(page.locator('#code-error'))).includes('只能评价一次'));
  }],

  ['the street accepts the nomination; the district scores it 90 and sees 2 codes issued, 1 used', async () => {
    await loginAs('street');
    await goto(page, campaignUrl);
    const review = heping().locator('form.review-form').first();
    const r1 = await submit(page, review.getByRole('button', { name: '审核通过' }), (p) => p.endsWith('/review'));
    await expectStatus(page, r1, 303);
    await loginAs('district_supervisor', 'desktop');
    await goto(page, campaignUrl);
    const score = heping().locator('form.score-form');
    await score.locator('input[name="score_1"]').fill('90');
    const r2 = await submit(page, score.getByRole('button', { name: '保存得分' }), (p) => p.endsWith('/scores'));
    await expectStatus(page, r2, 303);
    assert.equal(await text(heping().locator('.responses')), '2');
    assert.equal(await text(heping().locator('.codes-issued')), '2');
    assert.equal(await text(heping().locator('.codes-used')), '1');
  }],

  ['a day later (restart with --clock-offset-days 1) the district closes the campaign and the ranking shows 示例和平社区 first', async () => {
    await context?.close();
    context = null;
    await server.stop();
    await server.start({ args: ['--clock-offset-days', '1'] });
    await loginAs('district_supervisor', 'desktop');
    await goto(page, campaignUrl);
    const resp = await submit(page, page.getByRole('button', { name: '结束考评并公布结果' }), (p) => p.endsWith('/close'));
    await expectStatus(page, resp, 303);
    assert.equal(await text(page.locator('#status')), '已结束并公布');
    const first = page.locator('#ranking tbody tr').first();
    const cells = await first.locator('td').allInnerTexts();
    assert.equal(cells[0].trim(), '1');
    assert.equal(cells[1].trim(), COMMUNITY);
    // 60 % × (100 + 80) / 2 + 40 % × 90 = 90.00
    assert.equal(cells[3].trim(), '90.00', `the total is ${cells[3]}`);
    await suite.shot(page, '07-ranking-published.png');
  }],

  ['the worker checks an on-site visit without an admission number: may refuse, and the report opens prefilled', async () => {
    await loginAs('worker');
    await goto(page, '/evaluations/visit-check');
    await page.getByLabel('检查单位').fill('市某协会');
    await page.getByLabel('检查的活动（对方所称名称）').fill('文明社区检查');
    await Promise.all([page.waitForURL((u) => u.toString().includes('check=1')), page.getByRole('button', { name: '核验' }).click()]);
    assert.equal(await page.locator('#visit-result').getAttribute('data-refuse'), 'true');
    assert.ok((await page.locator('#visit-result a.clause[href="/policy#4.3-2"]').count()) >= 1, 'the answer cites 4.3-2');
    await suite.shot(page, '08-visit-refusable.png');
    await Promise.all([page.waitForURL((u) => pathOf(u.toString()) === '/reports/new'), page.locator('#report-visit').click()]);
    assert.equal(await page.getByLabel('下派单位').inputValue(), '市某协会');
    assert.ok((await page.getByLabel('事项内容').inputValue()).includes('未能出示准入编号'));
    await suite.shot(page, '09-report-prefilled.png');
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
