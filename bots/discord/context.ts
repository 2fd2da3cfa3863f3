import type { BaseInteraction } from 'discord.js';
import type { Logger } from 'pino';
import type { CommandDeps } from '../../core/commands/index.ts';
import type { Caller } from '../../core/members/actor.ts';

/** What every feature of the Discord adapter gets: the core's deps, a logger, the ack budget. */
export type BotContext = {
  deps: CommandDeps;
  log: Logger;
  /** How long core work may run before the interaction is deferred (Discord fails it after 3 s). */
  deferAfterMs: number;
};

/** The platform-verified caller of an interaction, as core wants it. */
export function callerOf(interaction: BaseInteraction): Caller {
  const { user } = interaction;
  const memberName =
    interaction.member && 'displayName' in interaction.member ? interaction.member.displayName : undefined;
  return {
    platform: 'discord',
    userId: user.id,
    displayName: memberName ?? user.globalName ?? user.username,
    username: user.username,
    locale: interaction.locale,
    spaceId: interaction.guildId ?? undefined,
  };
}
