// driver.mjs: drives Debian's Chromium with playwright-core for the Python
// browser tests (test_widget.py), one JSON command per line on stdin, one
// JSON answer per line on stdout:
//
//   -> {"id": 1, "cmd": "click", "sel": ".aw-launcher"}
//   <- {"id": 1, "ok": true, "value": null}
//
// The browser is /usr/bin/chromium (ACCUEIL_CHROMIUM overrides), never one
// that Playwright would download. Page console messages and errors go to
// stderr, which the test keeps as a log. Every wait is bounded (timeout in
// ms, default 15 s); the process exits when stdin closes.
import { chromium } from 'playwright-core';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const EXECUTABLE = process.env.ACCUEIL_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage', '--no-default-browser-check', '--disable-extensions'];
const DEFAULT_TIMEOUT = 15000;

let context = null;
let page = null;
let userDataDir = null;
const pageErrors = [];

function log(line) {
    process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

function watch(p) {
    p.on('console', (m) => log(`console.${m.type()}: ${m.text()}`));
    p.on('pageerror', (e) => {
        pageErrors.push(String(e && e.stack ? e.stack : e));
        log(`pageerror: ${e && e.stack ? e.stack : e}`);
    });
    p.on('requestfailed', (r) => log(`requestfailed: ${r.method()} ${r.url()} ${r.failure() && r.failure().errorText}`));
}

function loc(sel) {
    return page.locator(sel);
}

const commands = {
    async launch({ viewport, locale, dir }) {
        userDataDir = dir || mkdtempSync(join(tmpdir(), 'accueil-chromium-'));
        context = await chromium.launchPersistentContext(userDataDir, {
            executablePath: EXECUTABLE,
            headless: true,
            args: ARGS,
            viewport: viewport || { width: 1280, height: 860 },
            locale: locale || 'fr-FR',
            timezoneId: 'Europe/Paris',
            acceptDownloads: true,
        });
        context.setDefaultTimeout(DEFAULT_TIMEOUT);
        page = context.pages()[0] || await context.newPage();
        watch(page);
        return context.browser() ? context.browser().version() : 'persistent';
    },
    async goto({ url }) {
        await page.goto(url, { waitUntil: 'load' });
        return page.url();
    },
    async reload() {
        await page.reload({ waitUntil: 'load' });
        return page.url();
    },
    async viewport({ width, height }) {
        await page.setViewportSize({ width, height });
        return null;
    },
    async offline({ value }) {
        await context.setOffline(!!value);
        return null;
    },
    async click({ sel, timeout }) {
        await loc(sel).first().click({ timeout: timeout || DEFAULT_TIMEOUT });
        return null;
    },
    async fill({ sel, text, timeout }) {
        await loc(sel).first().fill(text, { timeout: timeout || DEFAULT_TIMEOUT });
        return null;
    },
    async type({ sel, text, delay, timeout }) {
        await loc(sel).first().pressSequentially(text, { delay: delay || 30,
            timeout: timeout || DEFAULT_TIMEOUT });
        return null;
    },
    async press({ sel, key, timeout }) {
        await loc(sel).first().press(key, { timeout: timeout || DEFAULT_TIMEOUT });
        return null;
    },
    async check({ sel, timeout }) {
        await loc(sel).first().check({ timeout: timeout || DEFAULT_TIMEOUT });
        return null;
    },
    async select({ sel, value, timeout }) {
        await loc(sel).first().selectOption(value, { timeout: timeout || DEFAULT_TIMEOUT });
        return null;
    },
    async keyboard({ key }) {
        await page.keyboard.press(key);
        return null;
    },
    // Waits until an element matching sel contains text (or is visible).
    async wait({ sel, text, timeout, state }) {
        let l = loc(sel);
        if (text !== undefined && text !== null) l = l.filter({ hasText: text });
        await l.first().waitFor({ state: state || 'visible', timeout: timeout || DEFAULT_TIMEOUT });
        return null;
    },
    async text({ sel, timeout }) {
        return await loc(sel).first().innerText({ timeout: timeout || DEFAULT_TIMEOUT });
    },
    async texts({ sel }) {
        return await loc(sel).allInnerTexts();
    },
    async count({ sel, text }) {
        let l = loc(sel);
        if (text !== undefined && text !== null) l = l.filter({ hasText: text });
        return await l.count();
    },
    async attr({ sel, name, timeout }) {
        return await loc(sel).first().getAttribute(name, { timeout: timeout || DEFAULT_TIMEOUT });
    },
    async visible({ sel }) {
        return await loc(sel).first().isVisible();
    },
    // Evaluates a function body in the page: "return document.title".
    async eval({ js, arg }) {
        // eslint-disable-next-line no-new-func
        return await page.evaluate(({ js, arg }) => new Function('arg', js)(arg), { js, arg });
    },
    // The accessibility tree of an element, as Playwright's ARIA snapshot (YAML).
    async aria({ sel, timeout }) {
        return await loc(sel).first().ariaSnapshot({ timeout: timeout || DEFAULT_TIMEOUT });
    },
    async focused() {
        return await page.evaluate(() => {
            let el = document.activeElement;
            while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
            if (!el) return null;
            return { tag: el.tagName.toLowerCase(), cls: el.className || '',
                label: el.getAttribute('aria-label') || el.textContent.trim().slice(0, 60) };
        });
    },
    async screenshot({ path, fullPage }) {
        await page.screenshot({ path, fullPage: !!fullPage });
        return path;
    },
    async errors() {
        return pageErrors.slice();
    },
    async close() {
        if (context) await context.close();
        context = null;
        if (userDataDir && !process.env.ACCUEIL_KEEP_PROFILE) {
            rmSync(userDataDir, { recursive: true, force: true });
        }
        return null;
    },
};

function reply(obj) {
    process.stdout.write(`${JSON.stringify(obj)}\n`);
}

const rl = createInterface({ input: process.stdin });
let queue = Promise.resolve();
rl.on('line', (line) => {
    queue = queue.then(async () => {
        let msg;
        try {
            msg = JSON.parse(line);
        } catch (e) {
            reply({ id: null, ok: false, error: `bad JSON: ${e.message}` });
            return;
        }
        const fn = commands[msg.cmd];
        if (!fn) {
            reply({ id: msg.id, ok: false, error: `unknown command ${msg.cmd}` });
            return;
        }
        try {
            const value = await fn(msg);
            reply({ id: msg.id, ok: true, value: value === undefined ? null : value });
        } catch (e) {
            reply({ id: msg.id, ok: false, error: String(e && e.message ? e.message : e) });
        }
    });
});
rl.on('close', () => {
    queue.then(() => commands.close()).catch(() => {}).finally(() => process.exit(0));
});
