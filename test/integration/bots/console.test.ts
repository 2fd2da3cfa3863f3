import { commandDeps } from '../../support/core-deps.ts';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsole } from '../../../bots/console/console.ts';
import { AdjustableClock } from '../../../core/ports.ts';
import { seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { silentLog } from '../../support/fakes.ts';

/** Drives the console like a person at the terminal: one line at a time, reading the answer. */
function openConsole(database: TestDatabase, clock?: AdjustableClock) {
  const input = new PassThrough();
  const output = new PassThrough();
  let screen = '';
  output.on('data', (chunk: Buffer) => {
    screen += chunk.toString();
  });
  const done = runConsole({ deps: commandDeps(database.db, clock ? { clock } : {}), clock, input, output, log: silentLog });
  const prompt = /(member|creator|staff|owner)> $/;
  const settle = async () => {
    const deadline = Date.now() + 10_000;
    while (!prompt.test(screen)) {
      if (Date.now() > deadline) throw new Error(`no prompt; screen:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return {
    done,
    async type(line: string): Promise<string> {
      await settle();
      screen = '';
      input.write(`${line}\n`);
      await new Promise((resolve) => setTimeout(resolve, 10));
      await settle();
      return screen.replace(prompt, '');
    },
    end: () => input.end(),
  };
}

describe('runConsole', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemoCommunity(database.db, new Date());
  });
  afterAll(() => database.drop());

  it('moves the demo clock with /time, and the access lifecycle runs at the new time', async () => {
    const session = openConsole(database, new AdjustableClock());
    await session.type('/as creator');
    expect(await session.type('/grant Mia python-bootcamp days:2')).toMatch(/Granted Python Bootcamp to Mia until \d{4}-\d{2}-\d{2}\./);
    expect(await session.type('/time +1d')).toMatch(/Access lifecycle: 0 ended, 0 reminded\./);
    expect(await session.type('/time +2d')).toMatch(/Access lifecycle: 1 ended, 0 reminded\./);
    expect(await session.type('/access status Mia')).toContain('Python Bootcamp · manual · Expired');
    session.end();
    await session.done;
  });

  it('lists, pages, searches in English and Chinese, opens courses and switches persona', async () => {
    const session = openConsole(database);
    const listing = await session.type('/courses');
    expect(listing).toContain('━━ Courses ━━');
    expect(listing).toContain('Showing 1-5 of 19');
    expect(listing).toContain('[a] Next ▶');

    const page2 = await session.type('a');
    expect(page2).toContain('Showing 6-10 of 19');
    expect(page2).toContain('Page 2 of 4');

    const english = await session.type('/courses python');
    expect(english).toContain('Python for Absolute Beginners');

    const chinese = await session.type('/search 增长');
    expect(chinese).toContain('增长黑客入门');
    expect(chinese).toContain('用户增长实战：从 0 到 10 万');

    const detail = await session.type('1');
    expect(detail).toMatch(/━━ (增长黑客入门|用户增长实战：从 0 到 10 万) ━━/);
    expect(detail).toContain('Lessons');

    expect(await session.type('/course No-Code Automation')).toContain('That course is not in this community’s catalogue.');
    expect(await session.type('/as creator')).toContain('You are now Chen (creator).');
    expect(await session.type('/course No-Code Automation')).toContain('Status: Draft');

    expect(await session.type('/lang zh')).toContain('已切换为中文。');
    expect(await session.type('/courses category:Design')).toContain('Design 类课程');
    expect(await session.type('/help')).toContain('Lyceum 帮助');
    expect(await session.type('z')).toContain('上一条消息没有 [z] 按钮。');
    expect(await session.type('/frobnicate')).toContain('未知命令 /frobnicate');

    session.end();
    await session.done;
  });
});
