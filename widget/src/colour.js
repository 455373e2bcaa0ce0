// colour.js: every colour of the widget, derived from the office's one
// colour (data-color) by WCAG 2.1 relative luminance and contrast ratio
// (https://www.w3.org/TR/WCAG21/#dfn-relative-luminance), so that any theme
// gives text at least 4.5:1 and icons, borders and focus rings at least 3:1
// against what they sit on, in the light and the dark colour scheme.
//
// Pure functions, no DOM: widget/test/colour.test.mjs checks them over many
// random colours. palette() returns the CSS custom properties the
// stylesheet uses (--aw-*) and the warnings to show in the console.

export const TEXT_MIN = 4.5; // WCAG 1.4.3, normal text
export const UI_MIN = 3;     // WCAG 1.4.11, icons, borders, focus rings
export const DEFAULT_COLOR = '#2e7d32';

const WHITE = [255, 255, 255];
const BLACK = [0, 0, 0];

// '#rgb' or '#rrggbb' -> [r, g, b] (0-255), else null.
export function parseHex(s) {
    const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(s || '').trim());
    if (!m) return null;
    const hex = m[1].length === 3 ? m[1].replace(/./g, '$&$&') : m[1];
    const n = parseInt(hex, 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function toHex(rgb) {
    return `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

// WCAG 2.1 relative luminance of an sRGB colour (0 black to 1 white).
export function luminance(rgb) {
    const [r, g, b] = rgb.map((v) => {
        const c = v / 255;
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

// Contrast ratio of two colours, 1 to 21.
export function contrast(a, b) {
    const la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

// a mixed with b: t = 0 gives a, t = 1 gives b (sRGB, rounded).
export function mix(a, b, t) {
    return a.map((v, i) => Math.round(v + (b[i] - v) * t));
}

// The least change of `from` toward `toward` (black or white) that
// reaches `min` against every colour of `against`; null if even `toward`
// itself does not. Scanned in small steps, as the ratio need not be
// monotonic when `from` starts on the wrong side of a background.
export function reach(from, toward, against, min) {
    const list = Array.isArray(against[0]) ? against : [against];
    for (let i = 0; i <= 100; i += 1) {
        const c = mix(from, toward, i / 100);
        if (list.every((bg) => contrast(c, bg) >= min)) return c;
    }
    return null;
}

// Text and icons on a background: white when it reaches 4.5:1, else a
// very dark shade of the background itself (black at worst; one of the
// two always reaches 4.5:1, since their ratios multiply to 21).
export function textOn(bg) {
    if (contrast(WHITE, bg) >= TEXT_MIN) return WHITE;
    return reach(bg, BLACK, bg, 7) || BLACK;
}

// The fixed colours of each scheme (surfaces, the robot's amber, errors,
// stars); checked with the derived ones by PAIRS below.
export const SURFACES = {
    light: {
        paper: '#ffffff', back: '#f5f7f4', ink: '#1f2a22', muted: '#515d56',
        line: '#dfe5e0', field: '#75807a', notice: '#e9eeea',
        warn: '#8a4f00', 'warn-soft': '#fff4e0', 'bot-bubble': '#fffaf2', 'bot-line': '#f1e1c5',
        error: '#b3261e', 'error-fill': '#b3261e', 'on-error': '#ffffff',
        star: '#b06800', badge: '#c5221f', 'on-badge': '#ffffff',
        shadow: '0 12px 40px rgba(20, 40, 25, .22), 0 2px 8px rgba(20, 40, 25, .12)',
    },
    dark: {
        paper: '#1e2421', back: '#151a17', ink: '#e6ebe7', muted: '#a9b4ad',
        line: '#39433d', field: '#808c85', notice: '#2a322d',
        warn: '#ffc06a', 'warn-soft': '#3b2c12', 'bot-bubble': '#26231c', 'bot-line': '#4d412b',
        error: '#ff8f85', 'error-fill': '#b3261e', 'on-error': '#ffffff',
        star: '#f2b531', badge: '#c5221f', 'on-badge': '#ffffff',
        shadow: '0 12px 40px rgba(0, 0, 0, .55), 0 2px 8px rgba(0, 0, 0, .4)',
    },
};

// Which colour is drawn on which, and the ratio it needs: the stylesheet
// uses no other pairs (the tests check every one for many colours).
export const PAIRS = [
    // text on the surfaces
    ['ink', 'paper', TEXT_MIN], ['ink', 'back', TEXT_MIN], ['ink', 'notice', TEXT_MIN],
    ['ink', 'bot-bubble', TEXT_MIN], ['muted', 'paper', TEXT_MIN], ['muted', 'back', TEXT_MIN],
    ['muted', 'notice', TEXT_MIN], ['warn', 'warn-soft', TEXT_MIN], ['warn', 'paper', TEXT_MIN],
    ['warn', 'bot-bubble', TEXT_MIN], ['error', 'paper', TEXT_MIN], ['error', 'back', TEXT_MIN],
    ['on-error', 'error-fill', TEXT_MIN], ['on-badge', 'badge', TEXT_MIN],
    // field borders, stars, focus rings on the surfaces
    ['field', 'paper', UI_MIN], ['field', 'back', UI_MIN], ['muted', 'paper', UI_MIN],
    ['star', 'paper', UI_MIN], ['ring', 'paper', UI_MIN], ['ring', 'back', UI_MIN],
    ['ring', 'bot-bubble', UI_MIN],
    // the office's colour as a fill (header, own messages, buttons, chips)
    ['on-fill', 'fill', TEXT_MIN], ['on-fill', 'fill-hover', TEXT_MIN],
    ['on-fill-line', 'fill', UI_MIN], ['fill-edge', 'paper', UI_MIN], ['fill-edge', 'back', UI_MIN],
    // the office's colour as text and lines on the surfaces
    ['accent', 'paper', TEXT_MIN], ['accent', 'back', TEXT_MIN], ['accent', 'soft', TEXT_MIN],
    ['accent', 'bot-bubble', TEXT_MIN],
    // the launcher, on the office's page
    ['launcher-on', 'launcher-fill', TEXT_MIN], ['launcher-on', 'launcher-hover', TEXT_MIN],
    ['launcher-edge', 'page', UI_MIN], ['launcher-ring', 'launcher-ring-gap', 9],
];

// Ratio needed by the fill's edge: none drawn when the fill itself stands
// out from the surface by 3:1, else a shade that does.
function edge(fill, surfaces, away) {
    if (surfaces.every((s) => contrast(fill, s) >= UI_MIN)) return fill;
    return reach(fill, away, surfaces, UI_MIN) || away;
}

/*
 * The widget's colours for one scheme ('light' or 'dark').
 *   color      the office's colour (data-color), '#rrggbb' or '#rgb'
 *   text       optional text colour on it (data-color-text): used only if
 *              it reaches 4.5:1 there, else a warning and the derived one
 *   page       optional background of the page under the launcher
 *              (default white)
 * Returns { vars: { 'name': '#rrggbb', ... }, warnings: [string] }: the
 * names are the stylesheet's custom properties without "--aw-".
 */
export function palette(color, scheme, { text, page } = {}) {
    const warnings = [];
    let fill = parseHex(color);
    if (!fill) {
        if (color) warnings.push(`data-color "${color}" is not a #rrggbb colour; using ${DEFAULT_COLOR}`);
        fill = parseHex(DEFAULT_COLOR);
    }
    const s = SURFACES[scheme] || SURFACES.light;
    const v = { ...s };
    const paper = parseHex(s.paper), back = parseHex(s.back), bot = parseHex(s['bot-bubble']);
    const dark = scheme === 'dark';
    const away = dark ? WHITE : BLACK; // from the surfaces toward more contrast

    let on = textOn(fill);
    if (text !== undefined && text !== null && text !== '') {
        const wanted = parseHex(text);
        if (!wanted) {
            warnings.push(`data-color-text "${text}" is not a #rrggbb colour; using ${toHex(on)}`);
        } else if (contrast(wanted, fill) < TEXT_MIN) {
            warnings.push(`data-color-text ${toHex(wanted)} on data-color ${toHex(fill)} has a ` +
                `contrast of ${contrast(wanted, fill).toFixed(2)}:1, below ${TEXT_MIN}:1 (WCAG 1.4.3); ` +
                `using ${toHex(on)} (${contrast(on, fill).toFixed(2)}:1)`);
        } else {
            on = wanted;
        }
    }
    const onLight = luminance(on) > luminance(fill);
    // hover goes away from the text: its contrast only grows
    const hover = mix(fill, onLight ? BLACK : WHITE, 0.14);
    const soft = mix(fill, paper, dark ? 0.8 : 0.88);
    const accent = reach(fill, away, [paper, back, soft, bot], TEXT_MIN) || away;
    const onFillLine = reach(fill, on, fill, UI_MIN) || on;

    Object.assign(v, {
        fill: toHex(fill), 'on-fill': toHex(on), 'fill-hover': toHex(hover),
        'on-fill-line': toHex(onFillLine), 'fill-edge': toHex(edge(fill, [paper, back], away)),
        accent: toHex(accent), soft: toHex(soft), ring: toHex(accent), 'ring-on-fill': toHex(on),
    });

    // The launcher sits on the office's page, whatever the widget's scheme.
    const pageBg = parseHex(page) || WHITE;
    const pageAway = luminance(pageBg) > 0.18 ? BLACK : WHITE;
    const gap = pageAway === BLACK ? WHITE : BLACK;
    Object.assign(v, {
        page: toHex(pageBg), 'launcher-fill': toHex(fill), 'launcher-on': toHex(on),
        'launcher-hover': toHex(hover), 'launcher-edge': toHex(edge(fill, [pageBg], pageAway)),
        // two-colour focus ring (WCAG technique C40): one of the two
        // stands out from any page
        'launcher-ring-gap': toHex(gap),
        'launcher-ring': toHex(reach(fill, pageAway, gap, 9) || pageAway),
    });
    return { vars: v, warnings };
}

// Every pair of PAIRS that misses its ratio in vars (for the tests):
// [{ fg, bg, ratio, min }].
export function failingPairs(vars) {
    const out = [];
    for (const [fg, bg, min] of PAIRS) {
        const a = parseHex(vars[fg]), b = parseHex(vars[bg]);
        const ratio = a && b ? contrast(a, b) : 0;
        if (ratio < min) out.push({ fg, bg, ratio, min });
    }
    return out;
}
