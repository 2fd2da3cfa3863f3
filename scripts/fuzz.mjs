// `npm run fuzz`: the fuzz suite (test/fuzz) with FUZZ_SCALE times the cases `npm test` runs
// (20 unless set), then the cases tried and the failures per input. Exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(path.join(tmpdir(), 'lyceum-fuzz-'));
const report = path.join(dir, 'report.jsonl');
const scale = process.env.FUZZ_SCALE ?? '20';
const run = spawnSync(process.execPath, [path.join(root, 'scripts', 'bootstrap.mjs'), 'test', 'test/fuzz'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_SCALE: scale, FUZZ_REPORT: report },
});
const rows = existsSync(report) ? readFileSync(report, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [];
rmSync(dir, { recursive: true, force: true });
const width = Math.max(5, ...rows.map((row) => row.input.length));
console.log(`\nfuzz (scale ${scale})`);
console.log(`${'input'.padEnd(width)}  ${'cases'.padStart(7)}  failures`);
for (const row of rows) console.log(`${row.input.padEnd(width)}  ${String(row.cases).padStart(7)}  ${row.failures}`);
const cases = rows.reduce((sum, row) => sum + row.cases, 0);
const failures = rows.reduce((sum, row) => sum + row.failures, 0);
console.log(`${'total'.padEnd(width)}  ${String(cases).padStart(7)}  ${failures}`);
process.exit(run.status !== 0 || failures > 0 || rows.length === 0 ? 1 : 0);
