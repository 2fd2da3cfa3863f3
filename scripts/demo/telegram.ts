import { eq } from 'drizzle-orm';
import pino from 'pino';
import { createTelegramBot } from '../../bots/telegram/telegram-bot.ts';
import { platformSpaces, productGrants, products } from '../../core/db/schema/index.ts';
import { DEMO_COMMUNITY_SLUG } from '../../core/seed/seed-demo.ts';
import type { DemoRuntime } from './runtime.ts';
import { runTelegramTakeover } from './telegram-takeover.ts';
import { heading, showTelegram, step, telegramButton, until } from './show.ts';

/** Telegram: linking a group, browsing in private, and buying with Stars into a paid group. */
export async function runTelegramDemo(runtime: DemoRuntime): Promise<() => Promise<void>> {
  const { telegram, deps } = runtime;
  heading('Telegram (telegraf against the Telegram simulator)');
  const olivia = telegram.createUser({ firstName: 'Olivia', languageCode: 'en' });
  const mia = telegram.createUser({ firstName: 'Mia', languageCode: 'en' });
  const group = telegram.createGroup({ title: 'Makers Chat', type: 'supergroup', creatorId: olivia.id, memberIds: [mia.id] });
  const lounge = telegram.createGroup({ title: 'Bootcamp Lounge', type: 'supergroup', creatorId: olivia.id });
  const bot = createTelegramBot({ token: telegram.token, apiRoot: telegram.apiRoot, deps, log: pino({ level: 'silent' }) });
  await bot.start();
  await telegram.user(olivia.id).startBot();
  await telegram.waitForBotMessage(olivia.id);
  const inPrivate = async (userId: number, text: string) => {
    const answer = telegram.waitForBotMessage(userId);
    await telegram.user(userId).sendPrivate(text);
    return showTelegram('private', await answer);
  };

  const groupCode = await runtime.linkCode();
  await step(`Olivia in the group: /setup ${groupCode}`, async () => {
    const confirmation = telegram.waitForBotMessage(group.id);
    await telegram.user(olivia.id).sendText(group.id, `/setup ${groupCode}`);
    return showTelegram('group', await confirmation);
  });
  await step('Mia in the group: /courses (she never opened a private chat)', async () => {
    const answer = telegram.waitForBotMessage(group.id);
    await telegram.user(mia.id).sendText(group.id, '/courses');
    return showTelegram('group', await answer);
  });
  const list = await step(`Mia follows the link: /start ${DEMO_COMMUNITY_SLUG}, then /courses`, async () => {
    await telegram.user(mia.id).startBot(DEMO_COMMUNITY_SLUG);
    showTelegram('private', await telegram.waitForBotMessage(mia.id));
    return inPrivate(mia.id, '/courses');
  });
  await step('Mia presses "Next ▶" (the message is edited in place)', async () => {
    const edited = telegram.waitForEdit(mia.id, list.message_id);
    await telegram.user(mia.id).pressButton(list, telegramButton(list, 'Next ▶'));
    return showTelegram('private', await edited);
  });

  // The Python Bootcamp also opens the Bootcamp Lounge group (a creator would use /product ... chat:).
  const loungeCode = await runtime.linkCode();
  await telegram.user(olivia.id).sendText(lounge.id, `/setup ${loungeCode}`);
  await telegram.waitForBotMessage(lounge.id);
  const [space] = await deps.db.select().from(platformSpaces).where(eq(platformSpaces.externalId, String(lounge.id)));
  const [bootcamp] = await deps.db.select().from(products).where(eq(products.slug, 'python-bootcamp'));
  await deps.db.insert(productGrants).values({ communityId: runtime.communityId, productId: bootcamp!.id, kind: 'telegram_chat', spaceId: space!.id, resourceId: String(lounge.id) });
  await step('Mia: /buy python-bootcamp', async () => {
    await inPrivate(mia.id, '/buy python-bootcamp');
    return showTelegram('private', await until(() => telegram.privateChatMessages(mia.id).find((message) => message.invoice)));
  });
  await step('Mia pays the invoice with Telegram Stars', async () => {
    const invoice = telegram.privateChatMessages(mia.id).find((message) => message.invoice)!;
    const paid = await telegram.user(mia.id).payInvoice(invoice);
    console.log(`  (pre-checkout answered by the bot: ${paid.status})`);
    const invite = await until(() => telegram.privateChatMessages(mia.id).find((message) => message.text?.startsWith('Your access to Bootcamp Lounge')));
    return showTelegram('private', invite);
  });
  await step('Mia opens the single-use link and joins the paid group', async () => {
    const invite = telegram.privateChatMessages(mia.id).find((message) => message.text?.startsWith('Your access to Bootcamp Lounge'))!;
    const link = (invite.reply_markup!.inline_keyboard.flat() as Array<{ url?: string }>).find((button) => button.url)!.url!;
    const joined = await telegram.user(mia.id).joinByLink(link);
    console.log(`  ${joined.status} ${lounge.title}; Mia is now "${telegram.memberStatus(lounge.id, mia.id)}" there. The same link no longer works for anyone else.`);
  });
  await step('Mia: /my', () => inPrivate(mia.id, '/my'));
  await runTelegramTakeover(runtime, { olivia: olivia.id, mia: mia.id });
  return () => bot.close();
}
