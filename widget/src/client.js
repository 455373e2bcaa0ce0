// client.js: the XMPP side of the widget, on strophe.js over BOSH.
//
// Logs in anonymously (SASL ANONYMOUS) to the anonymous host, asks the
// office's desk for its state (directed presence, disco#info), sends the
// first question to the desk, joins the room of the desk's invitation
// (XEP-0249) with its password, and reads the room: messages, corrections
// (XEP-0308), chat states (XEP-0085), data forms (XEP-0004), links
// (XEP-0066), occupants' vCards (vcard-temp). A lost connection is retried
// with back-off (bounded) and the room rejoined with a new JID.
//
// It knows nothing of the page: it reports to the widget through on().
import { Strophe, $msg, $pres, $iq } from 'strophe.js';
import {
    NS, child, children, childText, bareJid, resourceOf, errorCondition,
    mucStatuses, delayOf, formsOf, parseForm, submitForm,
} from './xml.js';

const RECONNECT_DELAYS = [1, 2, 4, 8, 15, 30]; // seconds, the last repeats
const RECONNECT_MAX = 40;                       // attempts, then give up (~18 min)
const IQ_TIMEOUT = 15000;
const BOSH_WAIT = 30;                           // seconds a BOSH request is held
const NICK_TRIES = 8;

function randomId() {
    const a = new Uint8Array(12);
    crypto.getRandomValues(a);
    return Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');
}

function imageDataUrl(type, b64) {
    const clean = (b64 || '').replace(/\s+/g, '');
    if (!clean || !/^[A-Za-z0-9+/=]+$/.test(clean)) return null;
    const t = (type || '').trim().toLowerCase();
    if (!/^image\/(png|jpeg|gif|webp)$/.test(t)) return null;
    return `data:${t};base64,${clean}`;
}

export class DeskClient {
    /*
     * opts: bosh (URL), anonDomain, office (desk bare JID), lang
     * (xml:lang of what we send), debug (log stanzas to the console).
     */
    constructor(opts) {
        this.opts = opts;
        this.lang = opts.lang;
        this.handlers = {};
        this.conn = null;
        this.connected = false;
        this.stopped = false;
        this.attempts = 0;
        this.timer = null;
        this.room = null;        // { jid, password, nick, nicks: Set }
        this.joined = false;
        this.joining = null;     // { nick, tries, base }
        this.vcards = new Map(); // occupant JID -> Promise
        this.deskVcardAsked = false;
        // The browser knows before BOSH does that the network is gone (a
        // held request only fails after its wait): give up the connection at
        // once, and come back as soon as the network does.
        window.addEventListener('offline', () => this.networkLost());
        window.addEventListener('online', () => this.networkBack());
    }

    networkLost() {
        if (this.stopped || !this.conn) return;
        this.abandon();
        this.emit('status', 'reconnecting');
    }

    networkBack() {
        if (this.stopped || this.conn) return;
        this.attempts = 0;
        clearTimeout(this.timer);
        this.timer = null;
        this.connect();
    }

    // Forgets the current connection without waiting for it to end.
    abandon() {
        const conn = this.conn;
        this.conn = null;
        this.connected = false;
        this.joined = false;
        this.joining = null;
        this.vcards.clear();
        if (conn) {
            try {
                conn.reset();
            } catch (e) {
                // nothing to do: it is dead anyway
            }
        }
        if (!this.timer && !this.stopped) {
            // in case "online" never comes (some browsers): the usual retry
            const delay = RECONNECT_DELAYS[Math.min(this.attempts, RECONNECT_DELAYS.length - 1)];
            this.attempts += 1;
            this.timer = setTimeout(() => {
                this.timer = null;
                if (!this.stopped && !this.conn) this.connect();
            }, delay * 1000);
        }
    }

    on(event, fn) {
        (this.handlers[event] = this.handlers[event] || []).push(fn);
    }

    emit(event, data) {
        for (const fn of this.handlers[event] || []) {
            try {
                fn(data);
            } catch (e) {
                console.error('accueil widget:', event, e);
            }
        }
    }

    get isConnected() {
        return this.connected;
    }

    // Starts connecting (no-op when already connected or connecting).
    start() {
        this.stopped = false;
        if (this.conn) return;
        this.connect();
    }

    // Retries at once after the widget gave up (the visitor's "retry").
    retry() {
        this.attempts = 0;
        clearTimeout(this.timer);
        this.timer = null;
        if (!this.conn) this.connect();
    }

    stop() {
        this.stopped = true;
        clearTimeout(this.timer);
        const conn = this.conn;
        this.conn = null;
        this.connected = false;
        if (conn) {
            try {
                conn.disconnect('bye');
            } catch (e) {
                // already gone
            }
        }
    }

    connect() {
        Strophe.setLogLevel(this.opts.debug ? Strophe.LogLevel.DEBUG : Strophe.LogLevel.ERROR);
        const conn = new Strophe.Connection(this.opts.bosh);
        this.conn = conn;
        if (this.opts.debug) {
            conn.xmlInput = (el) => console.debug('accueil <-', Strophe.serialize(el));
            conn.xmlOutput = (el) => console.debug('accueil ->', Strophe.serialize(el));
        }
        this.emit('status', this.attempts ? 'reconnecting' : 'connecting');
        conn.connect(this.opts.anonDomain, '', (status, condition) =>
            this.onStatus(conn, status, condition), BOSH_WAIT);
    }

    onStatus(conn, status, condition) {
        if (conn !== this.conn) return; // an old connection's last words
        const S = Strophe.Status;
        if (status === S.CONNECTED) {
            this.connected = true;
            this.attempts = 0;
            this.setupHandlers(conn);
            conn.send($pres());
            this.sendDeskPresence();
            this.askDeskInfo();
            this.emit('status', 'connected');
            if (this.room) this.joinRoom();
        } else if (status === S.DISCONNECTED || status === S.CONNFAIL ||
                   status === S.AUTHFAIL || status === S.ERROR ||
                   status === S.CONNTIMEOUT) {
            if (status !== S.DISCONNECTED) {
                console.warn('accueil widget: connection problem', status, condition || '');
            }
            if (status === S.DISCONNECTED || !this.connected) this.lost(conn);
        }
    }

    lost(conn) {
        if (conn !== this.conn) return;
        this.conn = null;
        this.connected = false;
        this.joined = false;
        this.joining = null;
        if (this.stopped) return;
        this.vcards.clear();
        if (this.attempts >= RECONNECT_MAX) {
            this.emit('status', 'offline');
            return;
        }
        const delay = RECONNECT_DELAYS[Math.min(this.attempts, RECONNECT_DELAYS.length - 1)];
        this.attempts += 1;
        this.emit('status', 'reconnecting');
        clearTimeout(this.timer);
        this.timer = setTimeout(() => {
            this.timer = null;
            if (!this.stopped && !this.conn) this.connect();
        }, delay * 1000);
    }

    setupHandlers(conn) {
        const guard = (fn) => (stanza) => {
            if (conn !== this.conn) return false; // an abandoned connection
            try {
                fn.call(this, stanza);
            } catch (e) {
                console.error('accueil widget: stanza handler', e);
            }
            return true;
        };
        conn.addHandler(guard(this.onMessage), null, 'message', null);
        conn.addHandler(guard(this.onPresence), null, 'presence', null);
        conn.addHandler(guard(this.onIq), null, 'iq', ['get', 'set']);
    }

    // Answers IQs we do not handle (ping included) as a client should.
    onIq(iq) {
        const type = iq.getAttribute('type');
        const reply = $iq({ to: iq.getAttribute('from'), id: iq.getAttribute('id'),
            type: 'result' });
        if (child(iq, 'ping', 'urn:xmpp:ping') === null || type !== 'get') {
            reply.attrs({ type: 'error' }).c('error', { type: 'cancel' })
                .c('service-unavailable', { xmlns: NS.STANZAS });
        }
        this.conn.send(reply);
    }

    // ---- the desk ---------------------------------------------------------

    setLang(lang) {
        this.lang = lang;
        if (this.connected) this.sendDeskPresence();
    }

    sendDeskPresence() {
        this.conn.send($pres({ to: this.opts.office, 'xml:lang': this.lang }));
    }

    // Asks for the desk's state again (presence and disco#info).
    refreshDesk() {
        if (!this.connected) return;
        this.sendDeskPresence();
        this.askDeskInfo();
    }

    askDeskInfo() {
        const conn = this.conn;
        conn.sendIQ($iq({ to: this.opts.office, type: 'get' }).c('query', { xmlns: NS.DISCO_INFO }),
            (res) => this.onDeskInfo(res), () => {}, IQ_TIMEOUT);
        if (!this.deskVcardAsked) {
            this.deskVcardAsked = true;
            this.fetchVCard(this.opts.office).then((v) => v && this.emit('deskVcard', v));
        }
    }

    /*
     * The desk's disco#info: its name, and the desk form (FORM_TYPE
     * urn:accueil:desk:0: open, available, wait, next-open, queue) when
     * the daemon has it; the presence is the fallback.
     */
    onDeskInfo(res) {
        const query = child(res, 'query', NS.DISCO_INFO);
        const identity = child(query, 'identity', NS.DISCO_INFO);
        const form = formsOf(query).find((f) => f.formType === NS.FORM_DESK);
        const info = { name: identity ? identity.getAttribute('name') : null, form: null };
        if (form) {
            const v = (name) => {
                const f = form.fields.find((x) => x.var === name);
                return f && f.values.length ? f.values[0].trim() : null;
            };
            const num = (s) => (s === null || s === '' || isNaN(Number(s)) ? null : Number(s));
            const open = v('open');
            const next = v('next-open') ? new Date(v('next-open')) : null;
            info.form = {
                open: open === null || open === '' ? null : (open === '1' || open === 'true'),
                wait: num(v('wait')),
                nextOpen: next && !isNaN(next) ? next : null,
                queue: num(v('queue')),
                available: num(v('available')),
            };
        }
        this.emit('deskInfo', info);
    }

    onDeskPresence(pres) {
        const type = pres.getAttribute('type');
        if (type === 'error' || type === 'subscribe' || type === 'subscribed') return;
        const show = childText(pres, 'show');
        const statuses = children(pres, 'status', null).map((s) => ({
            lang: s.getAttribute('xml:lang') || (pres.getAttribute('xml:lang') || ''),
            text: s.textContent,
        }));
        const mine = statuses.find((s) => s.lang.split('-')[0] === this.lang) ||
            statuses.find((s) => !s.lang) || null;
        // available: open; away or dnd: open but nobody free; xa: closed
        this.emit('deskPresence', {
            online: type !== 'unavailable',
            open: type !== 'unavailable' && show !== 'xa',
            busy: show === 'away' || show === 'dnd',
            status: mine ? mine.text : null,
        });
    }

    /*
     * Sends the first question to the desk, with an optional pre-chat form
     * (values: name, lang, page, interests, email, consent). Returns the id.
     */
    ask(body, values) {
        const id = randomId();
        const m = $msg({ to: this.opts.office, type: 'chat', id, 'xml:lang': this.lang })
            .c('body').t(body).up()
            .c('active', { xmlns: NS.CHATSTATES }).up();
        if (values && Object.values(values).some((v) => v !== null && v !== undefined)) {
            m.cnode(submitForm(null, values)).up();
        }
        this.conn.send(m);
        return id;
    }

    // ---- the room -------------------------------------------------------

    /*
     * Remembers the room and joins it now (or as soon as connected).
     * nicks: the nicks used before in this session (their messages are ours).
     */
    enterRoom(jid, password, nick, nicks) {
        this.room = { jid, password, nick, nicks: new Set(nicks || [nick]) };
        this.room.nicks.add(nick);
        if (this.connected) this.joinRoom();
    }

    leaveRoom() {
        if (this.room && this.connected && this.joined) {
            this.conn.send($pres({ to: `${this.room.jid}/${this.room.nick}`, type: 'unavailable' }));
        }
        this.room = null;
        this.joined = false;
        this.joining = null;
    }

    isMine(nick) {
        return !!(this.room && this.room.nicks.has(nick));
    }

    joinRoom(nick) {
        const base = this.joining ? this.joining.base : this.room.nick.replace(/ \(\d+\)$/, '');
        const tries = this.joining ? this.joining.tries : 0;
        const n = nick || this.room.nick;
        this.joining = { nick: n, base, tries };
        this.joined = false;
        this.conn.send($pres({ to: `${this.room.jid}/${n}`, 'xml:lang': this.lang })
            .c('x', { xmlns: NS.MUC }).c('password').t(this.room.password).up()
            .c('history', { maxstanzas: '50' }));
    }

    onPresence(pres) {
        const from = pres.getAttribute('from') || '';
        const bare = bareJid(from);
        if (bare === this.opts.office) {
            this.onDeskPresence(pres);
            return;
        }
        if (!this.room || bare !== this.room.jid) return;
        const nick = resourceOf(from);
        if (!nick) return; // the room itself, not an occupant
        const type = pres.getAttribute('type');
        const codes = mucStatuses(pres);
        if (type === 'error') {
            if (!this.joining || nick !== this.joining.nick) return;
            const cond = errorCondition(pres);
            if (cond === 'conflict' && this.joining.tries < NICK_TRIES) {
                this.joining.tries += 1;
                this.joinRoom(`${this.joining.base} (${this.joining.tries + 1})`);
                return;
            }
            this.joining = null;
            this.emit('joinError', { condition: cond });
            return;
        }
        const self = codes.has('110') || (this.joined && nick === this.room.nick);
        const x = child(pres, 'x', NS.MUC_USER);
        if (type === 'unavailable') {
            if (self) {
                this.joined = false;
                const destroy = child(x, 'destroy', NS.MUC_USER);
                if (destroy) {
                    this.emit('ended', { reason: 'destroyed', text: childText(destroy, 'reason') });
                } else if (codes.has('307') || codes.has('301') || codes.has('321') ||
                           codes.has('322') || codes.has('332')) {
                    this.emit('ended', { reason: 'removed' });
                } else if (codes.has('303')) {
                    // nick change: the new one comes next
                }
                return;
            }
            this.emit('occupant', { nick, present: false });
            return;
        }
        if (self) {
            const wasJoined = this.joined;
            this.joined = true;
            this.room.nick = nick;
            this.room.nicks.add(nick);
            this.joining = null;
            if (!wasJoined) this.emit('joined', { nick, nicks: [...this.room.nicks] });
            return;
        }
        if (this.isMine(nick)) {
            // one of our own earlier connections, not gone yet
            return;
        }
        const upd = child(pres, 'x', NS.VCARD_UPDATE);
        const photo = upd ? childText(upd, 'photo') : null;
        const persona = child(pres, 'persona', NS.PERSONA);
        this.emit('occupant', { nick, present: true, photo: photo || null });
        this.occupantVCard(nick, from, photo, persona ? persona.getAttribute('jid') : null)
            .then((v) => v && this.emit('vcard', { nick, ...v }));
    }

    /*
     * The vCard of a room occupant. Asked, in order: at the persona JID the
     * presence names (<persona xmlns="urn:accueil:persona:0" jid="..."/>),
     * at the occupant's room JID (the MUC forwards it to the persona), and,
     * where the room refuses queries to occupants (ejabberd's
     * allow_query_users off), at the persona JID its nick suggests on the
     * daemon's domain ("Núria" -> nuria@accueil...), kept only if its FN is
     * that nick. Other occupants than the visitor are only the daemon's.
     */
    async occupantVCard(nick, roomJid, photo, personaJid) {
        if (personaJid) {
            const v = await this.fetchVCard(personaJid, photo);
            if (v) return v;
        }
        const v = await this.fetchVCard(roomJid, photo);
        if (v) return v;
        const domain = this.opts.office.split('@')[1];
        const local = nick.normalize('NFD').replace(/[\u0300-\u036f]/g, '')
            .toLowerCase().replace(/[^a-z0-9._-]/g, '');
        if (!local || !domain) return null;
        const guess = await this.fetchVCard(`${local}@${domain}`, photo);
        return guess && guess.fn === nick ? guess : null;
    }

    onMessage(msg) {
        const from = msg.getAttribute('from') || '';
        const bare = bareJid(from);
        const type = msg.getAttribute('type') || 'normal';
        if (bare === this.opts.office) {
            this.onDeskMessage(msg, type);
            return;
        }
        if (!this.room || bare !== this.room.jid) {
            // an invitation may also come from elsewhere: only the desk's count
            return;
        }
        const nick = resourceOf(from);
        if (type === 'error') {
            this.emit('sendError', { id: msg.getAttribute('id'), condition: errorCondition(msg) });
            return;
        }
        if (!nick || (type !== 'groupchat' && type !== 'chat')) return; // subject, room notices
        if (child(msg, 'subject', null) && !child(msg, 'body', null)) return;
        const body = childText(msg, 'body');
        const delay = delayOf(msg);
        const mine = this.isMine(nick);
        const state = ['composing', 'paused', 'active', 'inactive', 'gone']
            .find((s) => child(msg, s, NS.CHATSTATES));
        if ((body === null || body.trim() === '') && !child(msg, 'x', NS.DATA)) {
            if (state && !delay && !mine) this.emit('chatstate', { nick, state });
            return;
        }
        const replace = child(msg, 'replace', NS.CORRECT);
        const oob = child(msg, 'x', NS.OOB);
        const ical = child(msg, 'ical', NS.ICAL);
        const queue = child(msg, 'queue', NS.QUEUE);
        const originId = child(msg, 'origin-id', NS.SID);
        const num = (v) => (v === null || v === '' || isNaN(Number(v)) ? null : Number(v));
        this.emit('message', {
            nick,
            mine,
            id: msg.getAttribute('id'),
            originId: originId ? originId.getAttribute('id') : null,
            body: body || '',
            delay,
            replaceId: replace ? replace.getAttribute('id') : null,
            forms: formsOf(msg).filter((f) => f.type === 'form'),
            oob: oob ? { url: childText(oob, 'url'), desc: childText(oob, 'desc') } : null,
            ical: ical ? ical.textContent : null,
            queue: queue ? { position: num(queue.getAttribute('position')),
                wait: num(queue.getAttribute('wait')) } : null,
            state,
        });
    }

    onDeskMessage(msg, type) {
        const conf = child(msg, 'x', NS.CONFERENCE);
        if (conf && conf.getAttribute('jid')) {
            this.emit('invite', { room: conf.getAttribute('jid'),
                password: conf.getAttribute('password') || '' });
            return;
        }
        if (type === 'error') {
            this.emit('deskError', { id: msg.getAttribute('id'), condition: errorCondition(msg) });
            return;
        }
        const body = childText(msg, 'body');
        if (body && body.trim()) this.emit('deskMessage', { body, delay: delayOf(msg) });
    }

    /*
     * Sends a groupchat message to the room; returns its id, or null when
     * not in the room. opts: form (a submit form element), state (chat state).
     */
    say(body, opts = {}) {
        if (!this.room || !this.connected || !this.joined) return null;
        const id = opts.id || randomId();
        const m = $msg({ to: this.room.jid, type: 'groupchat', id, 'xml:lang': this.lang });
        if (body !== null && body !== undefined) m.c('body').t(body).up();
        m.c(opts.state || 'active', { xmlns: NS.CHATSTATES }).up();
        if (body !== null && body !== undefined) m.c('origin-id', { xmlns: NS.SID, id }).up();
        if (opts.form) m.cnode(opts.form).up();
        this.conn.send(m);
        return id;
    }

    // Sends a chat state (composing, paused, active) to the room.
    chatState(state) {
        if (!this.room || !this.connected || !this.joined) return;
        this.conn.send($msg({ to: this.room.jid, type: 'groupchat' })
            .c(state, { xmlns: NS.CHATSTATES }).up()
            .c('no-store', { xmlns: 'urn:xmpp:hints' }));
    }

    // ---- vCards ---------------------------------------------------------

    // The vCard of jid as { fn, title, role, desc, photo } (photo: a data
    // URL or null); resolves null on error or timeout. Asked once per JID
    // and photo hash (XEP-0153: a new hash means a new picture).
    fetchVCard(jid, photoHash) {
        const key = `${jid}#${photoHash || ''}`;
        if (this.vcards.has(key)) return this.vcards.get(key);
        const p = new Promise((resolve) => {
            if (!this.connected) {
                resolve(null);
                return;
            }
            this.conn.sendIQ($iq({ to: jid, type: 'get' }).c('vCard', { xmlns: NS.VCARD }),
                (res) => {
                    const v = child(res, 'vCard', NS.VCARD);
                    if (!v) {
                        resolve(null);
                        return;
                    }
                    const photo = child(v, 'PHOTO', NS.VCARD);
                    resolve({
                        fn: childText(v, 'FN') || childText(v, 'NICKNAME'),
                        title: childText(v, 'TITLE'),
                        role: (childText(v, 'ROLE') || '').trim().toLowerCase() || null,
                        desc: childText(v, 'DESC'),
                        photo: photo ? imageDataUrl(childText(photo, 'TYPE'), childText(photo, 'BINVAL')) : null,
                    });
                }, () => resolve(null), IQ_TIMEOUT);
        });
        this.vcards.set(key, p);
        p.then((v) => {
            if (v === null) this.vcards.delete(key); // ask again next time
        });
        return p;
    }
}

export { parseForm, submitForm };
