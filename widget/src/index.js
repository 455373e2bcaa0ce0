// index.js: the widget's entry point. An office embeds it with one tag:
//
//   <script src="/widget/accueil-widget.js" data-bosh="/http-bind"
//           data-anon-domain="visit.ot.example"
//           data-office="cahors@accueil.ot.example" data-lang="fr"
//           data-color="#2e7d32" data-pages="*" defer></script>
//
// and the script loads accueil-widget.css from beside itself (data-css
// overrides). See widget/README.md for every attribute.
import { Widget } from './widget.js';
import { initialLang, pickLang } from './i18n.js';
import { loadLangChoice } from './store.js';
import { DEFAULT_COLOR } from './colour.js';

const DEFAULT_INTERESTS = ['hiking', 'heritage', 'food', 'lodging', 'events', 'family'];

// true if path matches one of the patterns ("*" any characters), given as
// a comma- or space-separated list; "*" or nothing matches every page.
export function pageMatches(patterns, path) {
    const list = String(patterns || '*').split(/[\s,]+/).filter(Boolean);
    if (!list.length) return true;
    return list.some((p) => {
        const re = new RegExp(`^${p.split('*').map((s) =>
            s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
        return re.test(path);
    });
}

// The tag we were loaded from; currentScript is only set while the bundle
// runs its top level, so it is kept here.
const SCRIPT = document.currentScript;

function findScript() {
    if (SCRIPT && SCRIPT.dataset && SCRIPT.dataset.office) return SCRIPT;
    return document.querySelector('script[data-office][data-anon-domain]');
}

export function configFrom(script) {
    const d = script.dataset;
    const src = script.src || '';
    const chosen = pickLang(loadLangChoice());
    return {
        bosh: d.bosh || '/http-bind',
        anonDomain: d.anonDomain,
        office: d.office,
        lang: chosen || initialLang(d.lang, navigator.languages || [navigator.language]),
        langChosen: !!chosen,
        color: d.color || DEFAULT_COLOR,
        colorText: d.colorText || null,
        title: d.title || null,
        css: d.css || (src ? src.replace(/\.js(\?.*)?$/, '.css$1') : null),
        interests: d.interests === undefined ? DEFAULT_INTERESTS
            : d.interests.split(/[\s,]+/).filter(Boolean),
        prechat: d.prechat !== 'false',
        timeZone: d.timezone || undefined,
        debug: d.debug === 'true',
        pages: d.pages || '*',
    };
}

function boot() {
    const script = findScript();
    if (!script) return;
    const config = configFrom(script);
    if (!config.anonDomain || !config.office) {
        console.error('accueil widget: data-anon-domain and data-office are required');
        return;
    }
    if (!pageMatches(config.pages, window.location.pathname)) return;
    if (window.AccueilWidget && window.AccueilWidget.instance) return; // embedded twice
    const widget = new Widget(config);
    window.AccueilWidget = {
        instance: widget,
        open: () => widget.open(),
        close: () => widget.close(),
    };
}

if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', boot);
} else {
    boot();
}
