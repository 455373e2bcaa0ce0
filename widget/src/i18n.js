// i18n.js: the widget's texts, one catalogue per language (i18n/*.json),
// with {name} placeholders, plus the few rules that are code (ordinals,
// durations, dates).
import fr from './i18n/fr.json';
import ca from './i18n/ca.json';
import en from './i18n/en.json';
import es from './i18n/es.json';

export const CATALOGUES = { fr, ca, en, es };
export const LANGS = Object.keys(CATALOGUES);

// The catalogue language for a tag like "fr-FR" or "ca", or null.
export function pickLang(tag) {
    if (!tag) return null;
    const primary = String(tag).toLowerCase().split(/[-_]/)[0];
    return LANGS.includes(primary) ? primary : null;
}

// The language to start with: data-lang, then the browser's preferences,
// then French (the offices' own language).
export function initialLang(dataLang, navigatorLangs) {
    const fromData = pickLang(dataLang);
    if (fromData) return fromData;
    for (const tag of navigatorLangs || []) {
        const l = pickLang(tag);
        if (l) return l;
    }
    return 'fr';
}

// The text of key in lang with {name} placeholders filled from vars.
export function t(lang, key, vars) {
    const cat = CATALOGUES[lang] || CATALOGUES.fr;
    let text = cat[key];
    if (text === undefined) text = CATALOGUES.fr[key];
    if (text === undefined) return key;
    if (vars) {
        text = text.replace(/\{(\w+)\}/g, (m, name) =>
            vars[name] === undefined ? m : String(vars[name]));
    }
    return text;
}

// "1er", "2e" / "1st", "2nd" / "1.º" / "1r", "2n", "3r", "4t", "5è".
export function ordinal(lang, n) {
    if (lang === 'en') {
        const tens = n % 100, ones = n % 10;
        const suffix = tens >= 11 && tens <= 13 ? 'th'
            : ones === 1 ? 'st' : ones === 2 ? 'nd' : ones === 3 ? 'rd' : 'th';
        return `${n}${suffix}`;
    }
    if (lang === 'ca') {
        return `${n}${({ 1: 'r', 2: 'n', 3: 'r', 4: 't' })[n] || 'è'}`;
    }
    return n === 1 ? t(lang, 'ordinal1') : t(lang, 'ordinalN', { n });
}

// A waiting time in seconds, in words: "moins d'une minute", "2 min".
export function duration(lang, seconds) {
    const s = Math.max(0, Math.round(Number(seconds) || 0));
    if (s < 60) return t(lang, 'waitLessMinute');
    const minutes = Math.round(s / 60);
    if (minutes < 60) return t(lang, 'waitMinutes', { n: minutes });
    return t(lang, 'waitHours', { h: Math.floor(minutes / 60), m: minutes % 60 });
}

// A moment (Date) as "lundi 23 à 09:00" in the visitor's language, in the
// given IANA time zone (the browser's when undefined).
export function when(lang, date, timeZone) {
    const opts = { weekday: 'long', day: 'numeric', month: 'long',
        hour: '2-digit', minute: '2-digit' };
    if (timeZone) opts.timeZone = timeZone;
    try {
        return new Intl.DateTimeFormat(lang, opts).format(date);
    } catch (e) {
        delete opts.timeZone;
        return new Intl.DateTimeFormat(lang, opts).format(date);
    }
}

// Hour and minute of a message, for its time stamp.
export function clock(lang, date) {
    return new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' })
        .format(date);
}
