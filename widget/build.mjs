// build.mjs: bundles the widget into dist/ with esbuild.
//   dist/accueil-widget.js   one script (strophe.js included), minified
//   dist/accueil-widget.css  its stylesheet, loaded by the script
//   node build.mjs [--watch] [--dev]   (--dev: not minified)
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';

const args = new Set(process.argv.slice(2));
const dev = args.has('--dev');
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url)));

const common = {
    bundle: true,
    minify: !dev,
    sourcemap: true,
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    logLevel: 'info',
    legalComments: 'linked',
};

const builds = [
    {
        ...common,
        entryPoints: ['src/index.js'],
        outfile: 'dist/accueil-widget.js',
        format: 'iife',
        platform: 'browser',
        // strophe.js picks its browser build (no Node shims)
        conditions: ['browser'],
        banner: { js: `/* accueil widget ${version} - https://accueil.example/ (MIT); strophe.js (MIT) */` },
        define: { 'process.env.NODE_ENV': '"production"' },
    },
    {
        ...common,
        entryPoints: ['src/widget.css'],
        outfile: 'dist/accueil-widget.css',
    },
];

if (args.has('--watch')) {
    for (const b of builds) {
        const ctx = await esbuild.context(b);
        await ctx.watch();
    }
} else {
    await Promise.all(builds.map((b) => esbuild.build(b)));
}
