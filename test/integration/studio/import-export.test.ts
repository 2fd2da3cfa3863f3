import { eq } from 'drizzle-orm';
import { strFromU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAction } from '../../../core/actions.ts';
import { courses } from '../../../core/db/schema/index.ts';
import { handleAction, handleCommand, type Outcome } from '../../../core/dispatch.ts';
import type { Caller } from '../../../core/members/actor.ts';
import { CONSOLE_SPACE_ID, consolePersonas, seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { commandDeps } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

const creator: Caller = { platform: 'console', userId: consolePersonas.creator.userId, displayName: consolePersonas.creator.displayName, spaceId: CONSOLE_SPACE_ID, locale: 'en' };
const encode = (text: string) => new TextEncoder().encode(text);
const PDF = encode('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

/** The canonical course file: what export writes, so importing it and exporting again gives it back byte for byte. */
const COURSE_FILE = `---
title: Sourdough at Home
summary: "Bake a loaf: starter, dough, oven."
category: Cooking
tags: [bread, fermentation]
level: beginner
language: en
---

A week from a jar of flour to a crusty loaf.

## The starter

Mix **equal** weights of flour and water.

- day 1: mix
- day 2: feed

## Shaping {drip=2}

Fold, then rest. See [the guide](https://example.com/shaping).

## Baking

\`\`\`
250 °C, 20 min lid on
\`\`\`
`;

describe('/course import and /course export', () => {
  let database: TestDatabase;
  let deps: ReturnType<typeof commandDeps>;
  const run = (options: Record<string, unknown>) => handleCommand(deps, creator, 'course', options);
  const exported = async (outcome: Outcome) => deps.files.get(outcome.reply.files![0]!.sha256);

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemoCommunity(database.db, new Date());
    deps = commandDeps(database.db);
  });
  afterAll(() => database.drop());

  it('shows a dry run first, creates the draft on Create, and exports the same file back', async () => {
    const count = async () => (await database.db.select().from(courses)).length;
    const before = await count();
    const preview = await run({ action: 'import', file: { name: 'sourdough.md', bytes: encode(COURSE_FILE) } });
    expect(preview.reply.title).toBe('Import preview: Sourdough at Home');
    expect(preview.reply.fields?.[0]?.value).toBe('1. The starter\n2. Shaping\n3. Baking');
    expect(await count()).toBe(before);

    const create = preview.reply.actions!.flatMap((row) => ('buttons' in row ? row.buttons : []))[0]!;
    const created = await handleAction(deps, creator, encodeAction((create as { action: Parameters<typeof encodeAction>[0] }).action));
    expect(created.error).toBeUndefined();
    expect(created.reply.fields?.find((field) => field.name === 'State')?.value).toBe('Draft (revision 1)');
    const [course] = await database.db.select().from(courses).where(eq(courses.slug, 'sourdough-at-home'));
    expect(course?.status).toBe('draft');

    const back = await run({ action: 'export', course: 'sourdough-at-home' });
    expect(back.reply.files?.[0]).toMatchObject({ name: 'sourdough-at-home.md', mime: 'text/markdown; charset=utf-8' });
    expect(new TextDecoder().decode(await exported(back))).toBe(COURSE_FILE);
  });

  it('imports a ZIP with its attachments and exports a ZIP holding the same course and files', async () => {
    const zip = zipSync({ 'course/pottery.md': encode(COURSE_FILE.replace('Sourdough at Home', 'Pottery Basics').replace('## Baking\n', '## Baking\n\n📎 [kiln.pdf](files/kiln.pdf)\n')), 'course/files/kiln.pdf': PDF });
    const made = await run({ action: 'import', file: { name: 'pottery.zip', bytes: zip }, dry_run: false });
    expect(made.error).toBeUndefined();
    expect(made.reply.fields?.find((field) => field.name === 'Lessons')?.value).toMatch(/3\. Baking · 📎 kiln\.pdf/);
    const back = await run({ action: 'export', course: 'pottery-basics' });
    expect(back.reply.files?.[0]?.name).toBe('pottery-basics.zip');
    const entries = unzipSync((await exported(back))!);
    expect(Object.keys(entries).sort()).toEqual(['files/kiln.pdf', 'pottery-basics.md']);
    expect(entries['files/kiln.pdf']).toEqual(PDF);
    expect(strFromU8(entries['pottery-basics.md']!)).toContain('📎 [kiln.pdf](files/kiln.pdf)');
  });

  it('refuses a damaged ZIP, HTML in a lesson, a missing attachment and a 10,000-character title, writing nothing', async () => {
    const before = (await database.db.select().from(courses)).length;
    const refusals = [
      await run({ action: 'import', file: { name: 'broken.zip', bytes: Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5]) }, dry_run: false }),
      await run({ action: 'import', file: { name: 'x.md', bytes: encode(COURSE_FILE.replace('Fold, then rest.', 'Fold <script>alert(1)</script>')) }, dry_run: false }),
      await run({ action: 'import', file: { name: 'x.md', bytes: encode(COURSE_FILE.replace('## Baking\n', '## Baking\n\n📎 [a.pdf](files/a.pdf)\n')) }, dry_run: false }),
      await run({ action: 'import', file: { name: 'x.md', bytes: encode(COURSE_FILE.replace('title: Sourdough at Home', `title: ${'x'.repeat(10_000)}`)) }, dry_run: false }),
      await run({ action: 'import', file: { name: 'x.md', bytes: encode('# no front matter') }, dry_run: false }),
    ];
    expect(refusals.map((outcome) => outcome.error?.code)).toEqual(['import_refused', 'import_refused', 'import_refused', 'import_refused', 'import_refused']);
    expect(refusals[0]!.reply.body).toMatch(/the ZIP is damaged/);
    expect(refusals[1]!.reply.body).toMatch(/lesson 2 \("Shaping"\), line 1: HTML is not allowed/);
    expect(refusals[2]!.reply.body).toMatch(/files\/a\.pdf is not in the ZIP/);
    expect(refusals[3]!.reply.body).toMatch(/title: must be at most 120 characters/);
    expect(refusals[4]!.reply.body).toMatch(/line 1: the file must start with front matter/);
    expect((await database.db.select().from(courses)).length).toBe(before);
  });
});
