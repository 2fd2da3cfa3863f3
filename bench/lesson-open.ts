import { commandDeps } from '../test/support/core-deps.ts';
/**
 * Opening a lesson at 10k courses x 20 lessons, each lesson with a PDF: in-process (the use case
 * behind the lesson.open button: course, ownership, drip, enrollment, event, the lesson's files)
 * and through the Telegram simulator (`/lesson open` in a private chat -> the lesson's text and its
 * PDF re-sent by cached file_id, both recorded by the simulator). The member owns the course through
 * a product, as a buyer would. Run: `npm run bench:lessons` (COURSES, LESSONS, RUNS to change sizes).
 */
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { createTelegramBot } from '../bots/telegram/telegram-bot.ts';
import { encodeAction } from '../core/actions.ts';
import { courses, entitlements, memberships, platformIdentities, productGrants, products } from '../core/db/schema/index.ts';
import { handleAction } from '../core/dispatch.ts';
import { storeUpload } from '../core/files/store-upload.ts';
import { resolveActor } from '../core/members/resolve-actor.ts';
import { startTelegramSim } from '../test/sim/telegram/index.ts';
import { seedLargeCatalog } from './catalog-data.ts';
import { benchDatabase, measure, printTimings, type Timing } from './support.ts';

const count = Number(process.env.COURSES ?? 10_000);
const lessonsPerCourse = Number(process.env.LESSONS ?? 20);
const runs = Number(process.env.RUNS ?? 200);
const log = pino({ level: 'silent' });
const PDF = new TextEncoder().encode(`%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n${'% padding\n'.repeat(5000)}trailer\n<< /Root 1 0 R >>\n%%EOF\n`);
const database = await benchDatabase();
const timings: Timing[] = [];
try {
  const started = Date.now();
  const { communityId, spaceId } = await seedLargeCatalog(database.db, count);
  const db = database.db;
  const deps = commandDeps(db);

  // A creator uploads one PDF; every lesson of the community carries it (stored once, by hash).
  const creatorCaller = { platform: 'console' as const, userId: 'bench-creator', displayName: 'Creator', spaceId };
  const creator = await resolveActor(deps, creatorCaller);
  if (!creator.ok) throw new Error('no creator');
  await db.update(memberships).set({ role: 'creator' }).where(sql`member_id = ${creator.value.memberId}`);
  const upload = await storeUpload(deps, { ...creator.value, role: 'creator' }, { name: 'worksheet.pdf', bytes: PDF });
  if (!upload.ok) throw new Error('upload refused');
  await db.execute(sql`
    insert into lessons (community_id, course_id, position, title, body, attachment_file_ids)
    select c.community_id, c.id, p, 'Lesson ' || p, 'Read **this** first, then do the worksheet.', array[${upload.value.fileId}::uuid]
    from courses c cross join generate_series(4, ${lessonsPerCourse}) p`);
  await db.execute(sql`update lessons set attachment_file_ids = array[${upload.value.fileId}::uuid], body = 'Read **this** first.' where community_id = ${communityId}`);
  await db.execute(sql`analyze`);
  console.log(`seeded ${count} courses x ${lessonsPerCourse} lessons (+ another community) in ${Date.now() - started} ms`);

  // The member bought a pass that includes course-42.
  const [course] = await db.select({ id: courses.id }).from(courses).where(sql`${courses.communityId} = ${communityId} and ${courses.slug} = 'course-42'`);
  const [product] = await db.insert(products).values({ communityId, slug: 'pass', name: 'Pass', kind: 'one_time', priceAmount: 1000, currency: 'USD' }).returning();
  await db.insert(productGrants).values({ communityId, productId: product!.id, kind: 'course', courseId: course!.id });
  const grant = async (memberId: string) => db.insert(entitlements).values({ communityId, memberId, productId: product!.id, source: 'manual' });

  const memberCaller = { platform: 'console' as const, userId: 'bench-member', displayName: 'Member', spaceId };
  const member = await resolveActor(deps, memberCaller);
  if (!member.ok) throw new Error('no member');
  await grant(member.value.memberId);
  let position = 0;
  const open = () => encodeAction({ type: 'lesson.open', courseId: course!.id, position: (position++ % lessonsPerCourse) + 1 });
  timings.push(await measure('in-process: lesson.open (owned, with its PDF)', () => handleAction(deps, memberCaller, open()), runs));

  const telegram = await startTelegramSim({ botUsername: 'lyceum_bench_bot' });
  const bot = createTelegramBot({ token: telegram.token, apiRoot: telegram.apiRoot, deps, log });
  await bot.start();
  const reader = telegram.createUser({ firstName: 'Reader', languageCode: 'en' }).id;
  await telegram.user(reader).startBot('bench');
  await telegram.waitForBotMessage(reader);
  const [identity] = await db.select({ memberId: platformIdentities.memberId }).from(platformIdentities).where(sql`${platformIdentities.platformUserId} = ${String(reader)}`);
  await grant(identity!.memberId);
  const openOnTelegram = async () => {
    const file = telegram.waitForBotMessage(reader, { predicate: (message) => message.document?.file_name === 'worksheet.pdf' });
    await telegram.user(reader).sendPrivate(`/lesson open course-42 ${(position++ % lessonsPerCourse) + 1}`);
    await file;
  };
  await openOnTelegram(); // the first send uploads the PDF; every later one is by file_id
  timings.push(await measure('telegram: /lesson open -> text + PDF by cached file_id', openOnTelegram, runs, 10));
  const uploads = telegram.uploadStats().uploads;
  await bot.close();
  await telegram.close();

  printTimings(`lesson open, ${count} courses x ${lessonsPerCourse} lessons`, timings);
  console.log(`\nPDF uploads to Telegram over ${runs + 11} opens: ${uploads} (then re-sent by file_id)`);
} finally {
  await database.dispose();
}
