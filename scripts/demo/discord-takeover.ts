import type { DemoRuntime } from './runtime.ts';
import { discordButton, heading, showDiscord, step, until } from './show.ts';

/** Discord: a member asks for a person in DMs; the creator takes the ticket over in a private thread of the staff channel. */
export async function runDiscordTakeover(runtime: DemoRuntime, people: { guildId: string; olivia: string; mia: string }): Promise<void> {
  const { discord } = runtime;
  const { guildId, olivia, mia } = people;
  heading('Discord: the support assistant hands over to a person');
  await runtime.makeCreator('discord', olivia);
  const staff = discord.createTextChannel(guildId, 'staff');
  await step('olivia: /settings support_channel:#staff', async () => showDiscord(await (await discord.user(olivia).slashCommand(guildId, 'settings', { support_channel: staff.id })).reply()));
  const dmsFromBot = () => discord.dmMessages(mia).filter((message) => message.authorId === discord.botUser.id);
  const dm = async (text: string, expectReply = true) => {
    const before = dmsFromBot().length;
    await discord.user(mia).sendDm(text);
    if (!expectReply) return;
    return showDiscord(await until(() => dmsFromBot()[before]));
  };
  const inThread = (threadId: string, match: (content: string) => boolean) =>
    until(() => discord.channelMessages(threadId).find((message) => message.authorId === discord.botUser.id && match(message.content)));

  await step('mia in DMs: "can I talk to a person please?"', () => dm('can I talk to a person please?'));
  const thread = await until(() => discord.threads(guildId).find((candidate) => candidate.members.includes(olivia)));
  const summary = await step(`the support worker opens private thread "${thread.name}" in #staff, with olivia added`, async () => showDiscord(await inThread(thread.id, (content) => content.startsWith('ticket #'))));
  await step('olivia clicks "Claim"', async () => {
    showDiscord(await (await discord.user(olivia).clickButton(summary, discordButton(summary, 'Claim'))).reply());
    return showDiscord(await until(() => dmsFromBot().find((message) => message.content.includes('from the team is here'))));
  });
  await step('mia in DMs: "my Members role vanished" (the assistant stays quiet; it reaches the thread)', async () => {
    await dm('my Members role vanished', false);
    return showDiscord(await inThread(thread.id, (content) => content === 'mia: my Members role vanished'));
  });
  await step('olivia in the thread: "Looking now: /access audit shows it back. Can you check?"', async () => {
    await discord.user(olivia).sendMessage(thread.id, 'Looking now: /access audit shows it back. Can you check?');
    return showDiscord(await until(() => dmsFromBot().find((message) => message.content.startsWith('olivia (team)'))));
  });
  await step('olivia in the thread: /handback; then mia asks the assistant "what courses do you have?"', async () => {
    await (await discord.user(olivia).slashCommand(guildId, 'handback', {}, { channelId: thread.id })).reply();
    await until(() => dmsFromBot().find((message) => message.content.startsWith('The team handed you back')));
    return dm('what courses do you have?');
  });
  await step('olivia in the thread: /close resolution:"role restored"; mia rates it', async () => {
    await (await discord.user(olivia).slashCommand(guildId, 'close', { resolution: 'role restored' }, { channelId: thread.id })).reply();
    const rating = showDiscord(await until(() => dmsFromBot().find((message) => message.content.startsWith('Your ticket is closed'))));
    return showDiscord(await (await discord.user(mia).clickButton(rating, discordButton(rating, '★★★★★'))).reply());
  });
}
