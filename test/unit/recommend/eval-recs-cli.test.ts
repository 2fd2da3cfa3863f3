import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** `npm run eval:recs` as a creator would run it on their own export: the lines it promises, or a message and exit code 1. */
describe('eval:recs', () => {
  let dir: string;
  const evalRecs = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/eval-recs.ts', ...args], { cwd: path.join(import.meta.dirname, '../../..') });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const file = async (name: string, text: string) => {
    const at = path.join(dir, name);
    await writeFile(at, text);
    return at;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'eval-recs-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints one line per model and the lift last', async () => {
    const rows = ['user,item,ts,category'];
    for (let user = 0; user < 60; user += 1) for (let step = 0; step < 4; step += 1) rows.push(`${user},${(user % 3) * 4 + step},${step},c${user % 3}`);
    const result = await evalRecs('--file', await file('ok.csv', rows.join('\n')));
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.slice(-4).map((line) => line.replace(/\d\.\d{3}/g, 'N').replace(/\d+\.\d{2}$/, 'L'))).toEqual([
      'pop recall@10: N ndcg@10: N',
      'itemknn recall@10: N ndcg@10: N',
      'model recall@10: N ndcg@10: N',
      'lift over pop: L',
    ]);
  }, 30_000);

  it('says what is wrong with a file it cannot use, and exits 1', async () => {
    const cases: Array<[string, RegExp]> = [
      ['user,item\n1,2\n', /missing: ts/],
      ['user,item,ts\n1,2,noon\n', /row 2: ts must be an integer/],
      ['', /the file is empty/],
      ['user,item,ts\n1,2,1\n3,4,1\n', /no user has two interactions/],
    ];
    for (const [text, message] of cases) {
      const result = await evalRecs('--file', await file('bad.csv', text));
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
    }
    expect((await evalRecs('--file', path.join(dir, 'nowhere.csv'))).stderr).toMatch(/cannot read .*no such file/);
    expect((await evalRecs()).stderr).toMatch(/give the data file/);
  }, 60_000);
});
