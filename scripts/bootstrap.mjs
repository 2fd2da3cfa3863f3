#!/usr/bin/env node
// The first thing `npm start` and `npm test` run, on a machine that may have nothing yet: plain
// Node, no dependencies. It installs npm dependencies when package-lock.json changed, installs
// redis-server when the embedded Redis needs it (and Chromium for the tests), then hands over:
//   node scripts/bootstrap.mjs app <role>      -> cli.ts <role> (all, bots, workers, migrate, seed, console)
//   node scripts/bootstrap.mjs test [args]     -> vitest run [args]
//   node scripts/bootstrap.mjs script <file>   -> a TypeScript file (benchmarks, demos)
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [mode, ...rest] = process.argv.slice(2);

function fail(message) {
  console.error(`lyceum: ${message}`);
  process.exit(1);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 12)) fail(`Node.js >= 20.12 is required (found ${process.version})`);
}

function ensureDependencies() {
  const lockFile = path.join(root, 'package-lock.json');
  const stampFile = path.join(root, 'node_modules', '.lyceum-install-stamp');
  const manifest = readFileSync(path.join(root, 'package.json'));
  const hash = createHash('sha256')
    .update(manifest)
    .update(existsSync(lockFile) ? readFileSync(lockFile) : '')
    .digest('hex');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash) return;
  console.error('lyceum: installing npm dependencies...');
  const args = existsSync(lockFile) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  const result = spawnSync('npm', args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) fail(`npm ${args[0]} failed (exit ${result.status})`);
  writeFileSync(stampFile, hash);
}

const hasCommand = (name) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;

/** Installs a Debian package that provides `command`, or stops with `advice` where apt-get is not usable. */
function ensureDebianPackage(command, pkg, advice) {
  if (hasCommand(command)) return;
  const isRoot = process.getuid?.() === 0;
  const sudo = isRoot ? [] : hasCommand('sudo') ? ['sudo', '-n'] : undefined;
  if (!hasCommand('apt-get') || sudo === undefined) fail(advice);
  console.error(`lyceum: installing ${pkg} with apt-get...`);
  const apt = (...args) =>
    spawnSync(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), ...args], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status === 0;
  const install = () => apt('install', '-y', '--no-install-recommends', pkg);
  if (!install() && !(apt('update') && install())) fail(`could not install ${pkg} with apt-get. ${advice}`);
  if (!hasCommand(command)) fail(`${command} is still missing after apt-get install ${pkg}`);
}

/** Redis has no npm build, so the private embedded Redis comes from the OS package manager. */
function ensureRedisServer() {
  if (hasCommand('redis-server')) return;
  ensureDebianPackage(
    'redis-server',
    'redis-server',
    'redis-server is not installed. Install Redis >= 6.2 (e.g. `brew install redis`, `dnf install redis`, `apt-get install redis-server`) or point REDIS_URL at a running server.',
  );
  // Debian's package starts a system-wide Redis where it can; Lyceum runs its own private one.
  spawnSync('sh', ['-c', 'service redis-server stop >/dev/null 2>&1 || true'], { stdio: 'ignore' });
}

/** The dashboard's browser tests drive a real Chromium (Debian's: test tools may not download their own browser). */
function ensureChromium() {
  ensureDebianPackage('chromium', 'chromium', 'chromium is not installed: install Chromium (e.g. `apt-get install chromium`) and make `chromium` runnable, for the dashboard tests.');
}

/** The tests reach Postgres through PgBouncer in transaction mode, as a production deployment does. */
function ensurePgBouncer() {
  if (['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer'].some((file) => existsSync(file))) return;
  // Debian puts it in /usr/sbin, which a non-root PATH often lacks.
  ensureDebianPackage('/usr/sbin/pgbouncer', 'pgbouncer', 'pgbouncer is not installed: install PgBouncer >= 1.18 (e.g. `apt-get install pgbouncer`), for the tests.');
  // Debian's package starts a system-wide PgBouncer where it can; the tests run their own.
  spawnSync('sh', ['-c', 'service pgbouncer stop >/dev/null 2>&1 || true'], { stdio: 'ignore' });
}

function loadDotEnv() {
  const file = path.join(root, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}

function runChild(command, args, env = process.env) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
  // Forward signals sent to us alone; the app treats a repeated signal during shutdown as a no-op,
  // so the terminal's Ctrl-C reaching it both directly and through us is harmless.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
}

checkNode();
switch (mode) {
  case 'app': {
    loadDotEnv();
    ensureDependencies();
    if (!process.env.REDIS_URL && !process.env.REDIS_SENTINELS && !process.env.REDIS_CLUSTER_NODES) ensureRedisServer();
    runChild(process.execPath, ['--import', 'tsx', 'cli.ts', ...(rest.length ? rest : ['all'])]);
    break;
  }
  case 'test': {
    ensureDependencies();
    ensureRedisServer();
    ensurePgBouncer();
    ensureChromium();
    runChild(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...rest]);
    break;
  }
  case 'script': {
    ensureDependencies();
    ensureRedisServer();
    if (!rest[0]) fail('usage: bootstrap.mjs script <file.ts> [args]');
    runChild(process.execPath, ['--import', 'tsx', ...rest]);
    break;
  }
  default:
    fail('usage: node scripts/bootstrap.mjs app <role> | test [vitest args] | script <file.ts> [args]');
}
