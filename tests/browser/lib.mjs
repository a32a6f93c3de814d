// What the browser suites (smoke.mjs, demands.mjs, certificates.mjs, cases.mjs, plaques.mjs,
// pages.mjs) share: the settings, launching Chromium, a watcher for console and network trouble,
// screenshots, logging in, the step runner that prints one line per step and exactly one line
// `N passed, M failed`, the crawler that walks every page a role reaches (pages.mjs),
// and (for plaques.mjs) starting and restarting a jianfu server of the suite's own.
//
//   JIANFU_URL  base URL of the server        (default http://127.0.0.1:8080)
//   ARTIFACTS   where screenshots are written (default artifacts/browser)
//   CHROMIUM    browser binary                (default /usr/bin/chromium)
//   JIANFU_BIN  the binary JianfuServer runs  (default $CARGO_TARGET_DIR/debug/jianfu, else the
//               repository's target/debug/jianfu)

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

// `let`, so that a suite that starts its own server (see JianfuServer) can point the helpers
// below at it with useBase(); the other suites never change it.
export let BASE = (process.env.JIANFU_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
export function useBase(base) {
  BASE = base.replace(/\/+$/, '');
}
export const ARTIFACTS = process.env.ARTIFACTS || 'artifacts/browser';
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const PASSWORD = 'Jianfu@2026';

// The flags known to work on the CI machine. Playwright adds `--headless`
// itself (headless: true) and starts every launch with a fresh, temporary
// --user-data-dir, so no state leaks between runs.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const url = (p) => BASE + p;
export const pathOf = (u) => new URL(u).pathname;

mkdirSync(ARTIFACTS, { recursive: true });

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

// One suite's bookkeeping. `prefix` goes in front of every file it writes into ARTIFACTS
// (screenshots, FAILED-stepN.*, console.log), so that the suites can share the folder.
export class Suite {
  constructor({ prefix = '', header }) {
    this.prefix = prefix;
    this.header = header;
    // Problems that are worth a look (console errors and warnings, CSP violations, failed
    // sub-resources, 4xx/5xx sub-requests). Written to ARTIFACTS/<prefix>console.log.
    this.notes = [];
    // Console errors and uncaught page errors only: [{page, text, url}] with the URL the
    // message is about. A suite that wants a clean console checks these itself.
    this.errors = [];
    // The confirmation dialogs accepted, in order (see newPage).
    this.confirmed = [];
    // Set to answer them 取消 instead (to check that cancelling changes nothing).
    this.cancelDialogs = false;
  }

  async shot(p, name) {
    await p.screenshot({ path: path.join(ARTIFACTS, `${this.prefix}${name}`), fullPage: true });
  }

  // Attach listeners that record anything suspicious a page does.
  watch(p) {
    p.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') {
        this.notes.push(`[console.${m.type()}] ${p.url()} ${m.text()}`);
      }
      if (m.type() === 'error') {
        this.errors.push({ page: p.url(), text: m.text(), url: m.location()?.url || p.url() });
      }
    });
    p.on('pageerror', (e) => {
      this.notes.push(`[pageerror] ${p.url()} ${e.message}`);
      this.errors.push({ page: p.url(), text: `uncaught: ${e.message}`, url: p.url() });
    });
    p.on('requestfailed', (r) =>
      this.notes.push(`[requestfailed] ${r.url()} ${r.failure()?.errorText ?? ''}`),
    );
    p.on('response', (r) => {
      if (r.status() >= 400 && !r.request().isNavigationRequest()) {
        this.notes.push(`[http ${r.status()}] ${r.request().method()} ${r.url()}`);
      }
    });
    return p;
  }

  // A watched page with the suites' default timeout.
  async newPage(ctx) {
    const p = this.watch(await ctx.newPage());
    // Irreversible actions ask for confirmation (data-confirm): the stories agree, and note it.
    p.on('dialog', (d) => {
      this.confirmed.push(d.message());
      return this.cancelDialogs ? d.dismiss() : d.accept();
    });
    p.setDefaultTimeout(15_000);
    return p;
  }

  // Runs the steps in order, stops at the first failure (the story builds on itself), and
  // exits the process: 0 only when every step passed. `state()` gives {page, browser} as
  // they are when needed: the page is saved on failure, the browser closed at the end.
  async run(steps, state) {
    let passed = 0;
    let failed = 0;
    console.log(this.header);

    for (const [i, [title, run]] of steps.entries()) {
      const label = `step ${i + 1}/${steps.length}: ${title}`;
      const started = Date.now();
      try {
        await run();
        passed += 1;
        console.log(`ok   ${label} (${Date.now() - started} ms)`);
      } catch (err) {
        failed += 1;
        console.log(`FAIL ${label}`);
        console.log(`     ${String(err?.message ?? err).split('\n').join('\n     ')}`);
        const { page } = state();
        if (page) {
          console.log(`     page: ${page.url()}`);
          // Evidence for the CI artefacts: what the browser saw.
          try {
            await this.shot(page, `FAILED-step${i + 1}.png`);
            writeFileSync(path.join(ARTIFACTS, `${this.prefix}FAILED-step${i + 1}.html`), await page.content());
          } catch {
            /* the page may be gone; the message above is what matters */
          }
        }
        break;
      }
    }

    const log = path.join(ARTIFACTS, `${this.prefix}console.log`);
    writeFileSync(log, this.notes.join('\n') + (this.notes.length ? '\n' : ''));
    if (this.notes.length) {
      console.log(`note: ${this.notes.length} browser console/network message(s), see ${log}:`);
      for (const n of this.notes.slice(0, 10)) console.log(`     ${n}`);
    }

    await state().browser?.close().catch(() => {});

    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed === 0 && passed === steps.length ? 0 : 1);
  }
}

// ---------------------------------------------------------------------------
// helpers for the stories told across several accounts (demands.mjs, certificates.mjs)

// The two widths the role stories are also told at: a laptop and a phone.
export const SIZES = {
  desktop: { viewport: { width: 1366, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true },
};

// A fresh browser context (cookies of one user only, or none) with one watched page, 1280×900
// or one of SIZES; closes `previous` first.
export async function openContext(suite, browser, previous, size) {
  if (previous) await previous.close().catch(() => {});
  const screen = size ? SIZES[size] : { viewport: { width: 1280, height: 900 } };
  const context = await browser.newContext({ locale: 'zh-CN', ...screen });
  const page = await suite.newPage(context);
  return { context, page };
}

// Click `button` and wait for the POST to `postPath` (a string or a predicate on the path);
// resolves with that POST's response once the resulting page has loaded.
export async function submit(p, button, postPath) {
  const matches = typeof postPath === 'function' ? postPath : (x) => x === postPath;
  const posted = p.waitForResponse(
    (r) =>
      r.request().method() === 'POST' &&
      r.request().isNavigationRequest() &&
      matches(pathOf(r.url())),
  );
  await button.click();
  const resp = await posted;
  await p.waitForLoadState('load');
  return resp;
}

// Log in as `username` on page `p` (of a fresh context); ends on the home page.
export async function logIn(p, username) {
  const resp = await p.goto(url('/login'));
  assert.equal(resp?.status(), 200, `GET /login answered ${resp?.status()}`);
  const form = p.locator('form:has(input[name="password"])').first();
  await form.locator('input[name="username"]').fill(username);
  await form.locator('input[name="password"]').fill(PASSWORD);
  await submit(p, form.locator('button[type="submit"], button:not([type])').first(), '/login');
  assert.equal(pathOf(p.url()), '/', `after logging in as ${username} the browser is at ${p.url()}`);
}

export async function goto(p, where, expected = 200) {
  const resp = await p.goto(url(where));
  assert.equal(resp?.status(), expected, `GET ${where} answered ${resp?.status()}, expected ${expected}`);
  return resp;
}

export const text = async (locator) => (await locator.innerText()).trim();

// What the page says about a failure: its <h1>, error flashes and field errors.
export async function pageSays(p) {
  const parts = await p
    .locator('main h1, .flash.error, .field-error')
    .evaluateAll((els) => els.map((e) => e.textContent.trim().replace(/\s+/g, ' ')))
    .catch(() => []);
  return parts.filter(Boolean).join(' | ');
}

// Assert the status of a form POST; on a mismatch, quote the page the server answered with.
export async function expectStatus(p, resp, expected) {
  if (resp.status() !== expected) {
    const what = `${resp.request().method()} ${new URL(resp.url()).pathname}${new URL(resp.url()).search}`;
    assert.fail(`${what} answered ${resp.status()}, expected ${expected}; the page says: ${await pageSays(p)}`);
  }
}

export async function statusBadge(p) {
  const badge = p.locator('#status');
  assert.equal(await badge.count(), 1, `expected exactly one #status on ${p.url()}`);
  return text(badge);
}

// The <li data-code> of ul.findings, as [{code, clauses: [href…], text}].
export async function findings(p) {
  return p.locator('ul.findings li[data-code]').evaluateAll((lis) =>
    lis.map((li) => ({
      code: li.dataset.code,
      clauses: [...li.querySelectorAll('a.clause')].map((a) => a.getAttribute('href')),
      text: li.textContent.trim(),
    })),
  );
}

// The to-do item of `filter` (Playwright's {hasText} or {has}) with the badge `badge`: on the
// home page the browser is at, then on /inbox, where it is returned (its link acts on it).
export async function todoItem(p, filter, badge) {
  const what = filter.hasText ?? String(filter.has);
  for (const where of ['the home page', '/inbox']) {
    if (where === '/inbox') await goto(p, '/inbox');
    const item = p.locator('ul.todo li', filter);
    assert.equal(await item.count(), 1, `${where} does not list one 待办 of ${what} (${pathOf(p.url())})`);
    assert.equal(await text(item.locator('.badge')), badge, `the 待办 of ${what} on ${where} is not marked ${badge}`);
    if (where === '/inbox') return item;
  }
}

export const describe = (fs) => fs.map((f) => `${f.code}→${f.clauses.join(',')}`).join('; ') || '(none)';

// ---------------------------------------------------------------------------
// the crawler of every page a role reaches (pages.mjs)

// One demo account per role (README, "Demo accounts"; tiexi_admin is a second 系统管理员).
export const ROLES = [
  'resident',
  'worker',
  'head',
  'street',
  'district_dept',
  'district_approver',
  'district_supervisor',
  'staffing',
  'city_dept',
  'city_approver',
  'supervisor',
  'sysadmin',
  'secadmin',
  'auditor',
];
// Pages per account: the navigation and what it links to, not every row of every list.
export const MAX_PAGES = 45;
// Not pages: downloads, actions, and what would end the session.
const SKIP = [
  /^\/logout/,
  /\.(xlsx|pdf|png|jpg|json|csv)$/,
  /^\/issued\/\d+\/(pdf|ofd|json)$/,
  /\/export/,
  /\/evidence$/,
  /\/photo$/,
  /\/attachments\//,
  /\/document$/,
  /^\/api\//,
  /^\/static\//,
  /^\/inbox\/badge$/,
];
// The pages anyone reaches without logging in.
export const PUBLIC_PAGES = ['/', '/login', '/lookup', '/guides', '/verify', '/policy'];

// Same-origin GET links of the page, as paths with their query, in document order.
export async function linksOf(p) {
  const hrefs = await p.$$eval('a[href]', (as) => as.map((a) => a.href));
  const out = [];
  for (const h of hrefs) {
    let u;
    try {
      u = new URL(h);
    } catch {
      continue;
    }
    if (u.origin !== new URL(BASE).origin) continue;
    if (SKIP.some((re) => re.test(u.pathname))) continue;
    out.push(u.pathname + u.search);
  }
  return out;
}

// The public pages and the first 30 pages they link to (the login page's links aside), for a
// page of a context without a session.
export async function publicPages(p) {
  const seen = [];
  for (const where of PUBLIC_PAGES) {
    await p.goto(url(where));
    for (const l of await linksOf(p)) if (!l.startsWith('/login')) seen.push(l);
  }
  return [...new Set([...PUBLIC_PAGES, ...seen.slice(0, 30)])];
}

// Breadth-first from `/`, at most MAX_PAGES pages, with the session of page `p`. Lists link to
// many rows of the same shape: one detail per path pattern is enough. Each HTML page must answer
// 200 (else it is in `bad`); `check(where, visited)` then looks at it before its links are
// followed. Returns {visited, bad}.
export async function crawl(p, check) {
  const seen = new Set();
  const shapes = new Set();
  const queue = ['/'];
  const bad = [];
  let visited = 0;
  while (queue.length && visited < MAX_PAGES) {
    const where = queue.shift();
    if (seen.has(where)) continue;
    seen.add(where);
    const shape = pathOf(url(where)).replace(/\d+/g, '#') + (where.includes('?') ? '?' : '');
    if (shapes.has(shape)) continue;
    shapes.add(shape);
    const resp = await p.goto(url(where));
    visited += 1;
    const type = resp?.headers()['content-type'] || '';
    if (!type.startsWith('text/html')) continue;
    if (resp.status() !== 200) {
      bad.push(`${where} → ${resp.status()}`);
      continue;
    }
    await check(where, visited);
    for (const l of await linksOf(p)) if (!seen.has(l)) queue.push(l);
  }
  return { visited, bad };
}

// ---------------------------------------------------------------------------
// a jianfu server of the suite's own (plaques.mjs: it restarts the server with the clock ahead)

// The binary the tests built: JIANFU_BIN, else $CARGO_TARGET_DIR/debug/jianfu, else the
// repository's target/debug/jianfu.
export const JIANFU_BIN =
  process.env.JIANFU_BIN ||
  path.join(process.env.CARGO_TARGET_DIR || fileURLToPath(new URL('../../target', import.meta.url)), 'debug', 'jianfu');

// A TCP port on 127.0.0.1 that nothing listens on right now.
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// `jianfu --data-dir DIR serve --demo --listen 127.0.0.1:PORT [args…]` as a child process,
// its output appended to `log`. The child sees no JIANFU_* variable of the caller's
// environment (JIANFU_DATABASE_URL and friends would override the data directory), only
// `env` of start(). start() may be called again after stop(): same data directory, same port.
// The child is killed when this process exits.
export class JianfuServer {
  constructor({ bin = JIANFU_BIN, dataDir, port, log }) {
    Object.assign(this, { bin, dataDir, port, log });
    this.base = `http://127.0.0.1:${port}`;
    this.child = null;
    process.on('exit', () => this.child?.kill('SIGKILL'));
    // Killed from outside (a CI cancel): take the server along.
    for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
      process.once(sig, () => {
        this.child?.kill('SIGKILL');
        process.exit(code);
      });
    }
  }

  async start({ args = [], env = {} } = {}) {
    assert.equal(this.child, null, 'the server is already running');
    const argv = ['--data-dir', this.dataDir, 'serve', '--demo', '--listen', `127.0.0.1:${this.port}`, ...args];
    const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('JIANFU_')));
    const fd = openSync(this.log, 'a');
    writeSync(fd, `\n$ ${Object.entries(env).map(([k, v]) => `${k}=${v} `).join('')}${this.bin} ${argv.join(' ')}\n`);
    // NO_COLOR: plain text in the log file.
    const child = spawn(this.bin, argv, { env: { ...childEnv, NO_COLOR: '1', ...env }, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    this.child = child;
    let exited = null;
    child.on('exit', (code, signal) => {
      exited = signal ?? `exit ${code}`;
      if (this.child === child) this.child = null;
    });
    await new Promise((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (e) => reject(new Error(`cannot start ${this.bin}: ${e.message}`)));
    });
    // Up when GET /healthz answers 200; 60 s at most.
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exited) throw new Error(`${this.bin} ended during start-up (${exited}); see ${this.log}`);
      try {
        const r = await fetch(`${this.base}/healthz`, { signal: AbortSignal.timeout(2_000) });
        if (r.ok) return;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`GET ${this.base}/healthz did not answer within 60 s; see ${this.log}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  // Ctrl-C (SIGINT, the server's graceful shutdown), then SIGKILL after 15 s.
  async stop() {
    const child = this.child;
    if (!child) return;
    if (child.exitCode !== null || child.signalCode !== null) {
      this.child = null;
      return;
    }
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await gone;
    clearTimeout(timer);
    this.child = null;
  }
}

// Which tool is on PATH (null if none).
export function which(tool) {
  try {
    return execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

// A small, valid PNG (16×16, RGB, a square of `colour` with a white cross) made from scratch.
export function pngBytes(colour = [200, 16, 32]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const size = 16;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = [0]; // filter: none
    for (let x = 0; x < size; x++) {
      const white = x === 7 || x === 8 || y === 7 || y === 8;
      row.push(...(white ? [255, 255, 255] : colour));
    }
    rows.push(Buffer.from(row));
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Page 1 of `pdfPath` rendered at 80 dpi as `${pngBase}-1.png` (kept as an artefact), and the QR
// code on it read with zbarimg — from a 200 dpi rendering in `scratchDir` should the first be
// too coarse. The decoded text; null when no QR code was found; undefined without zbarimg.
export function pdfQr(pdftoppm, pdfPath, pngBase, scratchDir) {
  rmSync(`${pngBase}-1.png`, { force: true });
  execFileSync(pdftoppm, ['-png', '-r', '80', '-f', '1', '-l', '1', pdfPath, pngBase], { timeout: 60_000 });
  const png = readFileSync(`${pngBase}-1.png`);
  assert.ok(png.length > 1000, `${pngBase}-1.png is only ${png.length} bytes`);
  const zbarimg = which('zbarimg');
  if (!zbarimg) return undefined;
  const scan = (file) => {
    try {
      return execFileSync(zbarimg, ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', file], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'], // zbarimg complains about D-Bus on stderr
        timeout: 60_000,
      }).trim();
    } catch {
      return null;
    }
  };
  let decoded = scan(`${pngBase}-1.png`);
  if (decoded === null) {
    const fine = path.join(scratchDir, 'scan');
    execFileSync(pdftoppm, ['-png', '-r', '200', '-f', '1', '-l', '1', pdfPath, fine], { timeout: 60_000 });
    decoded = scan(`${fine}-1.png`);
  }
  return decoded;
}
