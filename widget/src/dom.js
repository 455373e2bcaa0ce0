// dom.js: building elements without innerHTML (every text from the network
// goes through textContent), and the widget's icons.

const SVG_NS = 'http://www.w3.org/2000/svg';

// h('div', { class: 'x', onclick: fn }, child, 'text', ...) -> Element.
export function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
        if (v === null || v === undefined || v === false) continue;
        if (k.startsWith('on') && typeof v === 'function') {
            el.addEventListener(k.slice(2), v);
        } else if (k === 'class') {
            el.className = v;
        } else if (v === true) {
            el.setAttribute(k, '');
        } else {
            el.setAttribute(k, String(v));
        }
    }
    append(el, kids);
    return el;
}

function append(el, kids) {
    for (const kid of kids) {
        if (kid === null || kid === undefined || kid === false) continue;
        if (Array.isArray(kid)) append(el, kid);
        else el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
}

// An inline SVG icon (24x24 viewBox) from path data; decorative.
export function icon(name, cls) {
    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.setAttribute('class', `aw-icon ${cls || ''}`.trim());
    for (const d of ICONS[name] || []) {
        const p = document.createElementNS(SVG_NS, 'path');
        p.setAttribute('d', d);
        svg.append(p);
    }
    return svg;
}

const ICONS = {
    chat: ['M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3z'],
    close: ['M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z'],
    send: ['M3 20.5 21 12 3 3.5l.01 6.6L16 12 3.01 13.9z'],
    robot: ['M12 2a1.5 1.5 0 0 1 .75 2.8V6H17a3 3 0 0 1 3 3v1h1a1 1 0 0 1 1 1v3a1 1 0 0 1-1 1h-1v2a3 3 0 0 1-3 3H7a3 3 0 0 1-3-3v-2H3a1 1 0 0 1-1-1v-3a1 1 0 0 1 1-1h1V9a3 3 0 0 1 3-3h4.25V4.8A1.5 1.5 0 0 1 12 2zm-3 8.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm6 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zM9 16v1.2h6V16z'],
    star: ['M12 2.5l2.9 6.1 6.6.8-4.9 4.6 1.3 6.6L12 17.3l-5.9 3.3 1.3-6.6-4.9-4.6 6.6-.8z'],
    video: ['M4 6h11a2 2 0 0 1 2 2v1.5l4-2.5v10l-4-2.5V16a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2z'],
    calendar: ['M7 2h2v2h6V2h2v2h2a2 2 0 0 1 2 2v13a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2h2zm12 7H5v10h14zM7 11h4v4H7z'],
    globe: ['M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20zm6.9 9a7 7 0 0 0-3.1-5.2c.6 1.5 1 3.3 1.1 5.2zm-4 0C14.8 8 13.8 5.4 12 4.6 10.2 5.4 9.2 8 9.1 11zm-7.8 0h2c.1-1.9.5-3.7 1.1-5.2A7 7 0 0 0 5.1 11zm0 2a7 7 0 0 0 3.1 5.2c-.6-1.5-1-3.3-1.1-5.2zm4 0c.1 3 1.1 5.6 2.9 6.4 1.8-.8 2.8-3.4 2.9-6.4zm7.8 0c-.1 1.9-.5 3.7-1.1 5.2a7 7 0 0 0 3.1-5.2z'],
    clock: ['M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20zm0 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16zm1 3v4.6l3.5 2.1-1 1.7L11 12.7V7z'],
};

// Appends text to el, turning http(s) URLs into links.
export function linkify(el, text) {
    const re = /\bhttps?:\/\/[^\s<>"«»]+[^\s<>"«».,;:!?)\]]/gi;
    let last = 0;
    for (const m of text.matchAll(re)) {
        if (m.index > last) el.append(text.slice(last, m.index));
        el.append(h('a', { href: m[0], target: '_blank', rel: 'noopener noreferrer' }, m[0]));
        last = m.index + m[0].length;
    }
    if (last < text.length) el.append(text.slice(last));
}

// Initials of a name for an avatar without picture: "Claire" -> "C".
export function initials(name) {
    const parts = String(name || '?').trim().split(/\s+/).filter(Boolean);
    const letters = parts.slice(0, 2).map((p) => Array.from(p)[0]).join('');
    return (letters || '?').toUpperCase();
}
