#!/usr/bin/env node
// Report the gzipped size of the web build's JavaScript and CSS (what a browser downloads
// before the app runs). Exit 1 above the budget: BUNDLE_BUDGET_KB, default 500.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const dist = join(root, 'dist');
const budgetKb = Number(process.env.BUNDLE_BUDGET_KB ?? 500);

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(js|css)$/.test(name)) yield path;
  }
}

let static_;
try {
  static_ = [...files(join(dist, '_expo', 'static'))];
} catch {
  console.error('bundle-size: no dist/_expo/static; run `npm run build:web` first');
  process.exit(2);
}
const rows = static_.map((path) => {
  const bytes = readFileSync(path);
  return {
    file: relative(dist, path),
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
  };
});
const kb = (n) => (n / 1024).toFixed(1);
for (const r of rows.sort((a, b) => b.gzip - a.gzip)) {
  console.log(`${kb(r.gzip).padStart(8)} KB gz ${kb(r.raw).padStart(8)} KB raw  ${r.file}`);
}
const total = rows.reduce((s, r) => ({ raw: s.raw + r.raw, gzip: s.gzip + r.gzip }), {
  raw: 0,
  gzip: 0,
});
console.log(
  `${kb(total.gzip).padStart(8)} KB gz ${kb(total.raw).padStart(8)} KB raw  total (budget ${budgetKb} KB gz)`,
);
console.log(
  JSON.stringify({
    bundle_gzip_kb: Number(kb(total.gzip)),
    bundle_raw_kb: Number(kb(total.raw)),
    budget_kb: budgetKb,
  }),
);
if (total.gzip > budgetKb * 1024) {
  console.error(`bundle-size: ${kb(total.gzip)} KB gzipped is over the ${budgetKb} KB budget`);
  process.exit(1);
}
