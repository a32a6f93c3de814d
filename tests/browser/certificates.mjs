// Browser test of certificates and electronic seals (证明事项与电子印章, policy 4.5) against a
// running jianfu server.
//
//   JIANFU_URL  base URL of the server        (default http://127.0.0.1:8080)
//   ARTIFACTS   where screenshots are written (default artifacts/browser)
//   CHROMIUM    browser binary                (default /usr/bin/chromium)
//
// The server must run with demo data (`jianfu serve --demo`, fresh data directory) and without
// --public-url, or with one that reaches it: the accounts resident, worker and head of
// 示例和平社区 in 铁东区 (password `Jianfu@2026`), 铁东区's catalogue (all city types but
// 志愿服务记录证明), the 20 discontinued types, and the community's electronic seal.
// Needs `pdftoppm` (poppler-utils); decodes the QR code with `zbarimg` (zbar-tools) if present.
//
// The story: anybody reads the service guides; a resident applies for a residence certificate
// with a PNG attachment; the community worker issues it (seal and signature); the PDF is
// downloaded, rendered to PNG and its QR code read; the public verification page says authentic
// and masks the ID number and names the format (GB/T 38540); the root certificate downloads from
// /verify (PEM, DER); the worker downloads the OFD, `jianfu verify --root` accepts it and names
// the reason for a tampered copy; uploaded on /verify (核验文件) the OFD is valid and the
// tampered copy shows its reason; the worker revokes it and verification says revoked; a
// public-interest certificate is not issued without deliberation (4.5-5); a type outside the
// district's catalogue is refused (4.5-10); the head sees the use of the seal in the ledger.
//
// Unlike smoke.mjs and demands.mjs, any browser console error (a CSP violation, a script error,
// a failed sub-resource) fails the step it happens in; only the error status of a request the
// step expects to fail (the refused issue of step 10) is allowed.
//
// It prints one line per step, stops at the first failure, and finally prints exactly one line
// `N passed, M failed`; the exit code is 0 only when nothing failed. Its files in ARTIFACTS are
// prefixed `certificates-`; the downloaded certificate is ARTIFACTS/certificate.pdf and its
// first page ARTIFACTS/certificate-1.png, its OFD ARTIFACTS/certificate.ofd, the root
// certificate ARTIFACTS/root.pem and root.der. Runs `jianfu verify` (JIANFU_BIN, default
// $CARGO_TARGET_DIR/debug/jianfu).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ARTIFACTS,
  JIANFU_BIN,
  pdfQr,
  pngBytes,
  which,
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
  url,
} from './lib.mjs';

const suite = new Suite({
  prefix: 'certificates-',
  header: `jianfu browser test of certificates and seals against ${BASE} (screenshots in ${ARTIFACTS})`,
});

// ---------------------------------------------------------------------------
// helpers

// The demo resident's ID number (bootstrap.rs DEMO_ID_NUMBER): valid, invented. It must never
// appear in full on a list or the public verification page.
const ID_NUMBER = '210302199001011238';
const ID_MASKED = '2103**********1238';
// A suffix that makes texts unique across runs against the same server.
const STAMP = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
const SERIAL_RE = /^ZM-\d{4}-\d{6,8}$/;



const scratch = mkdtempSync(path.join(tmpdir(), 'jianfu-certificates-'));
const ATTACHMENT = path.join(scratch, '户口簿首页.png');
writeFileSync(ATTACHMENT, pngBytes());

let browser;
let context; // the context of the user currently acting
let page; // the page the current step works on; saved on failure
let allowed = []; // [{path, status}] the current step expects to fail

async function freshContext(size) {
  ({ context, page } = await openContext(suite, browser, context, size));
  return page;
}

// Log in as `username` in a fresh context (1280×900, or one of lib's SIZES).
async function loginAs(username, size) {
  await freshContext(size);
  await logIn(page, username);
}

// The step expects a request to `p` to answer `status` (Chromium logs that as a console error).
function expectFailure(p, status) {
  allowed.push({ path: p, status });
}

// Fail on console errors and uncaught page errors since `from` (an index into suite.errors),
// except the "Failed to load resource" of a request the step expected to fail, and the 404 of
// the /favicon.ico Chromium asks for by itself (the pages declare no icon; it is not a request
// of the page).
function assertCleanConsole(from) {
  const unexpected = suite.errors.slice(from).filter((e) => {
    const m = e.text.match(/^Failed to load resource: the server responded with a status of (\d+)/);
    if (!m) return true;
    let p;
    try {
      p = pathOf(e.url);
    } catch {
      return true;
    }
    if (p === '/favicon.ico' && m[1] === '404') return false;
    return !allowed.some((a) => a.path === p && a.status === Number(m[1]));
  });
  assert.equal(
    unexpected.length,
    0,
    `browser console error(s):\n${unexpected.map((e) => `${e.page}: ${e.text} (${e.url})`).join('\n')}`,
  );
}

// Fill and submit the application form as the logged-in resident; returns the application id
// once the browser shows the application page.
async function apply(typeCode, typeName, purpose, { attach = false, screenshot } = {}) {
  await goto(page, '/certificates/apply');
  assert.equal(await text(page.locator('h1').first()), '申请开具证明', 'the form has the wrong <h1>');
  await page.locator('#type_code').selectOption(typeCode);
  const label = await text(page.locator('#type_code option:checked'));
  assert.ok(label.startsWith(typeName), `option ${typeCode} is labelled "${label}", expected ${typeName}`);
  await page.getByLabel('申请人姓名').fill('示例居民张三');
  await page.getByLabel('公民身份号码').fill(ID_NUMBER);
  await page.getByLabel('办理用途').fill(purpose);
  await page.getByLabel('补充说明').fill(`浏览器测试 ${STAMP}：自2019年3月起居住于和平街1号。`);
  if (attach) await page.locator('#attachments').setInputFiles(ATTACHMENT);
  if (screenshot) await suite.shot(page, screenshot);
  const resp = await submit(page, page.getByRole('button', { name: '提交申请' }), '/certificates/apply');
  await expectStatus(page, resp, 303);
  const m = pathOf(page.url()).match(/^\/certificates\/(\d+)$/);
  assert.ok(m, `after 提交申请 the browser is at ${page.url()}, expected /certificates/{id}`);
  assert.ok(
    (await text(page.locator('h1').first())).includes(typeName),
    `the application page's <h1> does not name ${typeName}`,
  );
  return Number(m[1]);
}

// The worker's click on 出具证明并用印 for application `id`; returns the POST's response.
async function clickIssue(id) {
  const button = page.getByRole('button', { name: '出具证明并用印' });
  assert.equal(await button.count(), 1, `no 出具证明并用印 button on /certificates/${id}`);
  return submit(page, button, `/certificates/${id}/issue`);
}

// Open the verification link logged out; returns #verify-result.
async function verifyLoggedOut(link) {
  await freshContext();
  const u = new URL(link);
  await goto(page, u.pathname + u.search);
  const result = page.locator('#verify-result');
  assert.equal(await result.count(), 1, `no #verify-result on ${u.pathname}${u.search}`);
  const html = await page.content();
  assert.ok(!html.includes(ID_NUMBER), 'the public verification page contains the full ID number');
  return result;
}

// ---------------------------------------------------------------------------
// what the story carries from step to step

const PURPOSE = `子女入学（浏览器测试 ${STAMP}）`;
const REVOKE_REASON = `浏览器测试：申请人已迁出本社区，证明内容与实际不符（${STAMP}）`;
let applicationId; // the residence application of step 2
let certId; // its certificate's id (from the download link)
let serial;
let verifyLink;

const steps = [
  ['public /guides: 铁东区 catalogue (居住情况证明 …), 志愿服务记录证明 not adopted, 20 discontinued', async () => {
    browser = await launch();
    await freshContext();
    await goto(page, '/guides');
    assert.equal(await text(page.locator('h1').first()), '证明事项办事指南', 'the guides page has the wrong <h1>');
    assert.equal(await text(page.locator('#district option:checked')), '铁东区', 'the district select does not default to 铁东区');
    const catalogue = page.locator('#catalogue tbody tr');
    const names = await catalogue.locator('td:first-child a').allInnerTexts();
    for (const name of ['居住情况证明', '家庭经济困难情况证明', '涉及居民共同利益事项的居民意见证明']) {
      assert.ok(names.includes(name), `#catalogue does not list ${name}; it lists ${names.join('、')}`);
    }
    assert.ok(!names.includes('志愿服务记录证明'), '#catalogue lists 志愿服务记录证明, which 铁东区 has not adopted');
    const heading = await page.locator('h2', { hasText: '社区(村)可出具的证明' }).allInnerTexts();
    assert.ok(heading.some((h) => h.includes('铁东区') && h.includes(`（${names.length} 项）`)), `catalogue heading: ${heading}`);
    assert.ok(
      (await page.locator('main li a[href="/guides/volunteer_service"]').count()) === 1,
      'the list of city types 铁东区 has not adopted does not link 志愿服务记录证明',
    );
    const discontinued = page.locator('#discontinued tbody tr');
    assert.equal(await discontinued.count(), 20, 'the discontinued list (#discontinued) does not have 20 rows');
    assert.ok(
      (await page.locator('h2', { hasText: '不再由社区(村)出具的证明（20 项）' }).count()) === 1,
      'no heading 不再由社区(村)出具的证明（20 项）',
    );
    await suite.shot(page, '01-guides.png');
  }],

  ['public guide 居住情况证明: materials, time limit; the sample PDF is application/pdf', async () => {
    await page.locator('#catalogue a', { hasText: '居住情况证明' }).first().click();
    await page.waitForURL((u) => u.pathname === '/guides/residence');
    await page.waitForLoadState('load');
    assert.equal(await text(page.locator('h1').first()), '居住情况证明', 'the guide has the wrong <h1>');
    const guide = await text(page.locator('#guide'));
    for (const part of ['设定依据', '申请材料', '出具时限', '当场办结', '证明式样']) {
      assert.ok(guide.includes(part), `the guide (#guide) does not mention ${part}`);
    }
    const apply = page.getByRole('link', { name: '登录后在线申请' });
    assert.equal(await apply.count(), 1, 'a logged-out visitor is not offered 登录后在线申请');
    assert.equal(await apply.getAttribute('href'), '/certificates/apply?type=residence', 'the 登录后在线申请 link');
    const link = page.getByRole('link', { name: '下载证明样本（PDF）' });
    assert.equal(await link.count(), 1, 'no 下载证明样本（PDF） link on the guide');
    const href = await link.getAttribute('href');
    assert.equal(href, '/guides/residence/sample.pdf', 'the sample link');
    const resp = await context.request.get(url(href));
    assert.equal(resp.status(), 200, `GET ${href} answered ${resp.status()}`);
    assert.equal(resp.headers()['content-type'], 'application/pdf', `GET ${href} content-type`);
    const body = await resp.body();
    assert.equal(body.subarray(0, 5).toString('latin1'), '%PDF-', `GET ${href} is not a PDF`);
    await suite.shot(page, '02-guide.png');
  }],

  ['resident applies for 居住情况证明 with a PNG attachment: 办理中, ID number masked', async () => {
    await loginAs('resident');
    applicationId = await apply('residence', '居住情况证明', PURPOSE, { attach: true, screenshot: '03-apply-form.png' });
    assert.equal(await statusBadge(page), '办理中', '#status after 提交申请');
    const flash = await page.locator('.flash').allInnerTexts();
    assert.ok(flash.some((f) => f.includes('申请已提交')), `no flash 申请已提交 (flashes: ${flash.join(' | ')})`);
    const attachment = page.locator(`a[href^="/certificates/${applicationId}/attachments/"]`);
    assert.equal(await attachment.count(), 1, 'the application page does not link the attachment');
    assert.equal(await text(attachment), '户口簿首页.png', 'the attachment link text');
    assert.equal(await text(page.locator('#id-masked')), ID_MASKED, '#id-masked');
    assert.ok(!(await page.content()).includes(ID_NUMBER), 'the application page shows the full ID number unasked');
    assert.ok((await page.locator('main').innerText()).includes(PURPOSE), 'the application page does not show the purpose');
    await suite.shot(page, '04-applied.png');
  }],

  ['worker opens it from /certificates and clicks 出具证明并用印: 已出具, serial and verify link', async () => {
    await loginAs('worker');
    await goto(page, '/certificates');
    const row = page.locator('#applications tbody tr', { has: page.locator(`a[href="/certificates/${applicationId}"]`) });
    assert.equal(await row.count(), 1, `/certificates has no row for application #${applicationId}`);
    const rowText = await row.innerText();
    assert.ok(rowText.includes('居住情况证明') && rowText.includes('办理中'), `the row of #${applicationId}: ${rowText}`);
    assert.ok(rowText.includes(ID_MASKED), `the row of #${applicationId} does not show the masked ID number`);
    assert.ok(!(await page.content()).includes(ID_NUMBER), '/certificates shows a full ID number');
    await suite.shot(page, '05-worker-list.png');
    await row.locator(`a[href="/certificates/${applicationId}"]`).click();
    await page.waitForURL((u) => u.pathname === `/certificates/${applicationId}`);
    await page.waitForLoadState('load');
    assert.equal(await statusBadge(page), '办理中', '#status before issuing');
    const resp = await clickIssue(applicationId);
    await expectStatus(page, resp, 303);
    assert.equal(pathOf(page.url()), `/certificates/${applicationId}`, `after issuing the browser is at ${page.url()}`);
    assert.equal(await statusBadge(page), '已出具', '#status after 出具证明并用印');
    serial = await text(page.locator('#serial'));
    assert.match(serial, SERIAL_RE, `#serial is "${serial}"`);
    assert.equal(await page.locator('#certificate').getAttribute('data-status'), 'issued', '#certificate[data-status]');
    verifyLink = await page.locator('#verify-link').getAttribute('href');
    const v = new URL(verifyLink);
    assert.equal(v.pathname, '/verify', `the verify link ${verifyLink} is not to /verify`);
    assert.equal(v.searchParams.get('serial'), serial, `the verify link ${verifyLink} has another serial`);
    assert.match(v.searchParams.get('code') ?? '', /^[0-9A-Za-z]{8,}$/, `the verify link ${verifyLink} has no check code`);
    await suite.shot(page, '06-issued.png');
  }],

  ['download the PDF (下载证明): certificate.pdf → pdftoppm certificate-1.png; the QR code is the verify link', async () => {
    const pdftoppm = which('pdftoppm');
    assert.ok(pdftoppm, 'pdftoppm is not installed (apt-get install poppler-utils)');
    const link = page.locator('#download-pdf');
    assert.ok((await text(link)).startsWith('下载证明'), `#download-pdf says "${await text(link)}"`);
    const href = await link.getAttribute('href');
    certId = Number(href.match(/^\/issued\/(\d+)\/pdf$/)?.[1]);
    assert.ok(certId, `#download-pdf links ${href}`);
    const response = page.waitForResponse((r) => pathOf(r.url()) === href);
    const download = page.waitForEvent('download');
    await link.click();
    const resp = await response;
    assert.equal(resp.status(), 200, `GET ${href} answered ${resp.status()}`);
    assert.equal(resp.headers()['content-type'], 'application/pdf', `GET ${href} content-type`);
    const pdfPath = path.join(ARTIFACTS, 'certificate.pdf');
    await (await download).saveAs(pdfPath);
    const pdf = readFileSync(pdfPath);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-', 'the download is not a PDF');

    const pngBase = path.join(ARTIFACTS, 'certificate');
    const decoded = pdfQr(pdftoppm, pdfPath, pngBase, scratch);
    if (decoded === undefined) {
      console.log('     note: zbarimg is not installed (zbar-tools); the QR code was not decoded');
      return;
    }
    assert.ok(decoded !== null, 'zbarimg found no QR code on page 1 of the certificate');
    assert.equal(decoded, verifyLink, 'the QR code of the PDF is not the verify link shown on the page');
  }],

  ['resident sees 已出具 among the 待办 of the home page and /inbox, at 1366 and 390 px', async () => {
    for (const size of ['desktop', 'phone']) {
      await loginAs('resident', size);
      const filter = { has: page.locator(`a[href="/certificates/${applicationId}"]`) };
      const item = await todoItem(page, filter, '已出具');
      assert.ok((await item.innerText()).includes('可在申请页面下载证明'), `the ${size} inbox item says: ${await item.innerText()}`);
      await suite.shot(page, `06b-resident-inbox-${size}.png`);
      await item.locator(`a[href="/certificates/${applicationId}"]`).click();
      await page.waitForURL((u) => u.pathname === `/certificates/${applicationId}`);
      assert.equal(await statusBadge(page), '已出具', `#status of the application opened from the ${size} inbox`);
    }
  }],

  ['logged out: the verify link says 真实有效 (data-state="authentic"), ID number masked', async () => {
    const result = await verifyLoggedOut(verifyLink);
    assert.equal(await result.getAttribute('data-state'), 'authentic', '#verify-result[data-state]');
    const shown = await result.innerText();
    for (const part of ['真实有效', serial, '居住情况证明', '示例和平社区', ID_MASKED]) {
      assert.ok(shown.includes(part), `#verify-result does not show ${part}`);
    }
    await suite.shot(page, '07-verify-authentic.png');
  }],

  ['logged out on /verify: the format (GB/T 38540, OFD) is named; the root certificate downloads as PEM and DER', async () => {
    const format = page.locator('#verify-format');
    assert.equal(await format.count(), 1, 'the verify page does not say which format the certificate uses (#verify-format)');
    const said = await text(format);
    assert.ok(said.includes('GB/T 38540') && said.includes('OFD'), `#verify-format says "${said}", not the GB/T 38540 format`);
    await format.scrollIntoViewIfNeeded();
    await suite.shot(page, '07b-verify-format.png');
    for (const [name, href, type] of [
      ['PEM 格式', '/api/v1/seal-authority/root.pem', 'application/x-pem-file'],
      ['DER 格式', '/api/v1/seal-authority/root.der', 'application/pkix-cert'],
    ]) {
      const link = page.locator('#root-certificate').getByRole('link', { name });
      assert.equal(await link.count(), 1, `no ${name} link to the root certificate beside the verify form`);
      assert.equal(await link.getAttribute('href'), href, `the ${name} link`);
      // A download answers no page response to wait for: fetch the link's target in the page's
      // context and keep it as the artefact the next step verifies with.
      const resp = await page.request.get(new URL(href, page.url()).toString());
      assert.equal(resp.status(), 200, `GET ${href} answered ${resp.status()}`);
      assert.equal(resp.headers()['content-type'], type, `GET ${href} content-type`);
      const file = path.join(ARTIFACTS, href.endsWith('.pem') ? 'root.pem' : 'root.der');
      writeFileSync(file, await resp.body());
      const bytes = readFileSync(file);
      if (href.endsWith('.pem')) {
        assert.ok(bytes.toString('latin1').startsWith('-----BEGIN CERTIFICATE-----'), `${file} is not a PEM certificate`);
      } else {
        assert.equal(bytes[0], 0x30, `${file} is not DER (no SEQUENCE)`);
      }
    }
  }],

  ['worker downloads the OFD (下载证明（OFD）); `jianfu verify --root root.pem` accepts it and names the reason for a tampered copy', async () => {
    await loginAs('worker');
    await goto(page, `/certificates/${applicationId}`);
    const link = page.locator('#download-ofd');
    assert.equal(await link.count(), 1, 'no #download-ofd on the page of a GB/T 38540 certificate');
    assert.ok((await text(link)).includes('OFD'), `#download-ofd says "${await text(link)}"`);
    const href = await link.getAttribute('href');
    assert.equal(href, `/issued/${certId}/ofd`, '#download-ofd');
    const response = page.waitForResponse((r) => pathOf(r.url()) === href);
    const download = page.waitForEvent('download');
    await link.click();
    const resp = await response;
    assert.equal(resp.status(), 200, `GET ${href} answered ${resp.status()}`);
    assert.equal(resp.headers()['content-type'], 'application/ofd', `GET ${href} content-type`);
    const ofdPath = path.join(ARTIFACTS, 'certificate.ofd');
    await (await download).saveAs(ofdPath);
    const ofd = readFileSync(ofdPath);
    assert.equal(ofd.subarray(0, 4).toString('latin1'), 'PK\x03\x04', 'the OFD download is not a zip package');
    for (const name of ['OFD.xml', 'Doc_0/Signs/Sign_0/Signature.xml', 'Doc_0/Signs/Sign_0/SignedValue.dat', 'Doc_0/Signs/Sign_0/Seal.esl', 'Doc_0/Res/font_0.otf']) {
      assert.ok(ofd.includes(Buffer.from(name)), `the OFD package has no ${name}`);
    }
    await suite.shot(page, '07c-ofd-downloaded.png');
    // Offline, with the root certificate downloaded from /verify in the step before.
    const root = path.join(ARTIFACTS, 'root.pem');
    const run = (file) => spawnSync(JIANFU_BIN, ['verify', '--root', root, file], { encoding: 'utf8', timeout: 60_000 });
    assert.ok(existsSync(JIANFU_BIN), `the jianfu binary ${JIANFU_BIN} is missing (set JIANFU_BIN)`);
    const good = run(ofdPath);
    assert.equal(good.status, 0, `jianfu verify refused the downloaded OFD: ${good.stdout}${good.stderr}`);
    assert.ok(good.stdout.includes('核验通过'), `jianfu verify said: ${good.stdout}`);
    // One byte of the package changed: refused, with the reason and its code.
    const tampered = Buffer.from(ofd);
    tampered[Math.floor(tampered.length / 2)] ^= 0x01;
    const tamperedPath = path.join(scratch, 'tampered.ofd');
    writeFileSync(tamperedPath, tampered);
    const bad = run(tamperedPath);
    const said = `${bad.stdout}${bad.stderr}`;
    assert.notEqual(bad.status, 0, `jianfu verify accepted a tampered OFD: ${said}`);
    assert.match(said, /核验未通过（OFD）：.+（[a-z_]+）/, `jianfu verify gave no reason for the tampered OFD: ${said}`);
    console.log(`     tampered copy: ${said.trim().split('\n').pop()}`);
  }],

  ['logged out on /verify: the downloaded OFD uploaded (核验文件) says 签章有效; the tampered copy says 核验未通过 with its reason', async () => {
    await freshContext();
    const ofdPath = path.join(ARTIFACTS, 'certificate.ofd');
    const tamperedPath = path.join(scratch, 'tampered.ofd');
    const upload = async (file) => {
      await goto(page, '/verify');
      await page.getByLabel('证明文件（PDF 或 OFD，不超过 4 MB）').setInputFiles(file);
      const resp = await submit(page, page.getByRole('button', { name: '核验文件' }), '/verify/file');
      await expectStatus(page, resp, 200);
      const result = page.locator('#verify-file-result');
      assert.equal(await result.count(), 1, 'no #verify-file-result after 核验文件');
      return result;
    };
    let result = await upload(ofdPath);
    assert.equal(await result.getAttribute('data-valid'), 'true', `the downloaded OFD: ${await result.innerText()}`);
    const shown = await result.innerText();
    for (const part of ['签章有效', serial, 'GB/T 38540']) {
      assert.ok(shown.includes(part), `#verify-file-result does not show ${part}: ${shown}`);
    }
    await result.scrollIntoViewIfNeeded();
    await suite.shot(page, '07d-verify-file-valid.png');
    result = await upload(tamperedPath);
    assert.equal(await result.getAttribute('data-valid'), 'false', 'a tampered OFD was accepted');
    const reason = await text(page.locator('#verify-file-reason'));
    const code = await result.getAttribute('data-code');
    assert.ok(reason.length > 4, `#verify-file-reason is "${reason}"`);
    assert.match(code, /^[a-z_]+$/, `data-code="${code}"`);
    assert.ok((await result.innerText()).includes('核验未通过'), 'the tampered OFD is not said to fail');
    console.log(`     tampered upload: ${reason} (${code})`);
    await result.scrollIntoViewIfNeeded();
    await suite.shot(page, '07e-verify-file-tampered.png');
  }],

  ['worker revokes the certificate with a reason: 已撤销 on the application page', async () => {
    await loginAs('worker');
    await goto(page, `/certificates/${applicationId}`);
    await page.getByLabel('撤销理由').fill(REVOKE_REASON);
    const resp = await submit(page, page.getByRole('button', { name: '撤销证明' }), `/issued/${certId}/revoke`);
    await expectStatus(page, resp, 303);
    assert.equal(pathOf(page.url()), `/certificates/${applicationId}`, `after revoking the browser is at ${page.url()}`);
    const cert = page.locator('#certificate');
    assert.equal(await cert.getAttribute('data-status'), 'revoked', '#certificate[data-status] after 撤销证明');
    assert.ok((await cert.innerText()).includes(REVOKE_REASON), '#certificate does not show the reason');
    await suite.shot(page, '08-revoked.png');
  }],

  ['logged out: the verify link now says 已撤销 (data-state="revoked") with the reason', async () => {
    const result = await verifyLoggedOut(verifyLink);
    assert.equal(await result.getAttribute('data-state'), 'revoked', '#verify-result[data-state]');
    const shown = await result.innerText();
    assert.ok(shown.includes('已撤销'), '#verify-result does not say 已撤销');
    assert.ok(shown.includes(REVOKE_REASON), '#verify-result does not show the revocation reason');
    await suite.shot(page, '09-verify-revoked.png');
  }],

  ['public interest (居民意见证明): 出具 without deliberation is refused citing 4.5-5; stays 办理中', async () => {
    await loginAs('resident');
    const id = await apply('common_interest_opinion', '涉及居民共同利益事项的居民意见证明', `申请加装电梯（浏览器测试 ${STAMP}）`);
    assert.equal(await statusBadge(page), '办理中', '#status of the public-interest application');
    await loginAs('worker');
    await goto(page, `/certificates/${id}`);
    assert.equal(
      await page.locator('#deliberation-form').count(),
      1,
      'no deliberation form (#deliberation-form) on a public-interest application',
    );
    expectFailure(`/certificates/${id}/issue`, 422);
    const resp = await clickIssue(id);
    await expectStatus(page, resp, 422);
    const error = page.locator('#form-error');
    assert.equal(await error.count(), 1, 'no #form-error after a refused 出具');
    const msg = await text(error);
    assert.ok(msg.includes('4.5-5'), `#form-error does not name 4.5-5: "${msg}"`);
    assert.ok(msg.includes('议事协商'), `#form-error does not mention 议事协商: "${msg}"`);
    assert.equal(await statusBadge(page), '办理中', '#status after the refused 出具');
    assert.equal(await page.locator('#certificate').count(), 0, 'a #certificate is shown after the refused 出具');
    await suite.shot(page, '10-public-interest-refused.png');
  }],

  ['outside the catalogue (志愿服务记录证明): 不予出具, finding with clause 4.5-10; /certificates/mine shows why', async () => {
    await loginAs('resident');
    const id = await apply('volunteer_service', '志愿服务记录证明', `评优（浏览器测试 ${STAMP}）`);
    assert.equal(await statusBadge(page), '不予出具', '#status of an application outside the catalogue');
    const fs = await findings(page);
    const f = fs.find((x) => x.clauses.includes('/policy#4.5-10'));
    assert.ok(f, `no ul.findings li[data-code] with an a.clause to /policy#4.5-10; findings: ${describe(fs)}`);
    const clause = page.locator('ul.findings li[data-code] a.clause[href="/policy#4.5-10"]').first();
    assert.equal(await text(clause), '4.5-10', 'the clause link text');
    const refusal = page.locator('#refusal');
    assert.equal(await refusal.count(), 1, 'no #refusal on a refused application');
    const reason = (await text(refusal)).replace(/^不予出具：/, '');
    assert.ok(reason.length > 0, '#refusal gives no reason');
    await suite.shot(page, '11-not-in-catalogue.png');

    await goto(page, '/certificates/mine');
    const row = page.locator('#my-applications tbody tr', { has: page.locator(`a[href="/certificates/${id}"]`) });
    assert.equal(await row.count(), 1, `/certificates/mine has no row for application #${id}`);
    assert.equal(await row.getAttribute('data-status'), 'refused', `the row of #${id}: data-status`);
    const rowText = await row.innerText();
    assert.ok(rowText.includes('不予出具'), `the row of #${id} does not say 不予出具: ${rowText}`);
    assert.ok(rowText.includes(reason), `the row of #${id} does not give the reason "${reason}": ${rowText}`);
    assert.equal(
      await row.locator('a.clause[href="/policy#4.5-10"]').count(),
      1,
      `the row of #${id} does not link clause 4.5-10`,
    );
    assert.ok(!(await page.content()).includes(ID_NUMBER), '/certificates/mine shows the full ID number');
    await suite.shot(page, '12-mine.png');
  }],

  ['head: the seal ledger (/seal-uses) lists the use of the seal for the serial', async () => {
    await loginAs('head');
    await goto(page, '/seal-uses');
    const row = page.locator('#seal-uses tbody tr', { hasText: serial });
    assert.equal(await row.count(), 1, `/seal-uses has no row with ${serial}`);
    const rowText = await row.innerText();
    for (const part of ['示例和平社区', '居住情况证明', 'worker']) {
      assert.ok(rowText.includes(part), `the ledger row of ${serial} does not show ${part}: ${rowText}`);
    }
    await suite.shot(page, '13-seal-uses.png');
  }],
];

// Every step also checks the browser console.
const checked = steps.map(([title, run]) => [
  title,
  async () => {
    const from = suite.errors.length;
    allowed = [];
    await run();
    assertCleanConsole(from);
  },
]);

process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
await suite.run(checked, () => ({ page, browser }));
