// Exactly one UI module talks to Tauri: src/lib/backend.ts. Fails the check otherwise.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('../src', import.meta.url).pathname;
const allowed = 'lib/backend.ts';
const offenders = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(ts|js|svelte)$/.test(name) && !/\.test\.ts$/.test(name)) {
      const rel = relative(root, path);
      if (rel !== allowed && /@tauri-apps\//.test(readFileSync(path, 'utf8'))) offenders.push(rel);
    }
  }
}
walk(root);
if (offenders.length) {
  console.error(`only src/${allowed} may import @tauri-apps: found in ${offenders.join(', ')}`);
  process.exit(1);
}
console.log(`seam ok: only src/${allowed} imports @tauri-apps`);
