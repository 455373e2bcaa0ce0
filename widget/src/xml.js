// xml.js: reading stanzas (DOM elements from strophe.js) and XEP-0004
// data forms.
import { $build } from 'strophe.js';

export const NS = {
    MUC: 'http://jabber.org/protocol/muc',
    MUC_USER: 'http://jabber.org/protocol/muc#user',
    CONFERENCE: 'jabber:x:conference',
    DATA: 'jabber:x:data',
    VCARD: 'vcard-temp',
    VCARD_UPDATE: 'vcard-temp:x:update',
    CHATSTATES: 'http://jabber.org/protocol/chatstates',
    CORRECT: 'urn:xmpp:message-correct:0',
    DELAY: 'urn:xmpp:delay',
    OOB: 'jabber:x:oob',
    DISCO_INFO: 'http://jabber.org/protocol/disco#info',
    SID: 'urn:xmpp:sid:0',
    STANZAS: 'urn:ietf:params:xml:ns:xmpp-stanzas',
    QUEUE: 'urn:accueil:queue:0',
    PERSONA: 'urn:accueil:persona:0',
    ICAL: 'urn:accueil:ical:0',
    FORM_DESK: 'urn:accueil:desk:0',
    FORM_SURVEY: 'urn:accueil:survey:0',
    FORM_VIDEO: 'urn:accueil:video:0',
};

// The first child element of el named name (any name if null) in ns (any
// namespace if null), or null.
export function child(el, name, ns) {
    if (!el) return null;
    for (let c = el.firstElementChild; c; c = c.nextElementSibling) {
        if ((name === null || c.localName === name) &&
            (ns === null || ns === undefined || c.namespaceURI === ns)) {
            return c;
        }
    }
    return null;
}

export function children(el, name, ns) {
    const out = [];
    if (!el) return out;
    for (let c = el.firstElementChild; c; c = c.nextElementSibling) {
        if ((name === null || c.localName === name) &&
            (ns === null || ns === undefined || c.namespaceURI === ns)) {
            out.push(c);
        }
    }
    return out;
}

// The text of el's child named name (same namespace as el), or null.
export function childText(el, name) {
    const c = child(el, name, el ? el.namespaceURI : null);
    return c ? c.textContent : null;
}

export function bareJid(jid) {
    return (jid || '').split('/')[0];
}

export function resourceOf(jid) {
    const i = (jid || '').indexOf('/');
    return i < 0 ? null : jid.slice(i + 1);
}

// The condition of a stanza error (e.g. "conflict"), or null.
export function errorCondition(stanza) {
    const err = child(stanza, 'error', null);
    if (!err) return null;
    for (let c = err.firstElementChild; c; c = c.nextElementSibling) {
        if (c.namespaceURI === NS.STANZAS && c.localName !== 'text') return c.localName;
    }
    return 'undefined-condition';
}

// The status codes of a MUC presence or message, as a Set of strings.
export function mucStatuses(stanza) {
    const x = child(stanza, 'x', NS.MUC_USER);
    return new Set(children(x, 'status', NS.MUC_USER).map((s) => s.getAttribute('code')));
}

// The <delay/> stamp of a stanza as a Date, or null (a live stanza).
export function delayOf(stanza) {
    const d = child(stanza, 'delay', NS.DELAY);
    const stamp = d && d.getAttribute('stamp');
    const date = stamp ? new Date(stamp) : null;
    return date && !isNaN(date) ? date : null;
}

/*
 * A XEP-0004 form as a plain object:
 * { type, formType, title, instructions, fields: [{ var, type, label,
 *   values: [..], options: [{ label, value }] }] }
 */
export function parseForm(x) {
    const form = {
        type: x.getAttribute('type'),
        formType: null,
        title: childText(x, 'title'),
        instructions: childText(x, 'instructions'),
        fields: [],
    };
    for (const f of children(x, 'field', NS.DATA)) {
        const field = {
            var: f.getAttribute('var'),
            type: f.getAttribute('type') || 'text-single',
            label: f.getAttribute('label'),
            values: children(f, 'value', NS.DATA).map((v) => v.textContent),
            options: children(f, 'option', NS.DATA).map((o) => ({
                label: o.getAttribute('label'),
                value: childText(o, 'value'),
            })),
        };
        if (field.var === 'FORM_TYPE') {
            form.formType = field.values[0] || null;
        } else {
            form.fields.push(field);
        }
    }
    return form;
}

// The data forms of a stanza, parsed.
export function formsOf(stanza) {
    return children(stanza, 'x', NS.DATA).map(parseForm);
}

export function formField(form, name) {
    return form.fields.find((f) => f.var === name) || null;
}

// A submit form (a strophe Builder tree) with FORM_TYPE and the given
// fields: { name: string | string[] }. Null and undefined values are left out.
export function submitForm(formType, values) {
    const x = $build('x', { xmlns: NS.DATA, type: 'submit' });
    if (formType) {
        x.c('field', { var: 'FORM_TYPE', type: 'hidden' }).c('value').t(formType).up().up();
    }
    for (const [name, value] of Object.entries(values)) {
        if (value === null || value === undefined) continue;
        x.c('field', { var: name });
        for (const v of Array.isArray(value) ? value : [value]) {
            x.c('value').t(String(v)).up();
        }
        x.up();
    }
    return x.tree();
}
