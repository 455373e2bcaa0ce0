// colour.test.mjs: the widget's colour maths (src/colour.js) over many
// colours: every pair the stylesheet draws reaches its WCAG ratio for any
// office colour, in both schemes, on any page. `npm test` in widget/, or
// tests/browser/test_widget.py colour. Random colours come from a seeded
// generator (ACCUEIL_COLOUR_SEED to repeat a run; the seed is printed).
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import {
    contrast, luminance, parseHex, toHex, mix, reach, textOn, palette, failingPairs,
    PAIRS, SURFACES, TEXT_MIN, UI_MIN, DEFAULT_COLOR,
} from '../src/colour.js';

const CSS_FILES = readdirSync(new URL('../src/', import.meta.url)).filter((f) => f.endsWith('.css'));
const readCss = (f) => readFileSync(new URL(`../src/${f}`, import.meta.url), 'utf8');

const SEED = Number(process.env.ACCUEIL_COLOUR_SEED || Date.now() % 2147483647);
const RANDOM = 3000;

// mulberry32: small, seeded, good enough to pick colours
function rng(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

function randomColours(n, seed) {
    const r = rng(seed);
    const out = [];
    for (let i = 0; i < n; i += 1) {
        out.push(toHex([0, 0, 0].map(() => Math.floor(r() * 256))));
    }
    // and the hard ones: greys, pure and mid-luminance saturated hues
    return out.concat(['#000000', '#ffffff', '#777777', '#767676', '#808080', '#ff0000',
        '#00ff00', '#0000ff', '#ffff00', '#00ffff', '#ff00ff', '#0096d6', '#e4002b',
        '#f2d16b', '#6d1a36', DEFAULT_COLOR, '#1e2421', '#151a17']);
}

test(`seed ${SEED} (ACCUEIL_COLOUR_SEED=${SEED} repeats this run)`, () => {});

test('WCAG 2.1 luminance and contrast on known values', () => {
    assert.equal(luminance([0, 0, 0]), 0);
    assert.equal(luminance([255, 255, 255]), 1);
    assert.equal(contrast([0, 0, 0], [255, 255, 255]), 21);
    assert.equal(contrast([255, 255, 255], [0, 0, 0]), 21);
    assert.equal(contrast([12, 34, 56], [12, 34, 56]), 1);
    // the usual reference points: #767676 is the lightest grey at 4.5:1 on white
    assert.ok(contrast(parseHex('#767676'), [255, 255, 255]) >= 4.5);
    assert.ok(contrast(parseHex('#777777'), [255, 255, 255]) < 4.5);
    // the launcher: #1f2a22 on #6d1a36
    assert.equal(contrast(parseHex('#1f2a22'), parseHex('#6d1a36')).toFixed(2), '1.31');
});

test('parsing and mixing', () => {
    assert.deepEqual(parseHex('#6d1a36'), [0x6d, 0x1a, 0x36]);
    assert.deepEqual(parseHex('#FfF'), [255, 255, 255]);
    assert.deepEqual(parseHex(' #abc '), [0xaa, 0xbb, 0xcc]);
    for (const bad of ['', null, undefined, 'red', '#12345', '#ggg', 'rgb(1,2,3)', '#1234567']) {
        assert.equal(parseHex(bad), null, String(bad));
    }
    assert.equal(toHex([0, 10, 255]), '#000aff');
    assert.deepEqual(mix([0, 0, 0], [255, 255, 255], 0.5), [128, 128, 128]);
    assert.deepEqual(mix([10, 20, 30], [200, 200, 200], 0), [10, 20, 30]);
    assert.equal(reach([255, 255, 255], [255, 255, 255], [255, 255, 255], 2), null);
});

test('text on any of the 4096 #rgb colours reaches 4.5:1', () => {
    for (let n = 0; n < 4096; n += 1) {
        const bg = [n >> 8, (n >> 4) & 15, n & 15].map((v) => v * 17);
        const ratio = contrast(textOn(bg), bg);
        assert.ok(ratio >= TEXT_MIN, `${toHex(textOn(bg))} on ${toHex(bg)}: ${ratio.toFixed(2)}`);
    }
});

test('the fixed colours of both schemes reach their ratios', () => {
    for (const scheme of Object.keys(SURFACES)) {
        const { vars } = palette(DEFAULT_COLOR, scheme);
        assert.deepEqual(failingPairs(vars), [], scheme);
    }
});

test(`every drawn pair reaches its ratio for ${RANDOM} random office colours, both schemes`, () => {
    const pages = randomColours(40, SEED + 1).concat(['#ffffff', '#000000', '#faf7f0']);
    const r = rng(SEED + 2);
    let checked = 0;
    for (const color of randomColours(RANDOM, SEED)) {
        for (const scheme of ['light', 'dark']) {
            const page = pages[Math.floor(r() * pages.length)];
            const { vars, warnings } = palette(color, scheme, { page });
            assert.deepEqual(warnings, [], color);
            const bad = failingPairs(vars);
            assert.deepEqual(bad, [], `${color} ${scheme} on page ${page}: ` +
                bad.map((b) => `${b.fg} ${vars[b.fg]} on ${b.bg} ${vars[b.bg]} ` +
                    `${b.ratio.toFixed(2)} < ${b.min}`).join('; '));
            checked += PAIRS.length;
        }
    }
    assert.ok(checked > RANDOM * 2 * 30);
});

test('the office colour is kept as the fill, and as text when it reads', () => {
    const { vars } = palette('#6d1a36', 'light');
    assert.equal(vars.fill, '#6d1a36');
    assert.equal(vars['on-fill'], '#ffffff');
    assert.equal(vars.accent, '#6d1a36'); // already 4.5:1 on every surface
    const light = palette('#f2d16b', 'light').vars;
    assert.equal(light.fill, '#f2d16b');
    assert.notEqual(light['on-fill'], '#ffffff'); // white would be 1.49:1
    assert.ok(contrast(parseHex(light['fill-edge']), [255, 255, 255]) >= UI_MIN);
});

test('a configured text colour is used when it reaches 4.5:1', () => {
    const { vars, warnings } = palette('#0096d6', 'light', { text: '#001018' });
    assert.deepEqual(warnings, []);
    assert.equal(vars['on-fill'], '#001018');
    assert.equal(vars['launcher-on'], '#001018');
});

test('a configured pair that cannot reach 4.5:1 is replaced, with a warning', () => {
    for (const [color, text] of [['#f2d16b', '#ffffff'], ['#0096d6', '#ffffff'],
        ['#6d1a36', '#1f2a22'], ['#777777', '#888888']]) {
        const { vars, warnings } = palette(color, 'light', { text });
        assert.equal(warnings.length, 1, `${color} ${text}`);
        assert.match(warnings[0], new RegExp(`data-color-text ${text} on data-color ${color} ` +
            'has a contrast of \\d+\\.\\d\\d:1, below 4\\.5:1'));
        assert.notEqual(vars['on-fill'], text);
        assert.ok(contrast(parseHex(vars['on-fill']), parseHex(color)) >= TEXT_MIN);
        assert.ok(warnings[0].includes(`using ${vars['on-fill']}`), warnings[0]);
        assert.deepEqual(failingPairs(vars), []);
    }
});

test('a colour that is not #rrggbb gives a warning and the default', () => {
    let { vars, warnings } = palette('red', 'light');
    assert.equal(vars.fill, DEFAULT_COLOR);
    assert.deepEqual(warnings, [`data-color "red" is not a #rrggbb colour; using ${DEFAULT_COLOR}`]);
    ({ vars, warnings } = palette('#2e7d32', 'light', { text: 'white' }));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /data-color-text "white" is not a #rrggbb colour/);
    ({ warnings } = palette(null, 'light'));
    assert.deepEqual(warnings, []);
});

test('the stylesheet uses only colours that palette() sets', () => {
    const css = CSS_FILES.map(readCss).join('\n');
    const { vars } = palette(DEFAULT_COLOR, 'light');
    const known = new Set([...Object.keys(vars), 'radius']);
    const used = new Set([...css.matchAll(/var\(--aw-([a-z-]+)\)/g)].map((m) => m[1]));
    const unknown = [...used].filter((name) => !known.has(name));
    assert.deepEqual(unknown, [], 'var(--aw-…) that palette() does not set');
    // and no colour written in the rules outside the documented defaults
    const rules = css.replace(/\.aw \{[^}]*\}/, '').replace(/\/\*[\s\S]*?\*\//g, '');
    const literal = [...rules.matchAll(/#[0-9a-f]{3,6}\b/gi)].map((m) => m[0]);
    const dots = ['#cfd8d0', '#7cfc8a', '#ffb74d', '#ffe082', '#fff59d', '#ef9a9a'];
    assert.deepEqual(literal.filter((c) => !dots.includes(c.toLowerCase())), [],
        'colours outside palette() (only the status dots, which repeat a text, may be)');
});

test('media rules are in adapt.css, imported last (else the base rules win)', () => {
    const imports = [...readCss('widget.css').matchAll(/@import "\.\/([\w-]+\.css)"/g)].map((m) => m[1]);
    assert.equal(imports[imports.length - 1], 'adapt.css');
    assert.deepEqual([...imports].sort(), CSS_FILES.filter((f) => f !== 'widget.css').sort());
    for (const f of CSS_FILES.filter((x) => x !== 'adapt.css')) {
        assert.doesNotMatch(readCss(f).replace(/\/\*[\s\S]*?\*\//g, ''), /@media/, f);
    }
});
