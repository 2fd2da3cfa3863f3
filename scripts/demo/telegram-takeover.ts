import type { DemoRuntime } from './runtime.ts';
import { heading, showTelegram, step, telegramButton, until } from './show.ts';

/** Telegram: a member asks for a person (in Chinese, with an English app); the creator takes the ticket over in a topic of the staff forum group. */
export async function runTelegramTakeover(runtime: DemoRuntime, people: { olivia: number; mia: number }): Promise<void> {
  const { telegram } = runtime;
  const { olivia, mia } = people;
  heading('Telegram: the support assistant hands over to a person');
  await runtime.makeCreator('telegram', String(olivia));
  const staff = telegram.createGroup({ title: 'Staff room', type: 'supergroup', isForum: true, creatorId: olivia });
  const code = await runtime.linkCode();
  await telegram.user(olivia).sendText(staff.id, `/setup ${code}`);
  await telegram.waitForBotMessage(staff.id);
  await step('olivia in the staff forum group (linked with /setup): /settings support_chat:here', async () => {
    const answer = telegram.waitForBotMessage(staff.id);
    await telegram.user(olivia).sendText(staff.id, '/settings support_chat:here');
    return showTelegram('staff group', await answer);
  });
  const fromBot = (predicate: (text: string) => boolean) => until(() => telegram.privateChatMessages(mia).find((message) => message.fromBot && predicate(message.text ?? '')));
  await step('Mia in private: "我要找人工客服"', async () => {
    await telegram.user(mia).sendPrivate('我要找人工客服');
    return showTelegram('private', await fromBot((text) => text.startsWith("I've passed this to the team")));
  });
  const topic = await until(() => telegram.topics(staff.id)[0]);
  const inTopic = (predicate: (text: string) => boolean) => until(() => telegram.topicMessages(staff.id, topic.message_thread_id).find((message) => message.fromBot && predicate(message.text ?? '')));
  const summary = await step(`the support worker opens topic "${topic.name}" in the staff group`, async () => showTelegram('topic', await inTopic((text) => text.startsWith('ticket #'))));
  await step('olivia presses "Claim"', async () => {
    await (await telegram.user(olivia).pressButton(summary, telegramButton(summary, 'Claim'))).answered();
    return showTelegram('private', await fromBot((text) => text.startsWith('Olivia from the team')));
  });
  await step('Mia: "我付了钱但是进不了群" (the assistant stays quiet; it reaches the topic)', async () => {
    await telegram.user(mia).sendPrivate('我付了钱但是进不了群');
    return showTelegram('topic', await inTopic((text) => text === 'Mia: 我付了钱但是进不了群'));
  });
  await step('olivia in the topic: "I sent you a fresh invite, try it now"', async () => {
    await telegram.user(olivia).sendTopicMessage(staff.id, topic.message_thread_id, 'I sent you a fresh invite, try it now');
    return showTelegram('private', await fromBot((text) => text.includes('fresh invite')));
  });
  await step('olivia in the topic: /close resolution:"invite resent"; Mia rates it', async () => {
    await telegram.user(olivia).sendTopicMessage(staff.id, topic.message_thread_id, '/close resolution:"invite resent"');
    const rating = showTelegram('private', await fromBot((text) => text.startsWith('Your ticket is closed')));
    const edited = telegram.waitForEdit(mia, rating.message_id);
    await telegram.user(mia).pressButton(rating, telegramButton(rating, '★★★★★'));
    return showTelegram('private', await edited);
  });
}
