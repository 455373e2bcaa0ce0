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
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const EXECUTABLE = process.env.ACCUEIL_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage', '--no-default-browser-check', '--disable-extensions'];
const DEFAULT_TIMEOUT = 15000;
// axe-core (tests/browser/package.json), injected into the page on demand
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let context = null;
let page = null;
let userDataDir = null;
let cdp = null;
const pageErrors = [];
const consoleMessages = [];

function log(line) {
    process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

function watch(p) {
    p.on('console', (m) => {
        consoleMessages.push({ type: m.type(), text: m.text() });
        log(`console.${m.type()}: ${m.text()}`);
    });
    p.on('pageerror', (e) => {
        pageErrors.push(String(e && e.stack ? e.stack : e));
        log(`pageerror: ${e && e.stack ? e.stack : e}`);
    });
    p.on('requestfailed', (r) => log(`requestfailed: ${r.method()} ${r.url()} ${r.failure() && r.failure().errorText}`));
}

function loc(sel) {
    return page.locator(sel);
}

// Resolves when the widget's finite animations and transitions are over
// (the panel's entrance, a colour change): colours are then the final ones.
async function settle() {
    await page.evaluate(async () => {
        const host = document.getElementById('accueil-widget');
        const root = host && host.shadowRoot;
        if (!root) return;
        const finite = root.getAnimations().filter((a) =>
            a.effect && a.effect.getComputedTiming().endTime !== Infinity);
        await Promise.race([Promise.all(finite.map((a) => a.finished.catch(() => null))),
            new Promise((ok) => setTimeout(ok, 2000))]);
    });
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
    // The whole viewport, or the box of sel grown by pad pixels.
    async screenshot({ path, fullPage, sel, pad }) {
        await settle();
        if (sel) {
            const box = await loc(sel).first().boundingBox();
            if (!box) throw new Error(`screenshot: ${sel} is not visible`);
            const vp = page.viewportSize();
            const p = pad || 0;
            const x = Math.max(0, box.x - p), y = Math.max(0, box.y - p);
            const clip = { x, y, width: Math.min(vp.width, box.x + box.width + p) - x,
                height: Math.min(vp.height, box.y + box.height + p) - y };
            await page.screenshot({ path, clip });
            return path;
        }
        await page.screenshot({ path, fullPage: !!fullPage });
        return path;
    },
    // axe-core on the whole page (the widget's open shadow root included),
    // WCAG 2.1 A and AA rules only; violations in a readable form. A text
    // of the widget whose contrast axe could not decide (partly scrolled
    // under the header, say) is scrolled into view and checked again:
    // what axe still cannot decide (a text taller than the visible part of
    // the conversation) is measured here as axe would, text colour on the
    // nearest opaque background, unless opacity or a background image is
    // on the way: then it is returned as "undecided".
    async axe() {
        await settle();
        if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
            await page.addScriptTag({ content: readFileSync(AXE_PATH, 'utf8') });
        }
        return await page.evaluate(async (tags) => {
            const options = { runOnly: { type: 'tag', values: tags },
                resultTypes: ['violations', 'incomplete'] };
            const r = await window.axe.run(document, options);
            const violations = r.violations;
            const undecided = [];
            const incomplete = [];
            const measured = [];
            const rgb = (css) => {
                const p = /rgba?\(([^)]+)\)/.exec(css);
                if (!p) return null;
                const v = p[1].split(/[\s,/]+/).filter(Boolean).map(Number);
                return v.length === 3 || v[3] === 1 ? v.slice(0, 3) : (v[3] === 0 ? 'none' : null);
            };
            const lum = (c) => {
                const [r, g, b] = c.map((x) => {
                    const y = x / 255;
                    return y <= 0.04045 ? y / 12.92 : ((y + 0.055) / 1.055) ** 2.4;
                });
                return 0.2126 * r + 0.7152 * g + 0.0722 * b;
            };
            const ratio = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
            // text colour on the first opaque background, or null if unsure
            const measure = (el) => {
                const cs = getComputedStyle(el);
                const fg = rgb(cs.color);
                if (!fg || fg === 'none') return null;
                for (let n = el; n; n = n.parentElement || (n.getRootNode() && n.getRootNode().host)) {
                    const ns = getComputedStyle(n);
                    if (Number(ns.opacity) < 1 || ns.backgroundImage !== 'none') return null;
                    const bg = rgb(ns.backgroundColor);
                    if (bg === null) return null;
                    if (bg !== 'none') {
                        const px = parseFloat(cs.fontSize), bold = Number(cs.fontWeight) >= 700;
                        const min = px >= 24 || (bold && px >= 18.66) ? 3 : 4.5;
                        return { ratio: ratio(fg, bg), min };
                    }
                }
                return null;
            };
            const host = document.getElementById('accueil-widget');
            const body = host && host.shadowRoot.querySelector('.aw-body');
            const scroll = body ? body.scrollTop : 0;
            for (const item of r.incomplete) {
                for (const n of item.nodes) {
                    const inWidget = Array.isArray(n.target[0]) && n.target[0][0] === '#accueil-widget';
                    const el = inWidget && host.shadowRoot.querySelector(n.target[0][1]);
                    if (!el) {
                        incomplete.push({ id: item.id, target: n.target,
                            why: (n.any[0] || n.all[0] || n.none[0] || {}).message || '' });
                        continue;
                    }
                    el.scrollIntoView({ block: 'center' });
                    const again = await window.axe.run(el, { runOnly: { type: 'rule', values: [item.id] },
                        resultTypes: ['violations', 'incomplete'] });
                    violations.push(...again.violations);
                    for (const i of again.incomplete) {
                        for (const m of i.nodes) {
                            const got = i.id === 'color-contrast' ? measure(el) : null;
                            const why = (m.any[0] || m.all[0] || m.none[0] || {}).message || '';
                            if (got && got.ratio >= got.min) {
                                measured.push({ target: m.target, ratio: got.ratio, why });
                            } else if (got) {
                                undecided.push({ id: i.id, target: m.target,
                                    why: `measured ${got.ratio.toFixed(2)}:1, below ${got.min}:1 (${why})` });
                            } else {
                                undecided.push({ id: i.id, target: m.target, why });
                            }
                        }
                    }
                }
            }
            if (body) body.scrollTop = scroll;
            return {
                version: r.testEngine.version,
                passes: r.passes.length,
                incomplete,
                undecided,
                measured,
                violations: violations.map((v) => ({
                    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                    nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 200),
                        summary: n.failureSummary })),
                })),
            };
        }, AXE_TAGS);
    },
    async settle() {
        await settle();
        return null;
    },
    // prefers-color-scheme and prefers-reduced-motion, as the system says
    async emulate({ colorScheme, reducedMotion }) {
        const media = {};
        if (colorScheme) media.colorScheme = colorScheme;
        if (reducedMotion) media.reducedMotion = reducedMotion;
        await page.emulateMedia(media);
        return null;
    },
    // The browser's default font size (its "text size" setting): 16 is the
    // usual, 32 is text zoomed to 200%.
    async fontSize({ px }) {
        if (!cdp) cdp = await context.newCDPSession(page);
        await cdp.send('Page.setFontSizes', { fontSizes: { standard: px, fixed: Math.round(px * 13 / 16) } });
        return null;
    },
    // The page's console messages since launch (or of one type).
    async console({ type }) {
        return consoleMessages.filter((m) => !type || m.type === type);
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
