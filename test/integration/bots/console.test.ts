import { commandDeps } from '../../support/core-deps.ts';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsole } from '../../../bots/console/console.ts';
import { AdjustableClock } from '../../../core/ports.ts';
import { seedDemoActivity } from '../../../core/seed/demo-activity.ts';
import { seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { silentLog } from '../../support/fakes.ts';

/** Drives the console like a person at the terminal: one line at a time, reading the answer. */
function openConsole(database: TestDatabase, clock?: AdjustableClock, exportDir?: string) {
  const input = new PassThrough();
  const output = new PassThrough();
  let screen = '';
  output.on('data', (chunk: Buffer) => {
    screen += chunk.toString();
  });
  const done = runConsole({ deps: commandDeps(database.db, clock ? { clock } : {}), clock, input, output, log: silentLog, exportDir });
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

/** On a database of its own: the course it publishes would change the other tests' catalogue. */
describe('runConsole course studio', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemoCommunity(database.db, new Date());
  });
  afterAll(() => database.drop());

  it('makes a course with a lesson from a local file, submits it, approves it as staff and opens it as a member', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lyceum-console-'));
    const pdf = path.join(dir, 'glazes.pdf');
    await writeFile(pdf, '%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
    const session = openConsole(database);
    await session.type('/as creator');
    expect(await session.type('/course new')).toContain('/course action:new title:…');
    expect(await session.type('/course new title:"Glazing" summary:"Colour on clay." description:"One lesson, one PDF."')).toContain('Draft (revision 1)');
    expect(await session.type(`/lesson add glazing title:"Mixing" body:"Weigh **everything**." file:${path.join(dir, 'missing.pdf')}`)).toContain('no such file');
    expect(await session.type(`/lesson add glazing title:"Mixing" body:"Weigh **everything**." file:${pdf}`)).toContain('1. Mixing · 📎 glazes.pdf');
    expect(await session.type('/course submit glazing')).toContain('Submitted for review');
    await session.type('/as staff');
    const queue = await session.type('/review');
    const approve = /\[(\w)\] Approve Glazing/.exec(queue)?.[1];
    expect(approve).toBeDefined();
    expect(await session.type(approve!)).toContain('Glazing is approved and published.');
    await session.type('/as owner');
    await session.type('/product create name:"Glaze Pass" price:5 courses:glazing');
    expect(await session.type('/grant Mia glaze-pass')).toContain('Granted Glaze Pass to Mia');
    await session.type('/as member');
    const lesson = await session.type('/lesson open glazing 1');
    expect(lesson).toContain('━━ Lesson 1/1: Mixing ━━');
    expect(lesson).toContain('Weigh everything.');
    expect(lesson).toContain('📎 glazes.pdf (application/pdf, 77 B)');
    const done = /\[(\w)\] ✓ Mark done/.exec(lesson)?.[1];
    expect(await session.type(done!)).toContain('1/1 done');
    session.end();
    await session.done;
    await rm(dir, { recursive: true, force: true });
  });
});

describe('runConsole on the demo community with its year of activity', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    const { communityId } = await seedDemoCommunity(database.db, new Date());
    await seedDemoActivity(database.db, communityId, new Date());
  });
  afterAll(() => database.drop());

  it('shows /stats numbers from the demo data and writes the chart where it says', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lyceum-exports-'));
    const session = openConsole(database, undefined, dir);
    await session.type('/as creator');
    const screen = await session.type('/stats');
    expect(screen).toContain('━━ Community at a glance ━━');
    expect(screen).toMatch(/Net revenue\n\s+\$[\d,]+\.\d{2} · ⭐ \d+/);
    expect(screen).toMatch(/Paying subscribers\n\s+[1-9]\d*/);
    const saved = /saved to (\S+\.png)/.exec(screen)?.[1];
    expect(saved?.startsWith(dir)).toBe(true);
    expect((await readFile(saved!)).subarray(1, 4).toString()).toBe('PNG');
    expect(await session.type('/stats export revenue')).toMatch(/saved to \S+\.csv/);
    session.end();
    await session.done;
    await rm(dir, { recursive: true, force: true });
  });

  it('recommends the member courses with a reason from their own history', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lyceum-exports-'));
    const session = openConsole(database, undefined, dir);
    const screen = await session.type('/recommend');
    expect(screen).toContain('━━ Recommended for you ━━');
    expect(screen).toMatch(/1\. .+\n\s+(Because you finished|Popular with members who took) /);
    expect(screen).toMatch(/\[a\] Open 1 .*\n\[f\] Buy 1/);
    session.end();
    await session.done;
    await rm(dir, { recursive: true, force: true });
  });
});
