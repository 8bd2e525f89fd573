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
 */
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What `app/main.ts` runs on, and the load benchmark's echo bot (bench/echo-bot.ts), which must start the same way. */
const FOLDERS = ['app', 'bot', 'conversation', 'handover', 'insight', 'knowledge', 'safety', 'staff', 'text', 'triage', 'understanding', 'web'];
const BENCH_FILES = ['bench/echo-bot.ts'];
const OUT = join(ROOT, 'dist');
const NEXT = join(ROOT, `dist.next-${process.pid}`);

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

async function emit(source) {
  const target = join(NEXT, relative(ROOT, source));
  await mkdir(dirname(target), { recursive: true });
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
  // Swap whole, so a server never starts from half a build.
  await rm(OUT, { recursive: true, force: true });
  await rename(NEXT, OUT);
} finally {
  await rm(NEXT, { recursive: true, force: true });
}
if (!process.argv.includes('--quiet')) {
  process.stdout.write(`built ${sources.length} files into dist/ in ${Math.round(performance.now() - started)} ms\n`);
}
