import {
  type AutocompleteInteraction,
  type BaseInteraction,
  type ChatInputCommandInteraction,
  Client,
  Events,
  GatewayIntentBits,
  type Guild,
  type Interaction,
  type Message,
  type MessageComponentInteraction,
  MessageFlags,
  Partials,
  PermissionFlagsBits,
  Routes,
} from 'discord.js';
import type { Logger } from 'pino';
import { isCommandName } from '../../core/commands/index.ts';
import type { CommandDeps } from '../../core/commands/index.ts';
import {
  handleAction,
  handleCommand,
  handleDirectMessage,
  handleSetup,
  handleSuggest,
  type Outcome,
  payloadEncoderFor,
} from '../../core/dispatch.ts';
import { describeUnexpected } from '../../core/errors.ts';
import { toLocale } from '../../core/i18n/index.ts';
import type { Caller } from '../../core/members/actor.ts';
import { guildCommands } from './command-definitions.ts';
import { actionPayload, type DiscordMessage, fitsCustomId, isPrivateReply, renderDiscordMessage } from './render.ts';

export type DiscordBotOptions = {
  token: string;
  applicationId: string;
  /** REST base, e.g. a simulator's `http://127.0.0.1:PORT/api`; Discord's own when unset. */
  apiUrl?: string | undefined;
  deps: CommandDeps;
  log: Logger;
  /**
   * Discord fails an interaction not acknowledged within 3 s. Work still running after this long
   * is deferred first (the user sees "thinking...") and the answer edited in when ready.
   */
  deferAfterMs?: number;
};

export type DiscordBot = {
  client: Client;
  /** Resolves once connected and the commands of every guild present at start are registered. */
  ready: Promise<void>;
  close(): Promise<void>;
};

const DEFAULT_DEFER_AFTER_MS = 2_000;
const SLOW = Symbol('slow');

/**
 * The Discord front door: one gateway connection serving every guild that installed the bot.
 * Translates interactions into core calls and the core's Replies into messages; holds no
 * catalog or community logic of its own.
 */
export async function startDiscordBot(options: DiscordBotOptions): Promise<DiscordBot> {
  const log = options.log.child({ platform: 'discord' });
  const deferAfterMs = options.deferAfterMs ?? DEFAULT_DEFER_AFTER_MS;
  const client = new Client({
    // DMs arrive on uncached channels, hence the Channel partial. No privileged intents needed.
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages],
    partials: [Partials.Channel],
    ...(options.apiUrl ? { rest: { api: options.apiUrl } } : {}),
  });

  const registerCommands = async (guild: Guild) => {
    try {
      await client.rest.put(Routes.applicationGuildCommands(options.applicationId, guild.id), { body: guildCommands });
      log.info({ guildId: guild.id }, 'registered guild commands');
    } catch (error) {
      // Typically 50001 Missing Access: the bot was invited without the applications.commands scope.
      log.error({ err: error, guildId: guild.id }, 'could not register guild commands');
    }
  };

  const context = { deps: options.deps, log, deferAfterMs };
  client.on(Events.InteractionCreate, (interaction) => void onInteraction(context, interaction));
  client.on(Events.MessageCreate, (message) => void onMessage(context, message));
  client.on(Events.GuildCreate, (guild) => void registerCommands(guild));
  client.rest.on('rateLimited', (info) => log.warn({ route: info.route, retryAfter: info.retryAfter }, 'rate limited by Discord'));
  client.on(Events.Error, (error) => log.error({ err: error }, 'discord client error'));

  const ready = new Promise<void>((resolve) => {
    client.once(Events.ClientReady, async (ready) => {
      log.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, 'connected to Discord');
      for (const guild of ready.guilds.cache.values()) await registerCommands(guild);
      resolve();
    });
  });
  await client.login(options.token);
  return {
    client,
    ready,
    close: async () => {
      await client.destroy();
    },
  };
}

type Context = { deps: CommandDeps; log: Logger; deferAfterMs: number };

function callerOf(interaction: BaseInteraction): Caller {
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

/** One error boundary for every interaction: log it, and tell the user something went wrong. */
async function onInteraction(context: Context, interaction: Interaction): Promise<void> {
  try {
    if (interaction.isChatInputCommand()) await onCommand(context, interaction);
    else if (interaction.isButton() || interaction.isStringSelectMenu()) await onComponent(context, interaction);
    else if (interaction.isAutocomplete()) await onAutocomplete(context, interaction);
  } catch (error) {
    context.log.error({ err: error, interactionId: interaction.id, type: interaction.type }, 'interaction failed');
    if (!interaction.isRepliable()) return;
    const apology = renderDiscordMessage(describeUnexpected(toLocale(interaction.locale) ?? 'en'));
    const send = interaction.replied || interaction.deferred ? interaction.followUp.bind(interaction) : interaction.reply.bind(interaction);
    await send({ ...apology, flags: MessageFlags.Ephemeral }).catch((sendError: unknown) =>
      context.log.warn({ err: sendError, interactionId: interaction.id }, 'could not report the failure to the user'),
    );
  }
}

async function onCommand(context: Context, interaction: ChatInputCommandInteraction): Promise<void> {
  const { deps } = context;
  const caller = callerOf(interaction);
  const options = Object.fromEntries(interaction.options.data.map((option) => [option.name, option.value]));
  const name = interaction.commandName;
  const work: Promise<Outcome> =
    name === 'setup'
      ? handleSetup(
          deps,
          caller,
          {
            kind: 'discord_guild',
            title: interaction.guild?.name ?? interaction.guildId ?? '',
            callerIsAdmin: interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false,
          },
          options,
        )
      : isCommandName(name)
        ? handleCommand(deps, caller, name, options)
        : Promise.resolve({ reply: describeUnexpected(toLocale(interaction.locale) ?? 'en') });

  // Only /course answers in the open; decide before deferring, since the deferral fixes it.
  const deferPrivately = name !== 'course';
  const { outcome, deferred } = await withinDeadline(context, work, () =>
    interaction.deferReply(deferPrivately ? { flags: MessageFlags.Ephemeral } : {}),
  );
  logOutcome(context, interaction, outcome);
  const message = await render(context, outcome);
  const secret = isPrivateReply(outcome.reply);
  if (!deferred) {
    await interaction.reply({ ...message, ...(secret ? { flags: MessageFlags.Ephemeral } : {}) });
  } else if (secret && !deferPrivately) {
    // The public "thinking..." cannot turn private: replace it with an ephemeral follow-up.
    await interaction.deleteReply();
    await interaction.followUp({ ...message, flags: MessageFlags.Ephemeral });
  } else {
    await interaction.editReply(message);
  }
}

/**
 * A button or select option: the message is updated in place, except that errors (a forged
 * or stale payload) and private answers to a public message come as a new ephemeral message.
 */
async function onComponent(context: Context, interaction: MessageComponentInteraction): Promise<void> {
  const values = interaction.isStringSelectMenu() ? interaction.values : undefined;
  const payload = actionPayload(interaction.customId, values);
  const { outcome, deferred } = await withinDeadline(
    context,
    handleAction(context.deps, callerOf(interaction), payload),
    () => interaction.deferUpdate(),
  );
  logOutcome(context, interaction, outcome);
  const message = await render(context, outcome);
  const onPublicMessage = !interaction.message.flags.has(MessageFlags.Ephemeral);
  const separate = Boolean(outcome.error) || (onPublicMessage && isPrivateReply(outcome.reply));
  if (separate) {
    const send = deferred ? interaction.followUp.bind(interaction) : interaction.reply.bind(interaction);
    await send({ ...message, flags: MessageFlags.Ephemeral });
  } else if (deferred) {
    await interaction.editReply(message);
  } else {
    await interaction.update(message);
  }
}

async function onAutocomplete(context: Context, interaction: AutocompleteInteraction): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const choices = await handleSuggest(context.deps, callerOf(interaction), {
    command: interaction.commandName,
    option: focused.name,
    value: String(focused.value),
  });
  await interaction.respond(choices);
}

/** DMs hold no commands; answer free text with a pointer back to the server. */
async function onMessage(context: Context, message: Message): Promise<void> {
  if (message.author.bot || message.guildId) return;
  try {
    const caller: Caller = {
      platform: 'discord',
      userId: message.author.id,
      displayName: message.author.globalName ?? message.author.username,
      username: message.author.username,
    };
    const { reply } = await handleDirectMessage(context.deps, caller);
    await message.reply(renderDiscordMessage(reply));
  } catch (error) {
    context.log.error({ err: error, messageId: message.id }, 'direct message failed');
  }
}

/**
 * Runs `work`, deferring the interaction if it is still running after `deferAfterMs`, so Discord
 * never fails it for answering late.
 */
async function withinDeadline(
  context: Context,
  work: Promise<Outcome>,
  defer: () => Promise<unknown>,
): Promise<{ outcome: Outcome; deferred: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<typeof SLOW>((resolve) => {
    timer = setTimeout(() => resolve(SLOW), context.deferAfterMs);
  });
  const first = await Promise.race([work, slow]);
  clearTimeout(timer);
  if (first !== SLOW) return { outcome: first, deferred: false };
  await defer();
  return { outcome: await work, deferred: true };
}

async function render(context: Context, outcome: Outcome): Promise<DiscordMessage> {
  return renderDiscordMessage(outcome.reply, await payloadEncoderFor(context.deps, outcome, fitsCustomId));
}

function logOutcome(context: Context, interaction: BaseInteraction, outcome: Outcome): void {
  if (outcome.error) {
    context.log.info({ interactionId: interaction.id, error: outcome.error.code, guildId: interaction.guildId }, 'refused');
  }
}
