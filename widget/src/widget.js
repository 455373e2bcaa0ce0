// widget.js: the visitor's window (launcher, panel, pre-chat form,
// conversation) and the flow around DeskClient (client.js).
//
// The widget lives in a shadow root: the office's site styles do not leak
// in, and its own do not leak out. Every text from the network is set with
// textContent (dom.js), never as HTML.
import { DeskClient } from './client.js';
import { h, icon, linkify, initials } from './dom.js';
import { t, LANGS, pickLang, ordinal, duration, when, clock } from './i18n.js';
import { NS, submitForm, formField } from './xml.js';
import { loadSession, saveSession, clearSession, saveLangChoice, loadPending, savePending,
    clearPending } from './store.js';
import { palette, toHex } from './colour.js';

const INVITE_TIMEOUT = 30000;     // ms for the desk to answer the first question

// 128 random bits, hex: the first question's resume token.
function newToken() {
    const b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
const TYPING_TIMEOUT = 30000;     // ms a "composing" is shown without news
const PAUSED_AFTER = 5000;        // ms of no typing before we send "paused"
const DESK_REFRESH = 60000;       // ms between two looks at the desk's state
const DESK_REFRESH_MAX = 120;     // ... at most this many times per page
const ANNOUNCE_MAX = 300;         // characters read out for one new message
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

// Leaves out null children (replaceChildren would write "null").
function present(...kids) {
    return kids.filter((k) => k !== null && k !== undefined && k !== false);
}

// The page's background under the launcher: the body's colour when it is
// opaque, else the root's, else white.
function pageBackground() {
    for (const el of [document.body, document.documentElement]) {
        const m = el && /^rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?\)$/
            .exec(getComputedStyle(el).backgroundColor);
        if (m && (m[4] === undefined || Number(m[4]) === 1)) {
            return toHex([m[1], m[2], m[3]].map(Number));
        }
    }
    return null;
}

let uid = 0;
// The browser's languages, best first ("ca-ES,es,en"): a prior for the
// desk's language detection (docs/language.md), never a choice.
function browserLangs() {
    const list = (navigator.languages && navigator.languages.length
        ? navigator.languages : [navigator.language]).filter(Boolean);
    return list.length ? list.slice(0, 8).join(',').slice(0, 100) : null;
}

function nextId(prefix) {
    uid += 1;
    return `aw-${prefix}-${uid}`;
}

export class Widget {
    /*
     * config: bosh, anonDomain, office (desk JID), lang, langChosen, color,
     * colorText,
     * title, css, interests (keys), prechat (bool), timeZone, debug.
     */
    constructor(config) {
        this.config = config;
        this.lang = config.lang;
        this.langChosen = !!config.langChosen;
        this.phase = 'idle';      // idle, starting, joining, joined, ended
        this.connStatus = 'idle'; // idle, connecting, connected, reconnecting, offline
        this.desk = { presence: null, form: null, name: null, photo: null };
        this.occupants = new Map(); // nick -> { present, photo, vcard }
        this.entries = new Map();   // message key -> entry
        this.pending = new Map();   // id of a message of ours not yet echoed -> entry
        this.outbox = [];           // what the visitor wrote before we were in the room
        this.cards = [];            // survey and video cards
        this.typing = new Map();    // nick -> timeout
        this.unread = 0;
        this.lastQueue = null;
        this.deskRefreshes = 0;
        this.ownState = 'active';
        this.session = loadSession(config.office);

        this.client = new DeskClient({ bosh: config.bosh, anonDomain: config.anonDomain,
            office: config.office, lang: this.lang, debug: config.debug });
        this.bindClient();
        this.build();
        this.applyTexts();
        this.renderStatus();

        if (this.session) this.resume();
        else {
            const pending = loadPending(config.office);
            if (pending) this.resumePending(pending);
        }
    }

    t(key, vars) {
        return t(this.lang, key, vars);
    }

    // The phase is also on the panel (data-phase) for styles and tests.
    get phase() {
        return this.currentPhase;
    }

    set phase(value) {
        this.currentPhase = value;
        if (this.panel) this.panel.dataset.phase = value;
    }

    // ---- building the DOM ---------------------------------------------

    build() {
        const host = h('div', { id: 'accueil-widget', 'data-accueil': '' });
        host.style.visibility = 'hidden';
        const root = host.attachShadow({ mode: 'open' });
        this.host = host;
        this.root = root;
        const show = () => { host.style.visibility = ''; };
        if (this.config.css) {
            const link = h('link', { rel: 'stylesheet', href: this.config.css });
            link.addEventListener('load', show);
            link.addEventListener('error', show);
            root.append(link);
            setTimeout(show, 3000);
        } else {
            show();
        }

        const ids = { panel: nextId('panel'), title: nextId('title'), log: nextId('log'),
            composer: nextId('composer') };
        this.ids = ids;

        this.launcherText = h('span', { class: 'aw-launcher-text', 'data-t': 'launcher' });
        // the number is shown; "2 nouveaux messages" is read
        this.badgeCount = h('span', { 'aria-hidden': 'true' });
        this.badgeText = h('span', { class: 'aw-sr' });
        this.badge = h('span', { class: 'aw-badge', hidden: true }, this.badgeCount, this.badgeText);
        this.launcher = h('button', { type: 'button', class: 'aw-launcher',
            'aria-expanded': 'false', 'aria-controls': ids.panel, 'data-t-attr': 'title:launcherOpen',
            onclick: () => this.toggle() },
        icon('chat', 'aw-launcher-icon'), this.launcherText, this.badge);

        // header
        this.officeAvatar = h('div', { class: 'aw-office-avatar', 'aria-hidden': 'true' });
        this.titleEl = h('h2', { id: ids.title, class: 'aw-title' });
        this.statusText = h('span', { class: 'aw-status-text' });
        this.statusEl = h('p', { class: 'aw-status', 'data-state': 'connecting' },
            h('span', { class: 'aw-dot', 'aria-hidden': 'true' }), this.statusText);
        this.langSelect = h('select', { class: 'aw-lang-select', 'data-t-attr': 'aria-label:language',
            onchange: (e) => this.setLang(e.target.value, true) },
        // short codes keep the header roomy; the accessible names start
        // with the code shown (WCAG 2.5.3), then the language's own name
        LANGS.map((l) => h('option', { value: l, lang: l,
            'aria-label': `${l.toUpperCase()}, ${t(l, 'langName')}`,
            title: t(l, 'langName') }, l.toUpperCase())));
        this.langSelect.value = this.lang;
        const header = h('header', { class: 'aw-header' },
            this.officeAvatar,
            h('div', { class: 'aw-header-text' }, this.titleEl, this.statusEl),
            h('label', { class: 'aw-lang' }, icon('globe'),
                h('span', { class: 'aw-sr', 'data-t': 'language' }), this.langSelect),
            h('button', { type: 'button', class: 'aw-close', 'data-t-attr': 'aria-label:close,title:close',
                onclick: () => this.close() }, icon('close')));

        // who answers
        this.agentAvatar = h('div', { class: 'aw-avatar', 'aria-hidden': 'true' });
        this.agentName = h('span', { class: 'aw-agent-name' });
        this.agentTitle = h('span', { class: 'aw-agent-title' });
        this.agent = h('div', { class: 'aw-agent', hidden: true },
            this.agentAvatar, h('div', { class: 'aw-agent-text' }, this.agentName, this.agentTitle));

        this.prechat = this.buildPrechat();
        // the log region holds a list of messages (a role on the <ol> itself
        // would take its list semantics away); it takes the focus, so that
        // the keyboard can scroll the conversation. New messages are read
        // by the announcer, not by the log (aria-live off).
        this.list = h('ol', { class: 'aw-log-list' });
        this.log = h('div', { id: ids.log, class: 'aw-log', role: 'log', 'aria-live': 'off',
            tabindex: '0', 'data-t-attr': 'aria-label:conversation', hidden: true }, this.list);
        this.body = h('div', { class: 'aw-body' }, this.prechat, this.log);

        this.queueEl = h('p', { class: 'aw-queue', role: 'status', hidden: true });
        this.typingEl = h('p', { class: 'aw-typing', 'aria-hidden': 'true', hidden: true });
        this.textarea = h('textarea', { id: ids.composer, class: 'aw-input', rows: '1',
            maxlength: '4000', 'data-t-attr': 'placeholder:composerPlaceholder',
            onkeydown: (e) => this.onComposerKey(e), oninput: () => this.onComposerInput() });
        this.sendButton = h('button', { type: 'submit', class: 'aw-send',
            'data-t-attr': 'aria-label:send,title:send' }, icon('send'));
        this.composer = h('form', { class: 'aw-composer', hidden: true,
            onsubmit: (e) => { e.preventDefault(); this.sendComposer(); } },
        h('label', { class: 'aw-sr', for: ids.composer, 'data-t': 'composerLabel' }),
        this.textarea, this.sendButton);

        this.endedEl = h('div', { class: 'aw-ended', hidden: true },
            h('p', { 'data-t': 'ended' }),
            h('button', { type: 'button', class: 'aw-btn', 'data-t': 'newChat',
                onclick: () => this.newConversation() }));
        this.offlineEl = h('div', { class: 'aw-offline', hidden: true },
            h('p', { 'data-t': 'statusOffline' }),
            h('button', { type: 'button', class: 'aw-btn aw-btn-secondary', 'data-t': 'retry',
                onclick: () => this.client.retry() }));
        this.announcer = h('div', { class: 'aw-sr', 'aria-live': 'polite', 'aria-atomic': 'false' });

        this.panel = h('section', { id: ids.panel, class: 'aw-panel', role: 'dialog',
            'aria-modal': 'false', 'aria-labelledby': ids.title, hidden: true,
            onkeydown: (e) => { if (e.key === 'Escape') { e.stopPropagation(); this.close(); } } },
        header, this.agent, this.body, this.offlineEl, this.queueEl, this.typingEl,
        this.composer, this.endedEl, this.announcer);

        this.panel.dataset.phase = this.phase;
        this.frame = h('div', { class: 'aw' }, this.panel, this.launcher);
        root.append(this.frame);
        document.body.append(host);
        this.watchScheme();
        this.watchScroll();
        this.updateTitle();
    }

    buildPrechat() {
        const q = nextId('q'), name = nextId('name'), email = nextId('email'), consent = nextId('consent');
        const followup = nextId('followup');
        this.pcWelcome = h('p', { class: 'aw-welcome' });
        this.pcClosed = h('p', { class: 'aw-closed-note', hidden: true });
        this.pcQuestion = h('textarea', { id: q, name: 'question', rows: '3', maxlength: '4000',
            required: true, 'data-t-attr': 'placeholder:questionPlaceholder' });
        this.pcName = h('input', { id: name, name: 'name', type: 'text', maxlength: '60',
            autocomplete: 'given-name' });
        this.pcEmail = h('input', { id: email, name: 'email', type: 'email', maxlength: '200',
            autocomplete: 'email' });
        this.pcConsent = h('input', { id: consent, name: 'consent', type: 'checkbox' });
        this.pcFollowup = h('input', { id: followup, name: 'followup', type: 'checkbox' });
        this.pcFollowupLabel = h('label', { for: followup, 'data-t': 'followupLabel' });
        this.pcError = h('p', { class: 'aw-error', role: 'alert' });
        this.pcInterests = (this.config.interests || []).map((key) => {
            const id = nextId('int');
            return { key, input: h('input', { id, type: 'checkbox', value: key }),
                label: h('span', { 'data-t': `interest_${key}`, 'data-fallback': key }) };
        });
        const full = this.config.prechat !== false;
        const fields = [
            h('div', { class: 'aw-field' },
                h('label', { for: q, 'data-t': 'questionLabel' }), this.pcQuestion),
        ];
        if (full) {
            fields.push(h('div', { class: 'aw-field' },
                h('label', { for: name, 'data-t': 'nameLabel' }), this.pcName));
            if (this.pcInterests.length) {
                fields.push(h('fieldset', { class: 'aw-field aw-chips' },
                    h('legend', { 'data-t': 'interestsLegend' }),
                    this.pcInterests.map((i) => h('label', { class: 'aw-chip', for: i.input.id },
                        i.input, i.label))));
            }
            fields.push(h('div', { class: 'aw-field' },
                h('label', { for: email, 'data-t': 'emailLabel' }), this.pcEmail));
            fields.push(h('div', { class: 'aw-field aw-check' }, this.pcConsent,
                h('label', { for: consent, 'data-t': 'consentLabel' })));
            // follow-ups (satisfaction, news) only with this box ticked; its
            // exact text is what the desk stores as the consent
            fields.push(h('div', { class: 'aw-field aw-check' }, this.pcFollowup,
                this.pcFollowupLabel));
        }
        this.pcSubmit = h('button', { type: 'submit', class: 'aw-btn aw-btn-wide', 'data-t': 'start' });
        return h('form', { class: 'aw-prechat', novalidate: true,
            onsubmit: (e) => { e.preventDefault(); this.submitPrechat(); } },
        this.pcWelcome, this.pcClosed, fields, this.pcError, this.pcSubmit,
        h('p', { class: 'aw-privacy', 'data-t': 'privacy' }));
    }

    // The colours follow the system's light or dark scheme, now and when
    // it changes.
    watchScheme() {
        const q = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
        this.darkQuery = q;
        if (q && q.addEventListener) q.addEventListener('change', () => this.applyTheme());
        this.applyTheme();
    }

    /*
     * Every colour from the office's (colour.js): color and textColor
     * default to data-color and data-color-text. A pair that cannot reach
     * the WCAG ratios is replaced, with a warning in the console (once).
     */
    applyTheme(color, textColor) {
        if (color !== undefined) this.config.color = color;
        if (textColor !== undefined) this.config.colorText = textColor;
        const scheme = this.darkQuery && this.darkQuery.matches ? 'dark' : 'light';
        const { vars, warnings } = palette(this.config.color, scheme,
            { text: this.config.colorText, page: pageBackground() });
        for (const [name, value] of Object.entries(vars)) {
            this.frame.style.setProperty(`--aw-${name}`, value);
        }
        this.frame.style.colorScheme = scheme;
        this.frame.dataset.scheme = scheme;
        this.warned = this.warned || new Set();
        for (const w of warnings) {
            if (this.warned.has(w)) continue;
            this.warned.add(w);
            console.warn(`accueil widget: ${w}`);
        }
        return vars;
    }

    // Sets every text that depends only on the language.
    applyTexts() {
        this.frame.setAttribute('lang', this.lang);
        for (const el of this.root.querySelectorAll('[data-t]')) {
            const text = this.t(el.getAttribute('data-t'));
            el.textContent = text === el.getAttribute('data-t') && el.dataset.fallback
                ? el.dataset.fallback : text;
        }
        for (const el of this.root.querySelectorAll('[data-star]')) {
            const n = Number(el.dataset.star), max = Number(el.dataset.max || 5);
            el.textContent = this.t(n === 1 ? 'star1' : n === max ? 'star5' : 'starN', { n });
        }
        for (const el of this.root.querySelectorAll('[data-t-attr]')) {
            for (const pair of el.getAttribute('data-t-attr').split(',')) {
                const [attr, key] = pair.split(':');
                el.setAttribute(attr, this.t(key));
            }
        }
        this.updateTitle();
        this.renderStatus();
        this.renderPrechatNotes();
        this.renderQueue();
        this.renderTyping();
        this.renderAgent();
        this.renderBadge();
        for (const entry of this.entries.values()) this.renderMeta(entry);
    }

    updateTitle() {
        const name = this.config.title || this.desk.name || this.t('defaultTitle');
        this.titleEl.textContent = name;
        // without the office's picture, the tourist information sign
        this.officeAvatar.replaceChildren(this.desk.photo
            ? h('img', { src: this.desk.photo, alt: '' })
            : h('span', { class: 'aw-info-sign' }, 'i'));
    }

    // ---- opening and closing ------------------------------------------

    toggle() {
        if (this.panel.hidden) this.open();
        else this.close();
    }

    open() {
        this.panel.hidden = false;
        this.frame.classList.add('aw-is-open');
        this.launcher.setAttribute('aria-expanded', 'true');
        this.unread = 0;
        this.renderBadge();
        this.ensureConnected();
        if (this.session) {
            this.session.open = true;
            this.saveSession();
        }
        this.scrollToEnd(true);
        const target = this.phase === 'idle' ? this.pcQuestion
            : (!this.composer.hidden ? this.textarea : this.panel.querySelector('button'));
        if (target) setTimeout(() => target.focus(), 0);
    }

    close() {
        this.panel.hidden = true;
        this.frame.classList.remove('aw-is-open');
        this.launcher.setAttribute('aria-expanded', 'false');
        if (this.session) {
            this.session.open = false;
            this.saveSession();
        }
        this.launcher.focus();
    }

    ensureConnected() {
        this.client.start();
        if (!this.deskTimer) {
            this.deskTimer = setInterval(() => {
                this.deskRefreshes += 1;
                if (this.deskRefreshes > DESK_REFRESH_MAX) {
                    clearInterval(this.deskTimer);
                    return;
                }
                if (!this.panel.hidden && this.phase === 'idle') this.client.refreshDesk();
            }, DESK_REFRESH);
        }
    }

    setLang(lang, chosen) {
        const l = pickLang(lang) || this.lang;
        this.lang = l;
        this.langSelect.value = l;
        if (chosen) {
            this.langChosen = true;
            saveLangChoice(l);
        }
        this.client.setLang(l);
        this.applyTexts();
    }

    // ---- the client's reports -----------------------------------------

    bindClient() {
        const c = this.client;
        c.on('status', (s) => {
            this.connStatus = s;
            this.offlineEl.hidden = s !== 'offline';
            this.renderStatus();
        });
        c.on('deskPresence', (p) => {
            this.desk.presence = p;
            this.renderStatus();
            this.renderPrechatNotes();
        });
        c.on('deskInfo', (info) => {
            if (info.form) this.desk.form = info.form;
            if (info.name && !this.desk.name) {
                this.desk.name = info.name;
                this.updateTitle();
            }
            this.renderStatus();
            this.renderPrechatNotes();
        });
        c.on('deskVcard', (v) => {
            if (v.fn) this.desk.name = v.fn;
            if (v.photo) this.desk.photo = v.photo;
            this.updateTitle();
        });
        c.on('invite', (inv) => this.onInvite(inv));
        c.on('deskMessage', (m) => this.addNotice(m.body, m.delay));
        c.on('deskError', () => {
            if (this.phase === 'starting') this.startFailed();
        });
        c.on('joined', (j) => this.onJoined(j));
        c.on('joinError', (e) => this.onJoinError(e));
        c.on('occupant', (o) => this.onOccupant(o));
        c.on('vcard', (v) => this.onVcard(v));
        c.on('message', (m) => this.onMessage(m));
        c.on('chatstate', (s) => this.onChatState(s));
        c.on('sendError', (e) => {
            const entry = e.id && this.pending.get(e.id);
            if (entry) this.markFailed(entry);
        });
        c.on('ended', () => this.endConversation());
    }

    // ---- status lines -------------------------------------------------

    // true: within opening hours; false: closed; null: not known yet.
    deskOpen() {
        const f = this.desk.form, p = this.desk.presence;
        if (f && f.open !== null && f.open !== undefined) return f.open;
        if (p) return p.open;
        return null;
    }

    // Open, but no counsellor free right now (the question is still taken).
    deskBusy() {
        const f = this.desk.form, p = this.desk.presence;
        if (!this.deskOpen()) return false;
        if (f && f.available !== null && f.available !== undefined) return f.available === 0;
        return !!(p && p.busy);
    }

    deskStatusText() {
        const f = this.desk.form, p = this.desk.presence;
        const open = this.deskOpen();
        if (open === null) return null;
        if (open && this.deskBusy()) return this.t('statusBusy');
        if (open) {
            // short: the header has little room
            if (f && f.wait >= 60) return this.t('statusOpenWait', { wait: duration(this.lang, f.wait) });
            return this.t('statusOpen');
        }
        if (f && f.nextOpen) {
            return this.t('statusClosedNext', { when: when(this.lang, f.nextOpen, this.config.timeZone) });
        }
        return (p && p.status) || this.t('statusClosed');
    }

    renderStatus() {
        let state, text;
        if (this.connStatus === 'reconnecting') {
            state = 'reconnecting';
            text = this.t('statusReconnecting');
        } else if (this.connStatus === 'offline') {
            state = 'offline';
            text = this.t('statusOffline');
        } else if (this.connStatus === 'connected' && this.deskOpen() !== null) {
            state = !this.deskOpen() ? 'closed' : this.deskBusy() ? 'busy' : 'open';
            text = this.deskStatusText();
        } else if (this.connStatus === 'idle') {
            state = 'idle';
            text = '';
        } else {
            state = 'connecting';
            text = this.t('statusConnecting');
        }
        this.statusEl.dataset.state = state;
        this.statusText.textContent = text;
        this.launcher.dataset.state = state;
    }

    renderPrechatNotes() {
        const open = this.deskOpen();
        this.pcWelcome.textContent = this.t(open === false ? 'welcomeClosed'
            : this.deskBusy() ? 'welcomeBusy' : 'welcome');
        const f = this.desk.form, p = this.desk.presence;
        let closedText = null;
        if (open === false) {
            closedText = f && f.nextOpen
                ? this.t('closedNext', { when: when(this.lang, f.nextOpen, this.config.timeZone) })
                : (p && p.status) || this.t('statusClosed');
        }
        this.pcClosed.hidden = !closedText;
        this.pcClosed.replaceChildren(...(closedText ? [icon('clock'), h('span', {}, closedText)] : []));
        this.prechat.classList.toggle('aw-is-closed', open === false);
    }

    renderQueue() {
        const q = this.lastQueue;
        const counsellorHere = [...this.occupants.values()].some((o) => o.present &&
            o.vcard && o.vcard.role === 'counsellor');
        if (!q || !q.position || counsellorHere || this.phase === 'ended') {
            this.queueEl.hidden = true;
            this.queueEl.textContent = '';
            return;
        }
        const vars = { ordinal: ordinal(this.lang, q.position), n: q.position,
            wait: q.wait !== null && q.wait !== undefined ? duration(this.lang, q.wait) : '' };
        this.queueEl.hidden = false;
        this.queueEl.replaceChildren(icon('clock'),
            h('span', {}, this.t(vars.wait ? 'queue' : 'queueNoWait', vars)));
    }

    renderTyping() {
        const nicks = [...this.typing.keys()];
        if (!nicks.length || this.phase === 'ended') {
            this.typingEl.hidden = true;
            return;
        }
        this.typingEl.hidden = false;
        this.typingEl.replaceChildren(h('span', { class: 'aw-dots', 'aria-hidden': 'true' },
            h('i'), h('i'), h('i')), h('span', {}, this.t('typing', { name: this.displayName(nicks[0]) })));
    }

    renderBadge() {
        this.badge.hidden = this.unread === 0;
        this.badgeCount.textContent = String(this.unread);
        this.badgeText.textContent = this.unread ? ` ${this.t('launcherUnread', { n: this.unread })}` : '';
    }

    // ---- people in the room ---------------------------------------------

    person(nick) {
        let o = this.occupants.get(nick);
        if (!o) {
            const known = this.session && this.session.people && this.session.people[nick];
            o = { present: false, photo: null, vcard: known || null };
            this.occupants.set(nick, o);
        }
        return o;
    }

    displayName(nick) {
        const o = this.occupants.get(nick);
        return (o && o.vcard && o.vcard.fn) || nick;
    }

    onOccupant({ nick, present, photo }) {
        const o = this.person(nick);
        o.present = present;
        if (photo !== undefined) o.photo = photo;
        this.renderAgent();
        this.renderQueue();
        if (!present) this.stopTyping(nick);
    }

    onVcard(v) {
        const o = this.person(v.nick);
        o.vcard = { fn: v.fn, title: v.title, role: v.role, photo: v.photo };
        if (this.session) {
            this.session.people = this.session.people || {};
            this.session.people[v.nick] = o.vcard;
            this.saveSession();
        }
        for (const entry of this.entries.values()) {
            if (entry.nick === v.nick) this.renderMeta(entry);
        }
        this.renderAgent();
        this.renderQueue();
        this.renderTyping();
    }

    // The one who answers now: a counsellor in the room, else the bot.
    renderAgent() {
        let best = null;
        for (const [nick, o] of this.occupants) {
            if (!o.present || !o.vcard) continue;
            if (o.vcard.role === 'counsellor') best = [nick, o];
            else if (o.vcard.role === 'bot' && !best) best = [nick, o];
        }
        if (!best || this.phase === 'idle') {
            this.agent.hidden = true;
            return;
        }
        const [nick, o] = best;
        this.agent.hidden = false;
        this.agent.dataset.role = o.vcard.role;
        this.agentAvatar.replaceChildren(this.avatarContent(nick));
        this.agentAvatar.className = `aw-avatar${o.vcard.role === 'bot' ? ' aw-avatar-bot' : ''}`;
        this.agentName.textContent = o.vcard.fn || nick;
        this.agentTitle.textContent = o.vcard.role === 'bot' ? this.t('botTitle')
            : (o.vcard.title || this.t('counsellorTitle'));
    }

    avatarContent(nick) {
        const o = this.occupants.get(nick);
        const v = o && o.vcard;
        if (v && v.photo) return h('img', { src: v.photo, alt: '' });
        if (v && v.role === 'bot') return icon('robot');
        return h('span', {}, initials((v && v.fn) || nick));
    }

    // ---- the pre-chat form and the first question ------------------------

    submitPrechat() {
        const question = this.pcQuestion.value.trim();
        const email = this.pcEmail.value.trim();
        this.pcError.textContent = '';
        for (const el of [this.pcQuestion, this.pcEmail, this.pcConsent]) el.removeAttribute('aria-invalid');
        let bad = null;
        if (!question) bad = [this.pcQuestion, 'questionNeeded'];
        else if (email && !EMAIL_RE.test(email)) bad = [this.pcEmail, 'emailInvalid'];
        else if (email && !this.pcConsent.checked) bad = [this.pcConsent, 'consentNeeded'];
        if (bad) {
            bad[0].setAttribute('aria-invalid', 'true');
            this.pcError.textContent = this.t(bad[1]);
            bad[0].focus();
            return;
        }
        if (this.connStatus !== 'connected') {
            this.ensureConnected();
            this.pcError.textContent = this.t('statusConnecting');
            this.waitConnected(() => this.submitPrechat());
            return;
        }
        const name = this.pcName.value.trim().replace(/\s+/g, ' ').slice(0, 40);
        const interests = this.pcInterests.filter((i) => i.input.checked).map((i) => i.key);
        const values = {
            name: name || null,
            lang: this.langChosen ? this.lang : null,
            page: (window.location.pathname || '/').slice(0, 500),
            interests: interests.length ? interests.join(',') : null,
            email: email && this.pcConsent.checked ? email : null,
            consent: email ? String(this.pcConsent.checked) : null,
            followup: email && this.pcConsent.checked && this.pcFollowup.checked ?
                this.pcFollowupLabel.textContent : null,
            langs: browserLangs(),
        };
        // the desk knows this question by a random token: asked again after
        // a reload (before the invitation), it is the same conversation
        values.resume = newToken();
        const askedAt = Date.now();
        savePending(this.config.office, { question, name, values, askedAt,
            token: values.resume, open: !this.panel.hidden });
        this.startAsking(question, name, values, askedAt);
        this.startValues.email = values.email;
        this.textarea.focus();
    }

    startAsking(question, name, values, askedAt) {
        this.phase = 'starting';
        this.startValues = { question, name };
        this.prechat.hidden = true;
        this.log.hidden = false;
        this.composer.hidden = false;
        this.endedEl.hidden = true;
        const entry = this.addOwn(question, new Date(askedAt), true);
        this.firstEntry = entry;
        this.client.ask(question, values);
        clearTimeout(this.inviteTimer);
        this.inviteTimer = setTimeout(() => {
            if (this.phase === 'starting') this.startFailed();
        }, INVITE_TIMEOUT);
    }

    // A reload before the invitation: the question stays in view and is
    // asked again, with its token, as soon as we are connected.
    resumePending(p) {
        this.ensureConnected();
        const go = () => this.startAsking(p.question, p.name, p.values, p.askedAt);
        if (this.connStatus === 'connected') go();
        else {
            this.prechat.hidden = true;
            this.log.hidden = false;
            this.composer.hidden = false;
            this.phase = 'starting';
            this.startValues = { question: p.question, name: p.name };
            this.firstEntry = this.addOwn(p.question, new Date(p.askedAt), true);
            this.waitConnected(() => {
                this.resetLog();
                go();
            });
        }
        if (p.open) this.open();
    }

    waitConnected(fn) {
        clearInterval(this.connWait);
        let n = 0;
        this.connWait = setInterval(() => {
            n += 1;
            if (this.connStatus === 'connected') {
                clearInterval(this.connWait);
                fn();
            } else if (n > 60) {
                clearInterval(this.connWait);
                this.pcError.textContent = this.t('statusOffline');
            }
        }, 500);
    }

    startFailed() {
        clearTimeout(this.inviteTimer);
        clearPending(this.config.office);
        // the question is not lost: back in the form, to send again
        if (this.startValues && this.startValues.question && !this.pcQuestion.value) {
            this.pcQuestion.value = this.startValues.question;
        }
        this.phase = 'idle';
        this.resetLog();
        this.prechat.hidden = false;
        this.log.hidden = true;
        this.composer.hidden = true;
        this.pcError.textContent = this.t('statusOffline');
    }

    onInvite({ room, password }) {
        if (this.phase !== 'starting' && !(this.session && this.session.room === room)) return;
        clearTimeout(this.inviteTimer);
        clearPending(this.config.office);
        const base = (this.startValues && this.startValues.name) ||
            (this.session && this.session.nick) || this.t('visitorNick');
        if (!this.session || this.session.room !== room) {
            this.session = { room, password, nick: base, nicks: [base],
                question: this.startValues ? this.startValues.question : null,
                email: this.startValues ? this.startValues.email || null : null,
                askedAt: Date.now(), lang: this.lang, open: !this.panel.hidden, people: {} };
            this.saveSession();
        }
        if (this.firstEntry) this.markSent(this.firstEntry);
        this.phase = 'joining';
        this.client.enterRoom(room, this.session.password, this.session.nick, this.session.nicks);
    }

    resume() {
        const s = this.session;
        this.phase = 'joining';
        this.prechat.hidden = true;
        this.log.hidden = false;
        this.composer.hidden = false;
        if (s.question) {
            this.firstEntry = this.addOwn(s.question, new Date(s.askedAt || Date.now()), false);
        }
        this.client.enterRoom(s.room, s.password, s.nick, s.nicks);
        this.client.start();
        if (s.open) this.open();
    }

    onJoined({ nick, nicks }) {
        this.phase = 'joined';
        if (this.session) {
            this.session.nicks = nicks;
            this.saveSession();
        }
        const out = this.outbox;
        this.outbox = [];
        for (const entry of out) {
            const id = this.client.say(entry.text, { id: entry.id });
            if (id) this.pending.set(id, entry);
        }
        this.renderAgent();
    }

    onJoinError({ condition }) {
        if (condition === 'service-unavailable' || condition === 'remote-server-timeout' ||
            condition === 'internal-server-error') {
            // the server or the daemon is having a moment: the connection retry
            // loop rejoins; nothing to forget
            return;
        }
        // the room is gone (destroyed, expired): this session is over
        const wasResuming = this.phase === 'joining' && !this.startValues;
        clearSession(this.config.office);
        this.session = null;
        this.client.leaveRoom();
        this.phase = 'idle';
        this.resetLog();
        this.prechat.hidden = false;
        this.log.hidden = true;
        this.composer.hidden = true;
        this.agent.hidden = true;
        this.pcError.textContent = wasResuming ? this.t('previousEnded') : this.t('statusOffline');
    }

    saveSession() {
        if (this.session) saveSession(this.config.office, this.session);
    }

    // ---- messages ---------------------------------------------------------

    resetLog() {
        this.list.replaceChildren();
        this.entries.clear();
        this.pending.clear();
        this.cards = [];
        this.occupants.clear();
        this.typing.forEach((timer) => clearTimeout(timer));
        this.typing.clear();
        this.lastQueue = null;
        this.firstEntry = null;
        this.renderQueue();
        this.renderTyping();
        this.renderAgent();
    }

    onMessage(m) {
        this.stopTyping(m.nick);
        if (m.mine) {
            const entry = this.pending.get(m.id) || (m.originId && this.pending.get(m.originId));
            if (entry) {
                this.pending.delete(entry.id);
                this.markSent(entry);
                this.entries.set(this.keyOf(m), entry);
                return;
            }
        }
        if (m.replaceId) {
            const target = this.entries.get(`${m.nick}\u0000${m.replaceId}`);
            if (target) {
                if (this.entries.has(this.keyOf(m))) return;
                this.entries.set(this.keyOf(m), target);
                target.textEl.replaceChildren();
                linkify(target.textEl, m.body);
                target.edited = true;
                this.renderMeta(target);
                if (!m.delay && !m.mine) this.announce(m.nick, m.body);
                return;
            }
        }
        const key = this.keyOf(m);
        if (this.entries.has(key)) return; // history again after a rejoin
        if (!m.mine && (m.queue || this.lastQueue)) {
            // the latest word on the queue: a later message without one
            // (a counsellor's, the bot's "Claire takes it") ends it
            this.lastQueue = m.queue || null;
            this.renderQueue();
        }
        let entry;
        if (m.mine) {
            entry = this.addOwn(m.body, m.delay || new Date(), false, m.id);
            this.answerCards(m.body);
        } else {
            entry = this.addOther(m);
        }
        this.entries.set(key, entry);
        if (!m.mine && !m.delay) {
            this.announce(m.nick, m.body);
            if (this.panel.hidden) {
                this.unread += 1;
                this.renderBadge();
            }
        }
    }

    keyOf(m) {
        if (m.id) return `${m.nick}\u0000${m.id}`;
        return `${m.nick}\u0000${m.body}\u0000${m.delay ? m.delay.toISOString() : ''}`;
    }

    nearEnd() {
        const b = this.body;
        return b.scrollHeight - b.scrollTop - b.clientHeight < 80;
    }

    // Keeps the newest message in view unless the visitor scrolled up to
    // read older ones (also when the typing or queue line takes room).
    watchScroll() {
        this.stick = true;
        // only the visitor's own scrolling unsticks (a layout change, like
        // a phone turned or a line shown, also fires "scroll")
        let userUntil = 0;
        const user = () => { userUntil = Date.now() + 1500; };
        const keys = new Set(['ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End', ' ']);
        this.body.addEventListener('wheel', user, { passive: true });
        this.body.addEventListener('touchmove', user, { passive: true });
        this.body.addEventListener('keydown', (e) => { if (keys.has(e.key)) user(); },
            { passive: true });
        this.body.addEventListener('scroll', () => {
            if (Date.now() < userUntil) this.stick = this.nearEnd();
        }, { passive: true });
        if (typeof ResizeObserver === 'function') {
            const ro = new ResizeObserver(() => { if (this.stick) this.toEnd(); });
            ro.observe(this.body);
            ro.observe(this.log);
        }
    }

    toEnd() {
        if (!this.log.hidden) this.body.scrollTop = this.body.scrollHeight;
    }

    scrollToEnd(force) {
        if (force) this.stick = true;
        if (this.stick) {
            this.toEnd();
            requestAnimationFrame(() => this.toEnd());
        }
    }

    appendItem(li) {
        const prev = this.list.lastElementChild;
        if (prev && prev.dataset.nick && prev.dataset.nick === li.dataset.nick &&
            prev.dataset.kind === li.dataset.kind) {
            li.classList.add('aw-cont');
        }
        this.list.append(li);
        this.scrollToEnd(false);
    }

    addOwn(text, date, pending, id) {
        const textEl = h('p', { class: 'aw-text' });
        linkify(textEl, text);
        const meta = h('div', { class: 'aw-meta' });
        const li = h('li', { class: 'aw-msg aw-mine', 'data-kind': 'mine', 'data-nick': '\u0000me' },
            h('div', { class: 'aw-bubble-wrap' }, meta, h('div', { class: 'aw-bubble' }, textEl)));
        const entry = { li, textEl, meta, mine: true, date, text, id: id || null,
            pending: !!pending, nick: null };
        this.appendItem(li);
        this.renderMeta(entry);
        return entry;
    }

    addOther(m) {
        const textEl = h('p', { class: 'aw-text' });
        linkify(textEl, m.body);
        const meta = h('div', { class: 'aw-meta' });
        const avatar = h('div', { class: 'aw-avatar', 'aria-hidden': 'true' });
        const bubble = h('div', { class: 'aw-bubble' }, textEl);
        const wrap = h('div', { class: 'aw-bubble-wrap' }, meta, bubble);
        const li = h('li', { class: 'aw-msg aw-other', 'data-kind': 'other', 'data-nick': m.nick },
            avatar, wrap);
        const entry = { li, textEl, meta, avatar, mine: false, date: m.delay || new Date(),
            nick: m.nick, id: m.id };
        for (const form of m.forms) {
            if (form.formType === NS.FORM_SURVEY) wrap.append(this.surveyCard(form));
            else if (form.formType === NS.FORM_VIDEO) wrap.append(this.videoCard(form));
        }
        if ((m.oob && /^https?:\/\//i.test(m.oob.url || '')) || m.ical) {
            wrap.append(this.linkCard(m.oob, m.ical));
        }
        this.appendItem(li);
        this.renderMeta(entry);
        return entry;
    }

    addNotice(text, date) {
        const li = h('li', { class: 'aw-notice', 'data-kind': 'notice' }, h('p', {}, text));
        this.log.hidden = false;
        this.appendItem(li);
        if (!date) this.announce(null, text);
    }

    // Name, badge and time above a message (again when a vCard arrives or
    // the language changes).
    renderMeta(entry) {
        const time = h('time', { datetime: entry.date.toISOString() }, clock(this.lang, entry.date));
        if (entry.mine) {
            const state = entry.failed ? this.t('notSent') : entry.pending ? this.t('sending') : null;
            entry.meta.replaceChildren(...present(h('span', { class: 'aw-name' }, this.t('you')),
                time, state ? h('span', { class: 'aw-state' }, state) : null));
            this.renderEdited(entry);
            entry.li.classList.toggle('aw-pending', !!entry.pending);
            entry.li.classList.toggle('aw-failed', !!entry.failed);
            return;
        }
        const o = this.occupants.get(entry.nick);
        const v = o && o.vcard;
        const bot = !!(v && v.role === 'bot');
        entry.li.classList.toggle('aw-bot', bot);
        entry.li.classList.toggle('aw-counsellor', !!(v && v.role === 'counsellor'));
        entry.meta.replaceChildren(...present(
            h('span', { class: 'aw-name' }, (v && v.fn) || entry.nick),
            bot ? h('span', { class: 'aw-robot', title: this.t('botTitle') },
                icon('robot'), h('span', {}, this.t('botTitle'))) : null,
            time));
        this.renderEdited(entry);
        entry.avatar.className = `aw-avatar${bot ? ' aw-avatar-bot' : ''}`;
        entry.avatar.replaceChildren(this.avatarContent(entry.nick));
    }

    // "corrigé" under a corrected text, inside its bubble (the name line is
    // hidden for a message that follows one of the same sender).
    renderEdited(entry) {
        if (!entry.edited) return;
        if (!entry.editedEl) {
            entry.editedEl = h('span', { class: 'aw-edited' });
            entry.textEl.after(entry.editedEl);
        }
        entry.editedEl.textContent = this.t('edited');
    }

    markSent(entry) {
        entry.pending = false;
        entry.failed = false;
        this.renderMeta(entry);
    }

    markFailed(entry) {
        entry.pending = false;
        entry.failed = true;
        this.renderMeta(entry);
    }

    announce(nick, text) {
        const said = text.length > ANNOUNCE_MAX ? `${text.slice(0, ANNOUNCE_MAX)}…` : text;
        const line = nick ? this.t('announce', { name: this.displayName(nick), text: said }) : said;
        this.announcer.append(h('p', {}, line));
        while (this.announcer.childElementCount > 5) this.announcer.firstElementChild.remove();
    }

    // ---- typing ---------------------------------------------------------

    onChatState({ nick, state }) {
        if (state === 'composing') {
            clearTimeout(this.typing.get(nick));
            this.typing.set(nick, setTimeout(() => this.stopTyping(nick), TYPING_TIMEOUT));
            this.renderTyping();
        } else {
            this.stopTyping(nick);
        }
    }

    stopTyping(nick) {
        if (!this.typing.has(nick)) return;
        clearTimeout(this.typing.get(nick));
        this.typing.delete(nick);
        this.renderTyping();
    }

    // ---- the composer -----------------------------------------------------

    onComposerKey(e) {
        if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            this.sendComposer();
        }
    }

    onComposerInput() {
        const el = this.textarea;
        el.style.height = 'auto';
        el.style.height = `${Math.min(el.scrollHeight, 120)}px`;
        if (this.phase !== 'joined') return;
        if (el.value.trim() && this.ownState !== 'composing') {
            this.ownState = 'composing';
            this.client.chatState('composing');
        }
        clearTimeout(this.pausedTimer);
        this.pausedTimer = setTimeout(() => {
            if (this.ownState === 'composing') {
                this.ownState = 'paused';
                this.client.chatState('paused');
            }
        }, PAUSED_AFTER);
    }

    sendComposer() {
        const text = this.textarea.value.trim();
        if (!text) return;
        this.textarea.value = '';
        this.onComposerInputReset();
        this.sendText(text);
    }

    onComposerInputReset() {
        clearTimeout(this.pausedTimer);
        this.ownState = 'active';
        this.textarea.style.height = 'auto';
    }

    // Sends text (and an optional submit form) to the room, now or once in it.
    sendText(text, form) {
        this.stick = true; // what follows one's own message is wanted in view
        const entry = this.addOwn(text, new Date(), true);
        this.answerCards(text);
        if (this.phase === 'joined') {
            const id = this.client.say(text, { form });
            if (id) {
                entry.id = id;
                this.pending.set(id, entry);
                return entry;
            }
        }
        entry.id = `q${Date.now()}${Math.random().toString(16).slice(2, 8)}`;
        this.outbox.push(entry);
        return entry;
    }

    // ---- cards: survey, video slots, meeting link ------------------------

    surveyCard(form) {
        const field = formField(form, 'rating');
        const comment = formField(form, 'comment');
        const options = field && field.options.length
            ? field.options.map((o) => o.value)
            : ['1', '2', '3', '4', '5'];
        const group = nextId('rating');
        const labels = [];
        const inputs = options.map((value, i) => {
            const id = nextId('star');
            const n = i + 1;
            const key = n === 1 ? 'star1' : n === options.length ? 'star5' : 'starN';
            // the radio inside its star: focusing it brings the star into view
            const input = h('input', { type: 'radio', name: group, id, value, class: 'aw-star-input' });
            const label = h('label', { for: id, class: 'aw-star', 'data-n': String(n) },
                input, icon('star'), h('span', { class: 'aw-sr', 'data-t': key }));
            label.lastChild.textContent = this.t(key, { n });
            label.lastChild.removeAttribute('data-t');
            label.lastChild.setAttribute('data-star', String(n));
            label.lastChild.setAttribute('data-max', String(options.length));
            labels.push(label);
            return [input, label];
        });
        const stars = h('fieldset', { class: 'aw-stars' },
            h('legend', { 'data-t': 'surveyRating' }, this.t('surveyRating')), labels);
        const paint = (upto) => labels.forEach((l, i) => l.classList.toggle('aw-on', i < upto));
        const chosen = () => {
            const c = inputs.findIndex(([input]) => input.checked);
            return c < 0 ? 0 : c + 1;
        };
        stars.addEventListener('change', () => paint(chosen()));
        labels.forEach((l, i) => l.addEventListener('mouseenter', () => paint(i + 1)));
        stars.addEventListener('mouseleave', () => paint(chosen()));
        const commentId = nextId('comment');
        const textarea = h('textarea', { id: commentId, rows: '2', maxlength: '1000' });
        const error = h('p', { class: 'aw-error', role: 'alert' });
        const button = h('button', { type: 'submit', class: 'aw-btn', 'data-t': 'surveySend' },
            this.t('surveySend'));
        const thanks = h('p', { class: 'aw-thanks', hidden: true, 'data-t': 'surveyThanks' },
            this.t('surveyThanks'));
        const card = { kind: 'survey', answered: false };
        const formEl = h('form', { class: 'aw-card aw-survey', novalidate: true,
            onsubmit: (e) => {
                e.preventDefault();
                if (card.answered) return;
                const n = chosen();
                if (!n) {
                    error.textContent = this.t('surveyPick');
                    inputs[0][0].focus();
                    return;
                }
                error.textContent = '';
                const rating = options[n - 1];
                const text = textarea.value.trim();
                this.sendText(text ? `${rating} ${text}` : rating,
                    submitForm(NS.FORM_SURVEY, { rating, comment: text || null }));
            } },
        h('h3', { class: 'aw-card-title' }, icon('star'),
            h('span', { 'data-t': 'surveyTitle' }, this.t('surveyTitle'))),
        stars,
        comment ? h('label', { for: commentId, class: 'aw-card-label', 'data-t': 'surveyComment' },
            this.t('surveyComment')) : null,
        comment ? textarea : null,
        error, button, thanks,
        this.transcriptBox(formField(form, 'transcript')));
        card.el = formEl;
        card.answer = (body) => {
            const m = /^\s*([1-9])\b/.exec(body);
            if (!m) return false;
            const i = options.indexOf(m[1]);
            if (i >= 0) inputs[i][0].checked = true;
            paint(i + 1);
            this.closeCard(card);
            button.hidden = true;
            error.textContent = '';
            thanks.hidden = false;
            return true;
        };
        this.cards.push(card);
        return formEl;
    }

    // The survey's "transcript by e-mail" field (only when the office can
    // send e-mail): the address is written in the chat, as the bot asks.
    transcriptBox(field) {
        if (!field) return null;
        const id = nextId('transcript');
        const input = h('input', { id, type: 'email', maxlength: '200', autocomplete: 'email',
            value: (this.session && this.session.email) || '' });
        const status = h('p', { class: 'aw-thanks', role: 'status' });
        const send = h('button', { type: 'button', class: 'aw-btn', 'data-t': 'transcriptSend' },
            this.t('transcriptSend'));
        send.addEventListener('click', () => {
            const addr = input.value.trim();
            if (!EMAIL_RE.test(addr)) {
                input.setAttribute('aria-invalid', 'true');
                status.textContent = this.t('emailInvalid');
                input.focus();
                return;
            }
            input.removeAttribute('aria-invalid');
            this.sendText(addr);
            send.disabled = true;
            input.disabled = true;
            status.textContent = this.t('transcriptAsked');
        });
        return h('div', { class: 'aw-transcript' },
            h('label', { for: id, class: 'aw-card-label' }, field.label || this.t('transcriptSend')),
            input, send, status);
    }

    videoCard(form) {
        const field = formField(form, 'slot');
        const options = field ? field.options : [];
        const card = { kind: 'video', answered: false };
        const buttons = options.map((o, i) => h('button', { type: 'button', class: 'aw-slot',
            'data-value': o.value,
            onclick: () => {
                if (card.answered) return;
                this.sendText(String(i + 1), submitForm(NS.FORM_VIDEO, { slot: o.value }));
            } }, o.label || o.value));
        const chosen = h('p', { class: 'aw-chosen', hidden: true });
        const el = h('div', { class: 'aw-card aw-video', role: 'group' },
            h('h3', { class: 'aw-card-title' }, icon('video'),
                h('span', {}, form.title || this.t('videoTitle'))),
            h('p', { class: 'aw-card-label', 'data-t': 'videoPick' }, this.t('videoPick')),
            h('ul', { class: 'aw-slots' }, buttons.map((b) => h('li', {}, b))),
            chosen);
        card.el = el;
        card.answer = (body) => {
            const m = /^\s*(\d{1,2})\s*$/.exec(body);
            if (!m) return false;
            const i = Number(m[1]) - 1;
            if (i < 0 || i >= options.length) return false;
            buttons.forEach((b, j) => b.classList.toggle('aw-slot-chosen', j === i));
            chosen.hidden = false;
            chosen.textContent = this.t('videoChosen', { label: options[i].label || options[i].value });
            this.closeCard(card);
            return true;
        };
        this.cards.push(card);
        return el;
    }

    linkCard(oob, ical) {
        const items = [];
        if (oob && /^https?:\/\//i.test(oob.url || '')) {
            items.push(h('a', { class: 'aw-btn', href: oob.url, target: '_blank',
                rel: 'noopener noreferrer' }, icon('video'),
            h('span', { 'data-t': 'videoJoin' }, this.t('videoJoin'))));
        }
        if (ical && /BEGIN:VCALENDAR/.test(ical)) {
            const url = URL.createObjectURL(new Blob([ical.trim() + '\r\n'],
                { type: 'text/calendar;charset=utf-8' }));
            items.push(h('a', { class: 'aw-btn aw-btn-secondary', href: url,
                download: 'rendez-vous.ics' }, icon('calendar'),
            h('span', { 'data-t': 'videoCalendar' }, this.t('videoCalendar'))));
        }
        return h('div', { class: 'aw-card aw-links' }, items);
    }

    // The visitor answered (typed or clicked): the open cards take it.
    answerCards(body) {
        for (const card of this.cards) {
            if (!card.answered && card.answer(body)) break;
        }
    }

    closeCard(card) {
        card.answered = true;
        for (const el of card.el.querySelectorAll('input, button, textarea')) el.disabled = true;
        card.el.classList.add('aw-card-done');
    }

    // ---- the end ----------------------------------------------------------

    endConversation() {
        if (this.phase === 'ended') return;
        this.phase = 'ended';
        clearSession(this.config.office);
        this.session = null;
        this.client.leaveRoom();
        for (const card of this.cards) if (!card.answered) this.closeCard(card);
        this.composer.hidden = true;
        this.endedEl.hidden = false;
        this.typing.forEach((timer) => clearTimeout(timer));
        this.typing.clear();
        this.renderTyping();
        this.renderQueue();
        this.announce(null, this.t('ended'));
        this.scrollToEnd(true);
    }

    newConversation() {
        this.phase = 'idle';
        this.startValues = null;
        this.resetLog();
        this.endedEl.hidden = true;
        this.log.hidden = true;
        this.composer.hidden = true;
        this.prechat.hidden = false;
        this.pcQuestion.value = '';
        this.pcError.textContent = '';
        this.client.refreshDesk();
        this.pcQuestion.focus();
    }
}
