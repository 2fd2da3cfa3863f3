import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

const importsOf = (source: string) =>
  [...source.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (match) => match[1] ?? match[2] ?? '',
  );

describe('architecture', () => {
  it('keeps core free of platforms, queues and the outer layers', async () => {
    const forbidden = [/^discord\.js/, /^@discordjs\//, /^telegraf/, /^bullmq/, /^ioredis/, /^hono/, /^@hono\//];
    const outer = ['bots', 'workers', 'scripts', 'test', 'bench'].map((dir) => path.join(root, dir) + path.sep);
    const violations: string[] = [];
    for (const file of await sourceFiles('core')) {
      for (const specifier of importsOf(await readFile(path.join(root, file), 'utf8'))) {
        const resolved = specifier.startsWith('.') ? path.resolve(root, path.dirname(file), specifier) : undefined;
        if (forbidden.some((pattern) => pattern.test(specifier)) || outer.some((dir) => resolved?.startsWith(dir))) {
          violations.push(`${file} imports ${specifier}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps telegraf inside bots/telegram and discord.js inside bots/discord', async () => {
    const violations: string[] = [];
    for (const dir of ['core', 'workers', 'bots', 'scripts']) {
      for (const file of await sourceFiles(dir)) {
        const specifiers = importsOf(await readFile(path.join(root, file), 'utf8'));
        if (specifiers.some((s) => s.startsWith('telegraf')) && !file.startsWith(path.join('bots', 'telegram'))) {
          violations.push(`${file} imports telegraf`);
        }
        if (specifiers.some((s) => /^(discord\.js|@discordjs\/)/.test(s)) && !file.startsWith(path.join('bots', 'discord'))) {
          violations.push(`${file} imports discord.js`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps the platform adapters to translation: no database, catalog or community logic', async () => {
    const violations: string[] = [];
    for (const dir of ['bots/discord', 'bots/telegram']) {
      for (const file of await sourceFiles(dir)) {
        for (const specifier of importsOf(await readFile(path.join(root, file), 'utf8'))) {
          if (/^(drizzle-orm|postgres)/.test(specifier) || /core\/(db|catalog|communities|members\/resolve-actor)/.test(specifier)) {
            violations.push(`${file} imports ${specifier}`);
          }
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps the simulators free of the test runner, so demo scripts can run them', async () => {
    const violations: string[] = [];
    for (const file of await sourceFiles('test/sim')) {
      if (file.endsWith('.test.ts')) continue;
      if (importsOf(await readFile(path.join(root, file), 'utf8')).some((s) => s.startsWith('vitest'))) violations.push(file);
    }
    expect(violations).toEqual([]);
  });
});
