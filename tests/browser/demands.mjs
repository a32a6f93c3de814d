// Browser test of the demand / admission flow (4.2) against a running jianfu server.
//
//   JIANFU_URL  base URL of the server        (default http://127.0.0.1:8080)
//   ARTIFACTS   where screenshots are written (default artifacts/browser)
//   CHROMIUM    browser binary                (default /usr/bin/chromium)
//
// The server must run with demo data (`jianfu serve --demo`, fresh data directory): the
// accounts district_dept, district_approver, district_supervisor and worker (password
// `Jianfu@2026`), the 铁东区 tree with 示例和平社区 and 示例光明社区, the seeded demands.
//
// The story: a district department drafts and submits a demand; the district government
// admits it and it gets an admission number; anybody can look the number up; a community
// worker finds it in the community's work-item list and reports another, unadmitted demand;
// the district supervisor sees the case and revokes the demand; a banned demand is refused by
// the rules (4.2-6); a bad form is re-rendered with a field error; the ledger adds it all up;
// a demand that cites a law waits for registration (备案) by 铁东区's 民政局, not for approval.
//
// Like smoke.mjs it prints one line per step, stops at the first failure, and finally prints
// exactly one line `N passed, M failed`; the exit code is 0 only when nothing failed. Its files
// in ARTIFACTS are prefixed `demands-` so that they sit next to the smoke test's.

import assert from 'node:assert/strict';
import {
  ARTIFACTS,
  BASE,
  Suite,
  describe,
  expectStatus,
  findings,
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
  prefix: 'demands-',
  header: `jianfu browser test of the demand flow against ${BASE} (screenshots in ${ARTIFACTS})`,
});

// ---------------------------------------------------------------------------
// helpers

// The year in China Standard Time, which is what the server counts in.
const YEAR = Number(
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()),
);
// A suffix that makes titles unique across runs against the same server.
const STAMP = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
const NUMBER_RE = /^AZ-\d{4}-\d{6}-[0-9X]$/;

// ISO 7064 MOD 11-2 check character over a string of digits (X stands for 10).
function mod11_2(digits) {
  let p = 0;
  for (const ch of digits) p = ((p + Number(ch)) * 2) % 11;
  const c = (12 - (p % 11)) % 11;
  return c === 10 ? 'X' : String(c);
}
const admissionNumber = (year, seq) => {
  const s = String(seq).padStart(6, '0');
  return `AZ-${year}-${s}-${mod11_2(`${year}${s}`)}`;
};

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

// Fill the draft form on /demands/new. `d` holds what differs from a plain, valid demand.
async function fillDemandForm(p, d) {
  const requester = p.locator('#requester_node_id');
  assert.equal(
    (await requester.locator('option:checked').innerText()).trim(),
    '铁东区卫生健康局',
    'the 提出部门 select does not default to 铁东区卫生健康局',
  );
  await p.getByLabel('事项名称').fill(d.title);
  await p.getByLabel('事项内容').fill(d.description);
  await p.locator('#category').selectOption(d.category);
  const catLabel = (await p.locator('#category option:checked').innerText()).trim();
  assert.ok(catLabel.includes(d.categoryZh), `category ${d.category} is labelled "${catLabel}", expected ${d.categoryZh}`);
  await p.getByRole('radio', { name: d.role, exact: true }).check();
  if (d.basis) {
    await p.locator('#legal_basis_kind').selectOption('law');
    await p.getByLabel('依据名称').fill(d.basis.title);
    await p.getByLabel('条款', { exact: true }).fill(d.basis.article);
  } else {
    await p.locator('#legal_basis_kind').selectOption(''); // 无明确依据
  }
  await p.getByLabel('随事项下拨经费（元）').fill(d.funding);
  await p.getByLabel('经费来源渠道').fill(d.fundingSource);
  await p.getByLabel('每次耗时（分钟）').fill(d.minutes);
  await p.getByLabel('每年次数').fill(d.times);
  await p.getByLabel('开始日期').fill(d.start);
  await p.getByLabel('结束日期').fill(d.end);
  await p.getByRole('radio', { name: '所选社区(村)', exact: true }).check();
  for (const name of d.communities) {
    const box = p.locator('ul.checklist li', { hasText: name }).locator('input[type="checkbox"]');
    assert.equal(await box.count(), 1, `expected one checkbox for ${name} in ul.checklist`);
    await box.check();
  }
}

// On /demands/new: fill in a plain, funded demand without legal basis and submit it; it must
// come out 待审批 with a finding citing 4.2-4 and none asking for funding. Returns its id.
async function submitPlain(title, shot) {
  await fillDemandForm(page, plainDemand(title));
  await suite.shot(page, shot);
  const resp = await submit(page, page.getByRole('button', { name: '提交审核' }), '/demands');
  await expectStatus(page, resp, 303);
  const m = pathOf(page.url()).match(/^\/demands\/(\d+)$/);
  assert.ok(m, `after 提交审核 the browser is at ${page.url()}, expected /demands/{id}`);
  assert.equal(await text(page.locator('h1').first()), title, 'the demand page shows another title');
  assert.equal(await statusBadge(page), '待审批', '#status after 提交审核');
  const fs = await findings(page);
  assert.ok(
    fs.some((f) => f.clauses.includes('/policy#4.2-4')),
    `no ul.findings li with an a.clause to /policy#4.2-4; findings: ${describe(fs)}`,
  );
  assert.ok(
    !fs.some((f) => f.code === 'funding_required'),
    `the demand is funded, yet a funding_required finding is shown; findings: ${describe(fs)}`,
  );
  return Number(m[1]);
}

// district_approver, just logged in: demand `id` titled `title` is among the 待办 of the home
// page and of /inbox as 待审批, with the count beside 待办 in the header; opens it from /inbox.
async function openFromInbox(title, id, shot) {
  const item = await todoItem(page, { hasText: title }, '待审批');
  const count = page.locator('.nav a[href="/inbox"] .count');
  await count.waitFor({ timeout: 5000 });
  assert.ok(Number(await text(count)) >= 1, `the header's 待办 badge says ${await text(count)}`);
  await suite.shot(page, shot);
  await Promise.all([page.waitForURL((u) => pathOf(u.toString()) === `/demands/${id}`), item.locator('a').click()]);
}

// On the page of demand `id`: 准入并赋号 → 已准入 with a well-formed number, which it returns;
// the demand is then gone from the approver's /inbox.
async function admitHere(id, title, shot) {
  const resp = await submit(page, page.getByRole('button', { name: '准入并赋号' }), `/demands/${id}/admit`);
  await expectStatus(page, resp, 303);
  assert.equal(pathOf(page.url()), `/demands/${id}`, `after admission the browser is at ${page.url()}`);
  assert.equal(await statusBadge(page), '已准入', '#status after 准入并赋号');
  const n = await text(page.locator('#admission-number'));
  assert.match(n, NUMBER_RE, `#admission-number is "${n}"`);
  await suite.shot(page, shot);
  await goto(page, '/inbox');
  assert.equal(await page.locator('ul.todo li', { hasText: title }).count(), 0, 'the admitted demand is still in the inbox');
  return n;
}

// worker, on a community's work-item list: 拒收并举报未准入事项 for a demand of `unit` that
// claims UNKNOWN_NUMBER; lands on 已拒收并举报.
async function reportUnadmitted(unit, shot) {
  await page.locator('main').getByRole('link', { name: '拒收并举报未准入事项' }).click();
  await page.waitForURL((u) => u.pathname === '/reports/new');
  await page.waitForLoadState('load');
  const community = (await page.locator('#community_id option:checked').innerText()).trim();
  assert.equal(community, '示例和平社区', `本社区(村) is preselected as "${community}"`);
  await page.getByLabel('下派单位').fill(unit);
  await page.getByLabel('事项内容').fill(`要求社区每周上报辖区商铺巡查台账（浏览器测试 ${STAMP}）`);
  await page.getByLabel('对方声称的准入编号（如有）').fill(UNKNOWN_NUMBER);
  const resp = await submit(page, page.getByRole('button', { name: '拒收并举报' }), '/reports');
  await expectStatus(page, resp, 303);
  assert.match(pathOf(page.url()), /^\/reports\/\d+\/filed$/, `after reporting the browser is at ${page.url()}`);
  assert.equal(await text(page.locator('h1').first()), '已拒收并举报', 'the filed page has the wrong <h1>');
  await suite.shot(page, shot);
}

// district_supervisor at `size`: the case reported about `unit` is among the 待办 (待处理) of the
// home page and /inbox, whose link leads to /cases with the case's row.
async function caseInInbox(unit, size) {
  await loginAs('district_supervisor', size);
  const item = await todoItem(page, { hasText: unit }, '待核实');
  assert.ok((await item.innerText()).includes('示例和平社区'), `the case's 待办 does not name 示例和平社区: ${await item.innerText()}`);
  await suite.shot(page, `10b-supervisor-inbox-${size}.png`);
  await Promise.all([page.waitForURL((u) => /^\/cases\/\d+$/.test(u.pathname)), item.locator('a').click()]);
  await page.waitForLoadState('load');
  assert.equal(await statusBadge(page), '待核实', `the case opened from the ${size} inbox is not 待核实`);
  assert.ok((await text(page.locator('main'))).includes(unit), `the case opened from the ${size} inbox is not ${unit}'s`);
}

const plainDemand = (title) => ({
  title,
  description: `请各社区(村)协助通知辖区居民参加健康随访（浏览器测试 ${STAMP}）。`,
  category: 'health',
  categoryZh: '卫生健康',
  role: '协助',
  funding: '1200',
  fundingSource: '区级财政专项资金',
  minutes: '30',
  times: '12',
  start: `${YEAR}-01-01`,
  end: `${YEAR}-12-31`,
  communities: ['示例和平社区', '示例光明社区'],
});

// ---------------------------------------------------------------------------
// what the story carries from step to step

const TITLE = `浏览器测试：协助开展居民健康随访通知 ${STAMP}`;
const BANNED_TITLE = `浏览器测试：社区负责辖区环境整治 ${STAMP}`;
const REVOKE_REASON = `浏览器测试：经核查属于部门职责，予以撤销（${STAMP}）`;
const UNKNOWN_NUMBER = admissionNumber(YEAR, 999999);
const UNIT = `某局（测试 ${STAMP}）`; // the demanding unit the worker reports
const PHONE_TITLE = `浏览器测试：协助开展居民健康随访通知（手机） ${STAMP}`;
const PHONE_UNIT = `某局（手机测试 ${STAMP}）`;
let phoneId; // id of the demand of the phone pass
const BASIS_TITLE = `浏览器测试：协助核对儿童预防接种信息 ${STAMP}`;
let basisId; // id of the demand that cites a law (registered, not approved)
let demandId; // id of the demand of step 2
let number; // its admission number
let workItemHours; // #total-hours of 示例和平社区 while the demand was in force
const communityIds = {}; // name → node id, from the demand page's target links

const steps = [
  ['district_dept logs in and opens /demands/new: the draft form', async () => {
    browser = await launch();
    await loginAs('district_dept');
    await goto(page, '/demands/new');
    assert.equal(await text(page.locator('h1').first()), '起草工作事项', 'the form has the wrong <h1>');
    assert.ok(
      (await page.getByRole('button', { name: '提交审核' }).count()) === 1,
      'no 提交审核 button on /demands/new',
    );
    await suite.shot(page, '01-form.png');
  }],

  ['district_dept submits a funded demand without legal basis: 待审批, finding cites 4.2-4', async () => {
    demandId = await submitPlain(TITLE, '02-form-filled.png');
    // The target links tell us the communities' ids (used by the worker below).
    for (const name of ['示例和平社区', '示例光明社区']) {
      const link = page.locator('a[href^="/communities/"]', { hasText: name });
      assert.equal(await link.count(), 1, `the demand page has no link to ${name}'s work items`);
      const href = await link.getAttribute('href');
      const id = href.match(/^\/communities\/(\d+)\/work-items$/)?.[1];
      assert.ok(id, `the link to ${name} is ${href}`);
      communityIds[name] = Number(id);
    }
    await suite.shot(page, '03-submitted.png');
  }],

  ['district_approver finds it in the inbox (待办, with the count in the header) and opens it from there', async () => {
    await loginAs('district_approver', 'desktop');
    await openFromInbox(TITLE, demandId, '03b-inbox-desktop.png');
  }],

  ['district_approver admits it (准入并赋号): 已准入 with a well-formed #admission-number', async () => {
    assert.equal(pathOf(page.url()), `/demands/${demandId}`, 'the inbox link did not lead to the demand');
    assert.equal(await statusBadge(page), '待审批', '#status before admission');
    // Answering 取消 to the confirmation sends nothing.
    suite.cancelDialogs = true;
    let posted = false;
    const watchPost = (r) => {
      if (r.method() === 'POST') posted = true;
    };
    page.on('request', watchPost);
    await page.getByRole('button', { name: '准入并赋号' }).click();
    await page.waitForTimeout(300);
    page.off('request', watchPost);
    suite.cancelDialogs = false;
    assert.ok(!posted, 'cancelling the confirmation still posted the admission');
    assert.equal(await statusBadge(page), '待审批', '#status after cancelling 准入并赋号');
    number = await admitHere(demandId, TITLE, '04-admitted.png');
    assert.ok(
      suite.confirmed.some((m) => m.includes('确定准入')),
      `准入并赋号 did not ask for confirmation first (dialogs: ${JSON.stringify(suite.confirmed)})`,
    );
    const [, y, seq, check] = number.match(/^AZ-(\d{4})-(\d{6})-(.)$/);
    assert.equal(Number(y), YEAR, `the admission number ${number} is not of ${YEAR}`);
    assert.equal(check, mod11_2(y + seq), `the check character of ${number} is not ISO 7064 MOD 11-2`);
  }],

  ['logged out: /lookup finds the number valid (data-state="valid") and shows the title', async () => {
    await freshContext();
    await goto(page, '/lookup');
    await page.getByLabel('准入编号').fill(number);
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL((u) => u.pathname === '/lookup' && u.searchParams.get('number') === number);
    await page.waitForLoadState('load');
    const result = page.locator('#lookup-result');
    assert.equal(await result.count(), 1, 'no #lookup-result after looking up the number');
    assert.equal(await result.getAttribute('data-state'), 'valid', '#lookup-result[data-state]');
    assert.ok((await result.innerText()).includes(TITLE), '#lookup-result does not show the title');
    await suite.shot(page, '05-lookup-valid.png');
  }],

  ['/lookup of a malformed number: .flash.error 准入编号格式不正确 (422)', async () => {
    await goto(page, `/lookup?number=${encodeURIComponent('AZ-2026-12-3')}`, 422);
    const flash = page.locator('.flash.error');
    assert.equal(await flash.count(), 1, 'no .flash.error for a malformed number');
    const msg = await text(flash);
    assert.ok(msg.includes('准入编号格式不正确'), `.flash.error says "${msg}"`);
    assert.equal(await page.locator('#lookup-result').count(), 0, '#lookup-result shown for a malformed number');
    await suite.shot(page, '06-lookup-malformed.png');
  }],

  [`/lookup of a well-formed unknown number (${UNKNOWN_NUMBER}): data-state="unknown"`, async () => {
    await goto(page, `/lookup?number=${encodeURIComponent(UNKNOWN_NUMBER)}`);
    const result = page.locator('#lookup-result');
    assert.equal(await result.count(), 1, 'no #lookup-result for an unknown number');
    assert.equal(await result.getAttribute('data-state'), 'unknown', '#lookup-result[data-state]');
    await suite.shot(page, '07-lookup-unknown.png');
  }],

  ['worker: 示例和平社区 work items list the number; #total-hours ≥ 6.0', async () => {
    await loginAs('worker');
    const id = communityIds['示例和平社区'];
    await goto(page, `/communities/${id}/work-items`);
    const row = page.locator('table.data tbody tr', { hasText: number });
    assert.equal(await row.count(), 1, `the work-item list of 示例和平社区 (/communities/${id}) has no row with ${number}`);
    assert.ok((await row.innerText()).includes(TITLE), `the row of ${number} does not show the title`);
    const total = await text(page.locator('#total-hours'));
    assert.match(total, /^\d+(\.\d+)?$/, `#total-hours is "${total}", not a number`);
    assert.ok(Number(total) >= 6.0, `#total-hours is ${total}, expected ≥ 6.0 (30 min × 12 / 60)`);
    workItemHours = Number(total);
    await suite.shot(page, '08-work-items.png');
  }],

  ['worker refuses and reports an unadmitted demand: lands on 已拒收并举报', async () => {
    await reportUnadmitted(UNIT, '09-report-filed.png');
  }],

  ['district_supervisor finds the new case among the 待办 (home page, /inbox) at 1366 px and opens it', async () => {
    await caseInInbox(UNIT, 'desktop');
  }],

  ['district_supervisor: /cases lists the report with clause 4.2-5', async () => {
    await loginAs('district_supervisor');
    await goto(page, '/cases');
    const row = page.locator('table.data tbody tr', { hasText: UNIT }).filter({ hasText: UNKNOWN_NUMBER });
    assert.ok((await row.count()) >= 1, `no row of /cases names ${UNIT} with ${UNKNOWN_NUMBER}`);
    const clause = row.first().locator('a.clause');
    assert.equal(await text(clause), '4.2-5', 'the case row cites another clause');
    assert.equal(await clause.getAttribute('href'), '/policy#4.2-5', 'the clause link of the case row');
    assert.ok((await row.first().innerText()).includes('示例和平社区'), 'the case row does not name 示例和平社区');
    await suite.shot(page, '10-cases.png');
  }],

  ['district_supervisor opens the case from /cases: 待核实 with its 办理过程; 核实属实 asks first, then 已核实 (5.3-2)', async () => {
    const row = page.locator('table.data tbody tr', { hasText: UNIT }).filter({ hasText: UNKNOWN_NUMBER });
    await row.first().locator('a[href^="/cases/"]').first().click();
    await page.waitForURL((u) => /^\/cases\/\d+$/.test(u.pathname));
    await page.waitForLoadState('load');
    const caseUrl = pathOf(page.url());
    assert.equal(await statusBadge(page), '待核实', '#status of a new case');
    const steps = page.locator('#timeline li');
    assert.ok((await steps.count()) >= 1, 'the case has no 办理过程');
    assert.ok((await text(steps.first())).includes('举报问题'), `the first step says "${await text(steps.first())}"`);
    await page.getByLabel('核实意见').fill('已电话核实，情况属实（浏览器测试）');
    const asked = suite.confirmed.length;
    const resp = await submit(page, page.getByRole('button', { name: '核实属实' }), `${caseUrl}/decide`);
    await expectStatus(page, resp, 303);
    assert.equal(suite.confirmed.length, asked + 1, '核实属实 did not ask for confirmation');
    assert.equal(pathOf(page.url()), caseUrl, `after 核实 the browser is at ${page.url()}`);
    assert.equal(await statusBadge(page), '已核实', '#status after 核实属实');
    const last = await text(page.locator('#timeline li').last());
    assert.ok(last.includes('核实问题线索') && last.includes('已电话核实'), `the last step says "${last}"`);
    assert.equal(await page.getByRole('button', { name: '核实属实' }).count(), 0, 'a decided case still offers 核实属实');
    await suite.shot(page, '10b-case-verified.png');
    await goto(page, '/cases');
  }],

  ['district_supervisor revokes the demand with a reason: 已撤销', async () => {
    await goto(page, `/demands/${demandId}`);
    assert.equal(await statusBadge(page), '已准入', '#status before revocation');
    await page.getByLabel('撤销理由').fill(REVOKE_REASON);
    const resp = await submit(
      page,
      page.getByRole('button', { name: '撤销事项' }),
      `/demands/${demandId}/revoke`,
    );
    await expectStatus(page, resp, 303);
    assert.equal(await statusBadge(page), '已撤销', '#status after 撤销事项');
    assert.ok((await page.locator('main').innerText()).includes(REVOKE_REASON), 'the demand page does not show the reason');
    await suite.shot(page, '11-revoked.png');
  }],

  ['logged out: /lookup of the number now says data-state="revoked" with the reason', async () => {
    await freshContext();
    await goto(page, `/lookup?number=${encodeURIComponent(number)}`);
    const result = page.locator('#lookup-result');
    assert.equal(await result.getAttribute('data-state'), 'revoked', '#lookup-result[data-state]');
    assert.ok((await result.innerText()).includes(REVOKE_REASON), '#lookup-result does not show the revocation reason');
    await suite.shot(page, '12-lookup-revoked.png');
  }],

  ['district_dept submits a banned demand (环境整治, 责任主体): 不予准入, finding cites 4.2-6', async () => {
    await loginAs('district_dept');
    await goto(page, '/demands/new');
    await fillDemandForm(page, {
      ...plainDemand(BANNED_TITLE),
      description: `由社区作为责任主体负责辖区环境卫生整治（浏览器测试 ${STAMP}）。`,
      category: 'environmental_remediation',
      categoryZh: '环境整治',
      role: '责任主体',
      funding: '5000',
    });
    const resp = await submit(page, page.getByRole('button', { name: '提交审核' }), '/demands');
    await expectStatus(page, resp, 303);
    assert.match(pathOf(page.url()), /^\/demands\/\d+$/, `after 提交审核 the browser is at ${page.url()}`);
    assert.equal(await statusBadge(page), '不予准入', '#status of the banned demand');
    const fs = await findings(page);
    const banned = fs.find((f) => f.code === 'banned_responsible_subject');
    assert.ok(banned, `no li[data-code="banned_responsible_subject"]; findings: ${describe(fs)}`);
    assert.ok(banned.clauses.includes('/policy#4.2-6'), `that finding links ${banned.clauses.join(', ')}, not /policy#4.2-6`);
    assert.equal(await page.locator('#admission-number').count(), 0, 'a refused demand shows an #admission-number');
    await suite.shot(page, '13-banned.png');
  }],

  ['district_dept files an evaluation with a 一票否决 indicator (/demands/evaluation): 不予准入, the finding cites 4.3-5 and names the indicator', async () => {
    await goto(page, '/demands/evaluation');
    const title = `浏览器测试：安全社区评比 ${STAMP}`;
    await page.getByLabel('活动名称').fill(title);
    await page.getByLabel('活动类型').selectOption('appraisal');
    await page.getByLabel('组织方式').selectOption('comprehensive');
    await page.getByLabel('明确要求开展的发文机关').selectOption('city');
    await page.getByLabel('文件文号').fill('鞍委办发〔2026〕9号');
    await page.getByLabel('文件标题').fill('关于开展安全社区评比的通知');
    await page.getByLabel('指标 1 名称').fill('安全生产');
    await page.getByLabel('权重（%）').first().fill('100');
    await page.locator('#indicator_method_1').fill('全年无事故得满分');
    await page.locator('#indicator_veto_1').selectOption('yes');
    await page.getByLabel('材料 1').fill('安全检查台账');
    await page.locator('#material_minutes_1').fill('60');
    await page.getByLabel('开始日期').fill(`${YEAR}-01-01`);
    await page.getByLabel('结束日期').fill(`${YEAR}-12-31`);
    await page.getByLabel('所选社区(村)').check();
    await page.getByLabel(/示例和平社区/).check();
    await suite.shot(page, '13b-evaluation-form.png');
    const resp = await submit(page, page.getByRole('button', { name: '提交检查并报批' }), '/demands/evaluation');
    await expectStatus(page, resp, 303);
    assert.match(pathOf(page.url()), /^\/demands\/\d+$/, `after 提交 the browser is at ${page.url()}`);
    assert.equal(await statusBadge(page), '不予准入', '#status of an evaluation with a veto');
    const fs = await findings(page);
    const veto = fs.find((f) => f.code === 'veto_flagged');
    assert.ok(veto, `no li[data-code="veto_flagged"]; findings: ${describe(fs)}`);
    assert.ok(veto.clauses.includes('/policy#4.3-5'), `that finding links ${veto.clauses.join(', ')}, not /policy#4.3-5`);
    const rows = await page.locator('#evaluation-indicators tbody tr').count();
    assert.equal(rows, 1, 'the demand page lists the one indicator');
    await suite.shot(page, '13c-evaluation-veto.png');
  }],

  ['district_dept requires communities to issue a certificate without a basis (/demands/certificate): 不予准入, the finding cites 4.5-4', async () => {
    await goto(page, '/demands/certificate');
    await page.getByLabel('证明事项').selectOption('residence');
    await page.getByLabel('用途').fill(`核实居住情况（浏览器测试 ${STAMP}）`);
    await page.getByLabel('开始日期').fill(`${YEAR}-01-01`);
    await page.getByLabel('结束日期').fill(`${YEAR}-12-31`);
    await page.getByLabel('本辖区全部社区(村)').check();
    const resp = await submit(page, page.getByRole('button', { name: '提交检查并报备' }), '/demands/certificate');
    await expectStatus(page, resp, 303);
    assert.equal(await statusBadge(page), '不予准入', '#status of a certificate demand without a basis');
    const fs = await findings(page);
    assert.ok(
      fs.some((f) => f.clauses.includes('/policy#4.5-4')),
      `no finding links /policy#4.5-4; findings: ${describe(fs)}`,
    );
    await suite.shot(page, '13d-certificate-demand-no-basis.png');
  }],

  ['bad input: 结束日期 before 开始日期 re-renders the form (422) with a .field-error', async () => {
    await goto(page, '/demands/new');
    const title = `浏览器测试：日期倒置 ${STAMP}`;
    await fillDemandForm(page, { ...plainDemand(title), start: `${YEAR}-06-30`, end: `${YEAR}-06-01` });
    const resp = await submit(page, page.getByRole('button', { name: '提交审核' }), '/demands');
    await expectStatus(page, resp, 422);
    assert.equal(pathOf(page.url()), '/demands', `after the bad post the browser is at ${page.url()}`);
    assert.equal(await text(page.locator('h1').first()), '起草工作事项', 'the form is not shown again');
    const err = page.locator('.field:has(#period_end) .field-error');
    assert.equal(await err.count(), 1, 'no .field-error in the 结束日期 field');
    const msg = await text(err);
    assert.ok(msg.includes('结束日期不能早于开始日期'), `the 结束日期 .field-error says "${msg}"`);
    assert.equal(await page.getByLabel('事项名称').inputValue(), title, 'the re-rendered form lost the title');
    assert.equal(await page.locator('.field-error').count(), 1, 'more than one .field-error on the form');
    await suite.shot(page, '14-form-error.png');
    // Nothing was saved: searching the list finds the banned demand of the previous step,
    // but not this one.
    const rows = async (q) => {
      await goto(page, `/demands?q=${encodeURIComponent(q)}`);
      return page.locator('table.data tbody tr').count();
    };
    assert.equal(await rows(BANNED_TITLE), 1, `/demands?q= does not find "${BANNED_TITLE}"`);
    assert.equal(await rows(title), 0, 'the refused form left a demand behind');
  }],

  ['district_dept saves a half-filled form (保存草稿): stashed with every missing field listed; the inbox keeps it; completed, it becomes a draft', async () => {
    await goto(page, '/demands/new');
    const title = `浏览器测试：暂存 ${STAMP}`;
    await page.getByLabel('事项名称').fill(title);
    await page.locator('#category').selectOption('health');
    let resp = await submit(page, page.getByRole('button', { name: '保存草稿' }), '/demands');
    await expectStatus(page, resp, 303);
    assert.match(pathOf(page.url()), /^\/demands\/drafts\/\d+$/, `after 保存草稿 the browser is at ${page.url()}`);
    const stashUrl = pathOf(page.url());
    assert.ok((await text(page.locator('#stashed'))).startsWith('已暂存'), 'no 已暂存 notice');
    const links = await page.locator('#form-error a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const f of ['#minutes_per_occurrence', '#occurrences_per_year', '#period_start', '#period_end']) {
      assert.ok(links.includes(f), `the summary does not link ${f}: ${links.join(' ')}`);
    }
    assert.equal(await page.getByLabel('事项名称').inputValue(), title, 'the stash lost the title');
    await suite.shot(page, '14b-stashed.png');
    await goto(page, '/inbox');
    const item = page.locator('ul.todo li', { hasText: title });
    assert.equal(await item.count(), 1, `/inbox does not list the stash "${title}"`);
    assert.ok((await text(item)).includes('未完成草稿'), 'the inbox item is not marked 未完成草稿');
    await item.locator('a').first().click();
    await page.waitForURL((u) => u.pathname === stashUrl);
    await page.waitForLoadState('load');
    await fillDemandForm(page, plainDemand(title));
    resp = await submit(page, page.getByRole('button', { name: '保存草稿' }), '/demands');
    await expectStatus(page, resp, 303);
    assert.match(pathOf(page.url()), /^\/demands\/\d+$/, `the completed stash went to ${page.url()}`);
    assert.equal(await statusBadge(page), '草稿', '#status of the saved draft');
    await goto(page, '/inbox');
    assert.equal(
      await page.locator('ul.todo li', { hasText: '未完成草稿' }).filter({ hasText: title }).count(),
      0,
      'the completed stash is still in the inbox',
    );
  }],

  ['district_approver: /ledger total > 0; #by-community lists 示例和平社区 without the revoked demand', async () => {
    await loginAs('district_approver');
    await goto(page, '/ledger');
    const total = await text(page.locator('#ledger-total'));
    assert.match(total, /^\d+(\.\d+)?$/, `#ledger-total is "${total}", not a number`);
    assert.ok(Number(total) > 0, `#ledger-total is ${total}`);
    const row = page.locator('#by-community tbody tr', { hasText: '示例和平社区' });
    assert.equal(await row.count(), 1, 'no row of #by-community names 示例和平社区');
    // The ledger agrees with the community's own list, less the 6.0 h of the revoked demand.
    const hours = Number(await text(row.locator('td').last()));
    assert.equal(
      hours.toFixed(1),
      (workItemHours - 6.0).toFixed(1),
      `the ledger gives 示例和平社区 ${hours} h/yr; its work-item list said ${workItemHours} before the 6.0 h demand was revoked`,
    );
    await suite.shot(page, '15-ledger.png');
  }],

  ['district_dept submits a demand citing a law: 待备案, 备案机关 区(市、县)民政局 (4.2-4)', async () => {
    await loginAs('district_dept');
    await goto(page, '/demands/new');
    await fillDemandForm(page, {
      ...plainDemand(BASIS_TITLE),
      funding: '',
      fundingSource: '',
      basis: { title: '《中华人民共和国疫苗管理法》', article: '第四十七条' },
    });
    const resp = await submit(page, page.getByRole('button', { name: '提交审核' }), '/demands');
    await expectStatus(page, resp, 303);
    const m = pathOf(page.url()).match(/^\/demands\/(\d+)$/);
    assert.ok(m, `after 提交审核 the browser is at ${page.url()}, expected /demands/{id}`);
    basisId = Number(m[1]);
    assert.equal(await statusBadge(page), '待备案', '#status of a demand citing a law');
    assert.equal(await text(page.locator('#authority-label')), '备案机关', '#authority-label');
    const authority = await text(page.locator('#authority'));
    assert.ok(authority.includes('区(市、县)民政局'), `#authority says "${authority}"`);
    await suite.shot(page, '16-for-registration.png');
  }],

  ['district_supervisor finds it among 待备案, ticks the check and registers it: 已准入 with a number', async () => {
    await loginAs('district_supervisor');
    await goto(page, '/demands?status=for_registration');
    const row = page.locator('table.data tbody tr', { hasText: BASIS_TITLE });
    assert.equal(await row.count(), 1, 'the keeper\'s 待备案 list does not show the demand');
    await goto(page, `/demands/${basisId}`);
    await page.getByLabel('已核对所引法律法规条款存在且适用').check();
    await page.getByLabel('备案意见（可选）').fill('条款属实');
    const resp = await submit(
      page,
      page.getByRole('button', { name: '备案并赋号' }),
      `/demands/${basisId}/register`,
    );
    await expectStatus(page, resp, 303);
    assert.equal(await statusBadge(page), '已准入', '#status after 备案并赋号');
    const n = await text(page.locator('#admission-number'));
    assert.match(n, NUMBER_RE, `#admission-number is "${n}"`);
    const reg = page.locator('#registration');
    assert.equal(await reg.getAttribute('data-outcome'), 'registered', '#registration[data-outcome]');
    const hrefs = await reg.locator('a.clause').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.includes('/policy#4.2-4') && hrefs.includes('/policy#4.2-2'), `#registration cites ${hrefs.join(', ')}`);
    await suite.shot(page, '17-registered.png');
  }],

  // The same stories on a phone (390×844).
  ['phone: district_dept submits a demand from /demands/new: 待审批', async () => {
    await loginAs('district_dept', 'phone');
    await goto(page, '/demands/new');
    phoneId = await submitPlain(PHONE_TITLE, '18-phone-form-filled.png');
  }],

  ['phone: district_approver finds it among the 待办 (home page, /inbox, header count) and admits it from there', async () => {
    await loginAs('district_approver', 'phone');
    await openFromInbox(PHONE_TITLE, phoneId, '19-phone-inbox.png');
    await admitHere(phoneId, PHONE_TITLE, '20-phone-admitted.png');
  }],

  ['phone: worker refuses and reports an unadmitted demand from the work-item list', async () => {
    await loginAs('worker', 'phone');
    await goto(page, `/communities/${communityIds['示例和平社区']}/work-items`);
    await reportUnadmitted(PHONE_UNIT, '21-phone-report-filed.png');
  }],

  ['phone: district_supervisor finds the new case among the 待办 and opens it from there', async () => {
    await caseInInbox(PHONE_UNIT, 'phone');
  }],
];

// ---------------------------------------------------------------------------

await suite.run(steps, () => ({ page, browser }));
