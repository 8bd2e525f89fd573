#!/usr/bin/env node
/**
 * `npm run build`: the server as plain JavaScript in dist/, so that it starts without a
 * transpiler. Measured on this project (README, Performance): loading the sources through tsx
 * costs about 0.8 s of CPU and 80 MB of memory at every start, a third of the cold start.
 *
 * Each .ts file of the server's folders is transpiled on its own by esbuild (the copy tsx itself
 * depends on, so nothing new is installed) to dist/<same path>.js, and every other file of those
 * folders (articles, YAML, word lists, CSS, the web page) is copied beside it, so the paths that
 * modules build from `import.meta.url` still find their files. No type check here: `npm test`
 * does that. It takes about a second; `npm start` runs it first, so a fresh clone needs nothing else.
 *
 * The YAML is parsed here too, once: every .yaml file and every article's front matter, kept in
 * dist/text/yaml-parsed.json by a hash of its text. Parsing YAML was the largest part of the
 * server's start-up (about 0.3 s of CPU); text/load-yaml.ts uses a parsed value only for the very
 * text it was parsed from (an edited file misses and is parsed as before) and checks it with zod
 * as always. Only values that JSON keeps exactly are stored.
 *
 * The entry points (dist/app/main.js, dist/bench/echo-bot.js) are then replaced by one bundle each
 * of our own modules (esbuild again; every package stays an `import` of node_modules, so native and
 * data-reading packages load as before). Measured: the server loaded about 240 of its own modules
 * at start, each resolved, read and linked by Node's ESM loader on its own, a tenth of a cold start.
 * Each module's `import.meta.url` is rewritten to the URL its per-file copy has, so the files it
 * reads beside itself (YAML, word lists, articles) are found as before; the per-file copies stay in
 * dist/ for the build's own use below and for anything that imports one module.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What `app/main.ts` runs on, and the load benchmark's echo bot (bench/echo-bot.ts), which must start the same way. */
const FOLDERS = ['app', 'bot', 'conversation', 'handover', 'insight', 'knowledge', 'safety', 'staff', 'text', 'triage', 'understanding', 'web'];
const BENCH_FILES = ['bench/echo-bot.ts'];
/** `--out DIR`: build somewhere else (tests build into .tmp/, beside node_modules, so as not to swap a dist/ in use). */
const outArg = process.argv.indexOf('--out');
const OUT = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(ROOT, 'dist');
const NEXT = `${OUT}.next-${process.pid}`;

const requireFromTsx = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
const esbuild = requireFromTsx('esbuild');
/** The compiler options that change emitted code, as tsconfig.json has them. */
const tsconfigRaw = { compilerOptions: { target: 'ES2022', verbatimModuleSyntax: true, useDefineForClassFields: true } };

async function* filesUnder(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

/** An article's front matter, as knowledge/load.ts finds it. */
const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;
/** Parsed YAML by the sha1 of its text (the same key text/load-yaml.ts computes). */
const parsedYaml = {};

async function rememberYaml(source) {
  const text = await readFile(source, 'utf8');
  const yaml = /\.ya?ml$/.test(source) ? text : source.endsWith('.md') ? FRONT_MATTER.exec(text)?.[1] : undefined;
  if (yaml === undefined) return;
  let value;
  try {
    value = parseYaml(yaml);
  } catch {
    return; // the server reports it, as before
  }
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(value) ?? 'null'), value)) return;
  parsedYaml[createHash('sha1').update(yaml).digest('base64')] = value;
}

/** `import.meta.url` in a bundled module: the URL of its per-file copy, from the bundle's own. */
function bundledModuleUrls(bundleDir) {
  return {
    name: 'per-file-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
        const rel = relative(bundleDir, join(NEXT, relative(ROOT, path))).replace(/\.ts$/, '.js');
        const url = `new URL(${JSON.stringify(rel.startsWith('.') ? rel : `./${rel}`)}, import.meta.url).href`;
        return { contents: (await readFile(path, 'utf8')).replaceAll('import.meta.url', url), loader: 'ts' };
      });
    },
  };
}

/** One entry point and our modules it imports, as one file of dist/ (see the header). */
async function bundle(entry) {
  const outfile = join(NEXT, entry.replace(/\.ts$/, '.js'));
  await esbuild.build({
    entryPoints: [join(ROOT, entry)],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    tsconfigRaw,
    logLevel: 'warning',
    plugins: [bundledModuleUrls(dirname(outfile))],
  });
}

async function emit(source) {
  const target = join(NEXT, relative(ROOT, source));
  await mkdir(dirname(target), { recursive: true });
  if (/\.(ya?ml|md)$/.test(source)) await rememberYaml(source);
  if (!source.endsWith('.ts') || source.endsWith('.d.ts')) return copyFile(source, target);
  const { code } = await esbuild.transform(await readFile(source, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcefile: relative(ROOT, source),
    tsconfigRaw,
  });
  await writeFile(target.replace(/\.ts$/, '.js'), code);
}

const started = performance.now();
const sources = BENCH_FILES.map((f) => join(ROOT, f));
for (const folder of FOLDERS) for await (const file of filesUnder(join(ROOT, folder))) sources.push(file);
try {
  await Promise.all(sources.map(emit));
  await writeFile(join(NEXT, 'text', 'yaml-parsed.json'), JSON.stringify(parsedYaml));
  // The standard safety net, trained once here on the built modules (a tenth of a start-up), kept
  // by a hash of its examples: safety/safety-net.ts uses it only for exactly those examples.
  // Each pattern's prefilter (safety/prefilter.ts), worked out once here for every pattern the server
  // compiles, kept by the pattern's source: an edited pattern is analysed at start-up as before.
  const built = (path) => import(pathToFileURL(join(NEXT, path)).href);
  const stopRecording = (await built('safety/prefilter.js')).recordPrefilters();
  const { writePrebuiltNet } = await built('safety/safety-net.js');
  writePrebuiltNet(join(NEXT, 'safety', 'safety-net.json'));
  (await built('safety/safety.js')).loadSafetyPatterns(undefined, { breadthChecks: false });
  (await built('understanding/vocabulary.js')).vocabulary();
  await writeFile(join(NEXT, 'safety', 'prefilter-sets.json'), JSON.stringify(stopRecording()));
  await Promise.all(['app/main.ts', ...BENCH_FILES].map(bundle));
  // Swap whole, so a server never starts from half a build.
  await rm(OUT, { recursive: true, force: true });
  await rename(NEXT, OUT);
} finally {
  await rm(NEXT, { recursive: true, force: true });
}
if (!process.argv.includes('--quiet')) {
  process.stdout.write(`built ${sources.length} files into dist/ in ${Math.round(performance.now() - started)} ms\n`);
}
