// Browser test of report forms and shared data (填表报数, policy 4.8-3, 4.9-2 … 4.9-4; issue 13)
// on a jianfu server of its own (like evaluations.mjs): `init --demo` on a fresh data directory,
// one more account made with `jianfu user add` (a worker of 示例光明社区, the second community),
// then `serve --demo` on a free port.
//
//   ARTIFACTS   where screenshots are written (default artifacts/browser)
//   CHROMIUM    browser binary                (default /usr/bin/chromium)
//   JIANFU_BIN  the binary the suite runs     (default target/debug/jianfu)
//
// The story: 铁东区卫生健康局 (district_dept) builds a quarterly form from the data dictionary and
// computes its burden first — 户籍人口数, which 公安 already shares, is shown pre-filled (4.8-3) — and
// files it; a monthly form dispatching 人居环境整治 is refused citing 4.9-3; the district admits the
// lawful one with a number (表号). The worker of 示例和平社区 finds it on the community's to-do list and
// fills it online (a typed 三千 is refused beside its field first), at 1366 px; the worker of 示例光明社区
// opens the same page at 390 px, downloads the Excel template in the browser, fills the 填报值 column
// (a small zip patch below) and uploads it. The department sees both returns in one table and
// exports it. It reads 示例和平社区's 独居老人名单 on /data (the demo's approved request), and the demo
// resident sees that read at /me/data-access; the audit administrator finds it in /data-access by
// the unit's name.
//
// It prints one line per step, stops at the first failure, and finally prints exactly one line
// `N passed, M failed`; the exit code is 0 only when nothing failed. Its files in ARTIFACTS are
// prefixed `forms-`.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import {
  ARTIFACTS,
  BASE,
  JIANFU_BIN,
  JianfuServer,
  PASSWORD,
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
  statusBadge,
  submit,
  text,
  useBase,
} from './lib.mjs';

const scratch = mkdtempSync(path.join(tmpdir(), 'jianfu-forms-'));
const DATA_DIR = path.join(scratch, 'data');
const SERVER_LOG = path.join(ARTIFACTS, 'forms-server.log');
writeFileSync(SERVER_LOG, '');
const server = new JianfuServer({ bin: JIANFU_BIN, dataDir: DATA_DIR, port: await freePort(), log: SERVER_LOG });
useBase(server.base);

const suite = new Suite({
  prefix: 'forms-',
  header: `jianfu browser test of report forms and shared data (4.8-3, 4.9): ${JIANFU_BIN} serve --demo at ${BASE} (screenshots in ${ARTIFACTS})`,
});

const STAMP = new Date().toISOString().slice(5, 16).replace(/[-:T]/g, '');
const TITLE = `浏览器测试：社区人口季报 ${STAMP}`;
const MONTHLY = `浏览器测试：人居环境整治月调度 ${STAMP}`;
const HEPING = '示例和平社区';
const GUANGMING = '示例光明社区';
const SECOND = 'guangming_worker';

// The current quarter in China time: the lawful form's period, so that exactly one period is due.
const china = new Date(Date.now() + 8 * 3600_000);
const YEAR = china.getUTCFullYear();
const Q0 = Math.floor(china.getUTCMonth() / 3) * 3; // 0-based first month of the quarter
const pad = (n) => String(n).padStart(2, '0');
const Q_START = `${YEAR}-${pad(Q0 + 1)}-01`;
const Q_END = `${YEAR}-${pad(Q0 + 3)}-${pad(new Date(Date.UTC(YEAR, Q0 + 3, 0)).getUTCDate())}`;

let browser;
let context;
let page;
let demandId; // the admitted form's demand id
let formNumber; // its admission number (表号)

async function loginAs(username, size) {
  ({ context, page } = await openContext(suite, browser, context, size));
  await logIn(page, username);
}

// The jianfu CLI on the suite's data directory (no JIANFU_* settings of the caller).
function cli(args, input) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('JIANFU_')));
  return execFileSync(JIANFU_BIN, ['--data-dir', DATA_DIR, ...args], {
    env: { ...env, NO_COLOR: '1' },
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

// ---------------------------------------------------------------------------
// A minimal zip reader and writer, enough to fill one column of the server's xlsx template
// (every part re-stored uncompressed; CRC-32 from node:zlib).

function unzip(buf) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd -= 1;
  assert.ok(eocd >= 0, 'the download is not a zip archive (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const parts = new Map();
  for (let i = 0; i < count; i += 1) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50, 'a broken central directory');
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataAt, dataAt + size);
    parts.set(name, method === 0 ? Buffer.from(raw) : inflateRawSync(raw));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return parts;
}

function zip(parts) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of parts) {
    const n = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(0x0800, 6); // UTF-8 names
    head.writeUInt32LE(crc, 14);
    head.writeUInt32LE(data.length, 18);
    head.writeUInt32LE(data.length, 22);
    head.writeUInt16LE(n.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(data.length, 20);
    dir.writeUInt32LE(data.length, 24);
    dir.writeUInt16LE(n.length, 28);
    dir.writeUInt32LE(offset, 42);
    locals.push(head, n, data);
    central.push(dir, n);
    offset += head.length + n.length + data.length;
  }
  const dirBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.size, 8);
  end.writeUInt16LE(parts.size, 10);
  end.writeUInt32LE(dirBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dirBuf, end]);
}

const xmlText = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const unXml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

// Fills column E (填报值) of the first sheet in the rows whose column A holds a field code of
// `values` ({code: value}); returns the new xlsx.
function fillTemplate(bytes, values) {
  const parts = unzip(bytes);
  const sst = parts.get('xl/sharedStrings.xml')?.toString('utf8') ?? '';
  const strings = [...sst.matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) =>
    unXml([...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')),
  );
  const sheetName = 'xl/worksheets/sheet1.xml';
  let sheet = parts.get(sheetName).toString('utf8');
  const cellText = (cell) => {
    const v = /<v>([\s\S]*?)<\/v>/.exec(cell)?.[1];
    if (/t="s"/.test(cell) && v !== undefined) return strings[Number(v)];
    const inline = /<is>[\s\S]*?<t[^>]*>([\s\S]*?)<\/t>/.exec(cell)?.[1];
    return unXml(inline ?? v ?? '');
  };
  const filled = [];
  sheet = sheet.replace(/<row r="(\d+)"([^>]*)>([\s\S]*?)<\/row>/g, (whole, r, attrs, cells) => {
    const a = /<c r="A\d+"[^>]*?(?:\/>|>[\s\S]*?<\/c>)/.exec(cells);
    const code = a ? cellText(a[0]) : '';
    if (!(code in values)) return whole;
    filled.push(code);
    const mine = `<c r="E${r}" t="inlineStr"><is><t>${xmlText(String(values[code]))}</t></is></c>`;
    let rest = cells.replace(new RegExp(`<c r="E${r}"[^>]*?(?:/>|>[\\s\\S]*?</c>)`), '');
    const f = rest.search(new RegExp(`<c r="F${r}"`));
    rest = f >= 0 ? rest.slice(0, f) + mine + rest.slice(f) : rest + mine;
    return `<row r="${r}"${attrs}>${rest}</row>`;
  });
  assert.deepEqual(filled.sort(), Object.keys(values).sort(), 'the template has a row for each field to fill');
  parts.set(sheetName, Buffer.from(sheet, 'utf8'));
  return zip(parts);
}

// The texts of a downloaded xlsx (shared strings and inline strings), for "it is in there".
function xlsxTexts(bytes) {
  const parts = unzip(bytes);
  return [...parts.entries()]
    .filter(([n]) => n.startsWith('xl/'))
    .map(([, b]) => b.toString('utf8'))
    .join('\n');
}

// The to-do row of the form for `community` on /form-returns; opens its fill page.
async function openReturn(community) {
  await goto(page, '/form-returns');
  const row = page.locator('tr', { hasText: TITLE }).filter({ hasText: community });
  assert.equal(await row.count(), 1, `${community}'s to-do list shows the form once`);
  assert.ok((await text(row)).includes(formNumber), `the to-do row shows 表号 ${formNumber}`);
  await Promise.all([page.waitForLoadState('load'), row.locator('a').first().click()]);
  assert.match(pathOf(page.url()), new RegExp(`^/form-returns/${demandId}/\\d+/`), `the fill page is at ${page.url()}`);
}

const steps = [
  ['init --demo, a worker of 示例光明社区 added with `jianfu user add`, serve --demo', async () => {
    cli(['init', '--demo']);
    cli(['user', 'add', SECOND, '--name', '示例光明社区工作者', '--node', '210302091002', '--role', 'community_worker', '--password-stdin', '--permanent'], `${PASSWORD}\n`);
    await server.start();
    browser = await launch();
  }],

  ['district_dept builds a quarterly form from the dictionary: 计算负担 shows 户籍人口数 pre-filled (4.8-3)', async () => {
    await loginAs('district_dept', 'desktop');
    await goto(page, '/demands/report-form');
    await page.locator('#title').fill(TITLE);
    await page.locator('#purpose').fill('掌握社区常住人口和人居环境整治进度（浏览器测试）');
    for (const code of ['HJ_RKS', 'CZ_RKS', 'HJZZ_JD']) {
      await page.locator(`#item_codes input[value="${code}"]`).check();
    }
    await page.locator('#respondent_level').selectOption('community');
    await page.locator('#frequency').selectOption('quarterly');
    await page.locator('#period_start').fill(Q_START);
    await page.locator('#period_end').fill(Q_END);
    await page.locator('#legal_basis').fill('《中华人民共和国基本医疗卫生与健康促进法》第三十一条');
    await page.locator('input[name="target_mode"][value="communities"]').check();
    await page.locator('#target_ids label', { hasText: HEPING }).locator('input').check();
    await page.locator('#target_ids label', { hasText: GUANGMING }).locator('input').check();
    const resp = await submit(page, page.locator('#assess'), '/demands/report-form/assess');
    await expectStatus(page, resp, 200);
    const preview = page.locator('#burden-preview');
    assert.equal(await preview.getAttribute('data-outcome'), 'allow', 'the preview says it can be filed');
    const shared = page.locator('#preview-fields tr', { hasText: 'HJ_RKS' });
    assert.ok((await text(shared)).includes('已预填'), `户籍人口数 is not shown pre-filled: ${await text(shared)}`);
    const asked = page.locator('#preview-fields tr', { hasText: 'CZ_RKS' });
    assert.ok((await text(asked)).includes('社区(村)填报'), '常住人口数 is asked of the community');
    assert.equal(await text(page.locator('#preview-respondents')), '2 个社区(村)');
    await suite.shot(page, '01-form-burden-preview-prefilled.png');
    const filed = await submit(page, page.getByRole('button', { name: '提交检查并报批' }), '/demands/report-form');
    await expectStatus(page, filed, 303);
    const m = /^\/demands\/(\d+)$/.exec(pathOf(page.url()));
    assert.ok(m, `after filing the browser is at ${page.url()}`);
    demandId = m[1];
    assert.equal(await statusBadge(page), '待审批', '#status of the lawful form');
    await suite.shot(page, '02-form-filed.png');
  }],

  ['a monthly form dispatching 人居环境整治 is refused: 不予准入, 4.9-3', async () => {
    await goto(page, '/demands/report-form');
    await page.locator('#title').fill(MONTHLY);
    await page.locator('#purpose').fill('逐月调度人居环境整治进度（浏览器测试）');
    await page.locator('#item_codes input[value="HJZZ_JD"]').check();
    await page.locator('#respondent_level').selectOption('community');
    await page.locator('#frequency').selectOption('monthly');
    await page.locator('#period_start').fill(Q_START);
    await page.locator('#period_end').fill(Q_END);
    await page.locator('#legal_basis').fill('鞍山市农村人居环境整治实施方案');
    await page.locator('#agricultural').check();
    await page.locator('#rural_work').selectOption('living_environment');
    await page.locator('input[name="target_mode"][value="communities"]').check();
    await page.locator('#target_ids label', { hasText: HEPING }).locator('input').check();
    const resp = await submit(page, page.getByRole('button', { name: '提交检查并报批' }), '/demands/report-form');
    await expectStatus(page, resp, 303);
    assert.equal(await statusBadge(page), '不予准入', '#status of a monthly 人居环境整治 form');
    const fs = await findings(page);
    const rural = fs.filter((f) => f.clauses.includes('/policy#4.9-3'));
    assert.ok(rural.length >= 1, `no finding cites 4.9-3: ${describe(fs)}`);
    assert.ok(rural.some((f) => f.text.includes('人居环境整治')), `the 4.9-3 finding does not name the work: ${describe(fs)}`);
    await suite.shot(page, '03-monthly-rural-form-refused-4.9-3.png');
  }],

  ['district_approver admits the quarterly form: 已准入 with a number, printed as 表号', async () => {
    await loginAs('district_approver', 'desktop');
    await goto(page, `/demands/${demandId}`);
    assert.equal(await statusBadge(page), '待审批');
    const resp = await submit(page, page.getByRole('button', { name: '准入并赋号' }), `/demands/${demandId}/admit`);
    await expectStatus(page, resp, 303);
    assert.equal(await statusBadge(page), '已准入');
    formNumber = await text(page.locator('#admission-number'));
    assert.match(formNumber, /^AZ-\d{4}-\d{6}-[0-9X]$/, `#admission-number is "${formNumber}"`);
    await suite.shot(page, '04-form-admitted.png');
  }],

  ['the worker of 示例和平社区 finds it on the to-do list and fills it online (三千 refused first), at 1366 px', async () => {
    await loginAs('worker', 'desktop');
    await openReturn(HEPING);
    assert.ok((await text(page.locator('#fill'))).includes('共享数据预填'), 'the shared 户籍人口数 is marked pre-filled');
    await page.locator('input[name="v_CZ_RKS"]').fill('三千');
    await page.locator('select[name="v_HJZZ_JD"]').selectOption('进行中');
    const bad = await submit(page, page.getByRole('button', { name: '报送', exact: true }), (p) => p.startsWith(`/form-returns/${demandId}/`));
    await expectStatus(page, bad, 422);
    const says = await text(page.locator('#fill'));
    assert.ok(says.includes('常住人口数') && says.includes('整数'), `the refusal does not say what is wrong: ${says}`);
    await suite.shot(page, '05-fill-type-mismatch.png');
    await page.locator('input[name="v_CZ_RKS"]').fill('3120');
    await page.locator('select[name="v_HJZZ_JD"]').selectOption('进行中');
    await suite.shot(page, '06-fill-online-desktop.png');
    const ok = await submit(page, page.getByRole('button', { name: '报送', exact: true }), (p) => p.startsWith(`/form-returns/${demandId}/`));
    await expectStatus(page, ok, 303);
    assert.ok((await text(page.locator('#state'))).includes('已报送'), `#state is ${await text(page.locator('#state'))}`);
    assert.ok((await text(page.locator('#history'))).includes('3120'));
  }],

  ['the fill page at 390 px: the worker of 示例光明社区 sees the form, pre-filled field marked, fitting the phone', async () => {
    await loginAs(SECOND, 'phone');
    await openReturn(GUANGMING);
    assert.equal(await page.locator('#fill input[name="v_CZ_RKS"]').count(), 1, 'the online form is shown');
    assert.ok((await text(page.locator('#fill'))).includes('共享数据预填'), 'the shared 户籍人口数 is marked pre-filled');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the fill page is ${overflow}px wider than the phone`);
    await suite.shot(page, '07-fill-page-phone.png');
  }],

  ['the worker of 示例光明社区 downloads the Excel template, fills 填报值 and uploads it', async () => {
    await loginAs(SECOND, 'desktop');
    await openReturn(GUANGMING);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#template-link').click()]);
    const template = path.join(scratch, 'template.xlsx');
    await download.saveAs(template);
    const bytes = readFileSync(template);
    assert.ok(xlsxTexts(bytes).includes(formNumber), 'the template carries the 表号');
    const filled = path.join(ARTIFACTS, 'forms-template-filled.xlsx');
    writeFileSync(filled, fillTemplate(bytes, { CZ_RKS: '2045', HJZZ_JD: '已完成' }));
    await page.locator('#upload-form input[name="file"]').setInputFiles(filled);
    await page.locator('#upload-form input[name="submit"]').check();
    const resp = await submit(page, page.locator('#upload-form').getByRole('button', { name: '上传' }), (p) => p.endsWith('/upload'));
    await expectStatus(page, resp, 303);
    assert.ok((await text(page.locator('#state'))).includes('已报送'), `#state is ${await text(page.locator('#state'))}`);
    assert.ok((await text(page.locator('#history'))).includes('2045'));
    await suite.shot(page, '08-uploaded-excel.png');
  }],

  ['district_dept sees both returns in one table and exports it', async () => {
    await loginAs('district_dept', 'desktop');
    await goto(page, `/report-forms/${demandId}/returns`);
    const done = await text(page.locator('#completeness'));
    assert.match(done, /应报 2 份，已报送 2 份/, `#completeness says ${done}`);
    const heping = await text(page.locator('tr', { hasText: HEPING }));
    const guangming = await text(page.locator('tr', { hasText: GUANGMING }));
    assert.ok(heping.includes('3120') && heping.includes('进行中'), heping);
    assert.ok(guangming.includes('2045') && guangming.includes('已完成'), guangming);
    await suite.shot(page, '09-department-returns.png');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '导出 Excel' }).click()]);
    const file = path.join(ARTIFACTS, 'forms-returns.xlsx');
    await download.saveAs(file);
    const all = xlsxTexts(readFileSync(file));
    for (const v of [HEPING, GUANGMING, '3120', '2045']) assert.ok(all.includes(v), `the export lacks ${v}`);
  }],

  ['district_dept reads 示例和平社区\'s 独居老人名单 on /data (ticked, masked, logged)', async () => {
    await goto(page, '/data');
    await page.locator('#community_id').selectOption({ label: HEPING });
    await page.locator('#items input[value="DJLR_MD"]').check();
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: '读取' }).click()]);
    const table = await text(page.locator('#shared-values'));
    assert.ok(table.includes('2103**********1238'), `the list is not shown masked: ${table}`);
    assert.ok(!table.includes('210302199001011238'), 'a full ID number is on the page');
    await suite.shot(page, '10-shared-data-read.png');
  }],

  ['the demo resident sees the department\'s reads of their record at /me/data-access (390 px)', async () => {
    ({ context, page } = await openContext(suite, browser, context, 'phone'));
    await logIn(page, 'resident');
    await goto(page, '/me/data-access');
    const body = await text(page.locator('main'));
    assert.ok(body.includes('铁东区卫生健康局') && body.includes('独居老人名单'), body);
    assert.ok(body.includes('页面查阅'), `the department's page read is not listed: ${body}`);
    assert.ok(body.includes('开展冬季独居老人探访关爱服务'), 'the purpose of the approved request is shown');
    await suite.shot(page, '11-resident-data-access-phone.png');
  }],

  ['the audit administrator filters /data-access by the unit\'s name', async () => {
    await loginAs('auditor', 'desktop');
    await goto(page, '/data-access');
    await page.locator('#unit').selectOption({ label: '铁东区卫生健康局' });
    await page.locator('#community').selectOption({ label: HEPING });
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: '筛选' }).click()]);
    const rows = page.locator('#data-access tbody tr');
    assert.ok((await rows.count()) >= 4, `expected the demo's and the story's reads, got ${await rows.count()}`);
    for (const r of await rows.allInnerTexts()) assert.ok(r.includes('铁东区卫生健康局'), r);
    await suite.shot(page, '12-auditor-data-access.png');
  }],
];

process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
// Closing the browser also stops the suite's server (Suite.run closes "the browser" last).
const closer = {
  async close() {
    await browser?.close().catch(() => {});
    await server.stop().catch(() => {});
  },
};
await suite.run(steps, () => ({ page, browser: closer }));
