import { type Client, Events, type Message } from 'discord.js';
import { handleMessage } from '../../core/dispatch.ts';
import type { Caller } from '../../core/members/actor.ts';
import type { BotContext } from './context.ts';
import { renderDiscordMessage } from './render.ts';

/**
 * DMs hold no commands: free text goes to the support assistant, in the community the member last
 * used (someone Lyceum cannot place gets a pointer to a server). Failures are logged only.
 */
export function mountDirectMessages(client: Client, context: BotContext): void {
  client.on(Events.MessageCreate, (message) => void answerDirectMessage(context, message));
}

async function answerDirectMessage(context: BotContext, message: Message): Promise<void> {
  if (message.author.bot || message.guildId) return;
  try {
    const caller: Caller = {
      platform: 'discord',
      userId: message.author.id,
      displayName: message.author.globalName ?? message.author.username,
      username: message.author.username,
    };
    const { reply } = await handleMessage(context.deps, caller, message.content);
    await message.reply(renderDiscordMessage(reply));
  } catch (error) {
    context.log.error({ err: error, messageId: message.id }, 'direct message failed');
  }
}
