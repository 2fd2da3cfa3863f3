import { type Client, Events, type Message } from 'discord.js';
import { handleMessage, handleStaffMessage, type Outcome } from '../../core/dispatch.ts';
import { t } from '../../core/i18n/index.ts';
import type { Caller } from '../../core/members/actor.ts';
import { inOrderPerKey } from '../in-order.ts';
import type { BotContext } from './context.ts';
import { isPrivateReply, renderDiscordMessage } from './render.ts';

/**
 * Free text to the bot: a DM goes to the support assistant, in the community the member last
 * used (someone Lyceum cannot place gets a pointer to a server); a message in a ticket's
 * private thread is staff answering that ticket; anywhere else in a server the assistant answers
 * only when addressed (an @mention of the bot, or a reply to it), and what is the member's own
 * business (payments, access, tickets) goes to their DMs. Messages of one channel are handled
 * in the order they arrived. Failures are logged only.
 */
export function mountSupportMessages(client: Client, context: BotContext): void {
  const serial = inOrderPerKey();
  client.on(Events.MessageCreate, (message) => {
    if (message.author.bot || message.system) return;
    void serial(message.channelId, () => answer(context, message)).catch((error: unknown) => context.log.error({ err: error, messageId: message.id }, 'message failed'));
  });
}

async function answer(context: BotContext, message: Message): Promise<void> {
  const caller: Caller = {
    platform: 'discord',
    userId: message.author.id,
    displayName: message.member?.displayName ?? message.author.globalName ?? message.author.username,
    username: message.author.username,
    ...(message.guildId ? { spaceId: message.guildId } : {}),
  };
  if (!message.guildId) return send(message, await handleMessage(context.deps, caller, message.content, message.id), 'here');
  if (message.channel.isThread()) {
    const outcome = await handleStaffMessage(context.deps, { ...caller, spaceId: message.guildId }, { thread: message.channelId, text: message.content, platformMessageId: message.id });
    if (outcome) return send(message, outcome, 'here');
  }
  const me = message.client.user;
  const addressed = message.mentions.users.has(me.id) || message.mentions.repliedUser?.id === me.id;
  if (!addressed) return;
  const text = message.content.replaceAll(new RegExp(`<@!?${me.id}>`, 'g'), '').trim();
  if (!text) return;
  return send(message, await handleMessage(context.deps, caller, text, message.id), 'dm-if-private');
}

async function send(message: Message, outcome: Outcome, where: 'here' | 'dm-if-private'): Promise<void> {
  if (outcome.silent) return;
  const rendered = renderDiscordMessage(outcome.reply);
  if (where === 'here' || !isPrivateReply(outcome.reply)) {
    await message.reply({ ...rendered, allowedMentions: { repliedUser: false, parse: [] } });
    return;
  }
  const locale = outcome.actor?.locale ?? 'en';
  try {
    await message.author.send(rendered);
    await message.reply({ content: t(locale, 'discord.sentPrivately'), allowedMentions: { repliedUser: false, parse: [] } });
  } catch {
    await message.reply({ content: t(locale, 'discord.openDms'), allowedMentions: { repliedUser: false, parse: [] } });
  }
}
