// store.js: the visitor's session handle in localStorage, so that a page
// reload or a lost connection rejoins the same room (with a new anonymous
// JID) and the history shows again. The room name and its password ARE the
// session: nothing else is needed to come back, so nothing else is kept but
// what the widget shows (the nick, the first question, the language).

const VERSION = 1;
const MAX_AGE_MS = 24 * 3600 * 1000; // the daemon closes a session long before

function key(office) {
    return `accueil:${office}`;
}

function storage() {
    try {
        return window.localStorage;
    } catch (e) {
        return null; // disabled cookies/storage: the widget still works, without resume
    }
}

// The stored session for office, or null.
export function loadSession(office) {
    const ls = storage();
    if (!ls) return null;
    try {
        const s = JSON.parse(ls.getItem(key(office)) || 'null');
        if (!s || s.v !== VERSION || !s.room || !s.password || !s.nick) return null;
        if (Date.now() - (s.saved || 0) > MAX_AGE_MS) {
            ls.removeItem(key(office));
            return null;
        }
        return s;
    } catch (e) {
        return null;
    }
}

export function saveSession(office, session) {
    const ls = storage();
    if (!ls) return;
    try {
        ls.setItem(key(office), JSON.stringify({ ...session, v: VERSION, saved: Date.now() }));
    } catch (e) {
        // quota or privacy mode: resume is lost, the chat goes on
    }
}

export function clearSession(office) {
    const ls = storage();
    if (!ls) return;
    try {
        ls.removeItem(key(office));
    } catch (e) {
        // nothing to do
    }
}

// The visitor's explicit language choice (the language switch), per site.
export function loadLangChoice() {
    const ls = storage();
    try {
        return ls ? ls.getItem('accueil:lang') : null;
    } catch (e) {
        return null;
    }
}

export function saveLangChoice(lang) {
    const ls = storage();
    try {
        if (ls) ls.setItem('accueil:lang', lang);
    } catch (e) {
        // ignore
    }
}

// The first question while its invitation has not come (a reload in that
// moment must not lose it): the question, the pre-chat values and the
// resume token the desk knows it by. Kept ten minutes at most.
const PENDING_MAX_AGE_MS = 10 * 60 * 1000;

export function loadPending(office) {
    const ls = storage();
    if (!ls) return null;
    try {
        const p = JSON.parse(ls.getItem(`${key(office)}:pending`) || 'null');
        if (!p || !p.question || !p.token) return null;
        if (Date.now() - (p.askedAt || 0) > PENDING_MAX_AGE_MS) {
            ls.removeItem(`${key(office)}:pending`);
            return null;
        }
        return p;
    } catch (e) {
        return null;
    }
}

export function savePending(office, pending) {
    const ls = storage();
    if (!ls) return;
    try {
        ls.setItem(`${key(office)}:pending`, JSON.stringify(pending));
    } catch (e) {
        // quota or privacy mode: a reload then loses the question, as before
    }
}

export function clearPending(office) {
    const ls = storage();
    if (!ls) return;
    try {
        ls.removeItem(`${key(office)}:pending`);
    } catch (e) {
        // nothing to do
    }
}
