/**
 * A member as a test drives them: slash commands, autocomplete, buttons, selects, modals,
 * messages in channels and threads, and DMs, limited to what the Discord client would let that
 * member do. A link button opens its url and sends the bot nothing, so it cannot be "clicked",
 * only opened with `openLink`.
 */
import { buildOptions, focusedDefinition } from './command-options.ts';
import { componentInteraction, interact, invocable, resolver } from './interactions.ts';
import { dispatchMessage, findMessage, mentionsIn, storeMessage, visibleMessage } from './messages.ts';
import { openModalOf, submission } from './modals.ts';
import { Permission } from './model.ts';
import type { World } from './state.ts';
import { joinByPosting } from './threads.ts';
import type { ScriptedDiscordUser, SimMessage, SimUser } from './types.ts';
import { allComponents, failure } from './wire.ts';

const LINK = 5;
const PREMIUM = 6;

export function scriptedUser(world: World, user: SimUser): ScriptedDiscordUser {
  return {
    slashCommand: async (guildId, invocation, options = {}, opts = {}) => {
      const [name = '', ...path] = invocation.trim().split(/\s+/);
      const { command, guild } = invocable(world, user, guildId, name);
      const channelId = opts.channelId ?? guild.systemChannelId;
      if (world.channels.get(channelId)?.guild_id !== guild.id) throw failure(`channel ${channelId} is not in guild ${guild.name}`);
      const resolved = resolver(world, guild, channelId);
      const typed = buildOptions(command, path, options, resolved.add);
      const data = { id: command.id, name, type: 1, options: typed, guild_id: guild.id, ...resolved.data() };
      return interact(world, user, guild, channelId, 2, data, opts.locale);
    },
    autocomplete: async (guildId, invocation, options, focused) => {
      const [name = '', ...path] = invocation.trim().split(/\s+/);
      const { command, guild } = invocable(world, user, guildId, name);
      const definition = focusedDefinition(command, path, focused);
      if (!definition?.autocomplete) throw failure(`/${invocation} option "${focused}" has no autocomplete`);
      const resolved = resolver(world, guild, guild.systemChannelId);
      const typed = buildOptions(command, path, options, resolved.add, focused);
      const data = { id: command.id, name, type: 1, options: typed, guild_id: guild.id, ...resolved.data() };
      const handle = await interact(world, user, guild, guild.systemChannelId, 4, data);
      const interaction = world.interactions.get(handle.id)!;
      interaction.focusedType = definition.type;
      return world.waitUntil(world.deadlineMs + 500, `autocomplete choices for /${name}`, () =>
        interaction.choices ?? (interaction.failed ? failure(`the application did not answer /${name} autocomplete in time`) : undefined),
      );
    },
    clickButton: async (message, customId, options = {}) => {
      const current = visibleMessage(world, user, message);
      const component = allComponents(current).find((candidate) => candidate.custom_id === customId);
      if (!options.forge) {
        const link = allComponents(current).find((candidate) => candidate.type === 2 && (candidate.style === LINK || candidate.style === PREMIUM) && candidate.label === customId);
        if (!component && link) throw failure(`"${customId}" is a ${link.style === LINK ? 'link' : 'premium'} button: it sends no interaction (use openLink)`);
        if (component?.type !== 2) throw failure(`no button "${customId}" on message ${message.id}`);
        if (component.disabled) throw failure(`button "${customId}" is disabled`);
      }
      return componentInteraction(world, user, current, { custom_id: customId, component_type: 2 });
    },
    selectOption: async (message, customId, values) => {
      const current = visibleMessage(world, user, message);
      const menu = allComponents(current).find((candidate) => candidate.custom_id === customId && candidate.type === 3);
      if (!menu) throw failure(`no select menu "${customId}" on message ${message.id}`);
      if (menu.disabled) throw failure(`select menu "${customId}" is disabled`);
      const allowed = new Set((menu.options ?? []).map((option: { value: string }) => option.value));
      if (!values.every((value) => allowed.has(value))) throw failure('value not among the select options');
      const [min, max] = [menu.min_values ?? 1, menu.max_values ?? 1];
      if (new Set(values).size !== values.length || values.length < min || values.length > max) {
        throw failure(`select menu "${customId}" takes ${min}-${max} distinct values, not ${values.length}`);
      }
      return componentInteraction(world, user, current, { custom_id: customId, component_type: 3, values });
    },
    openLink: (message, label) => {
      const current = visibleMessage(world, user, message);
      const link = allComponents(current).find((candidate) => candidate.type === 2 && candidate.style === LINK && candidate.label === label);
      if (!link) throw failure(`no link button "${label}" on message ${message.id}`);
      if (link.disabled) throw failure(`link button "${label}" is disabled`);
      return String(link.url);
    },
    sendDm: async (content) => {
      const channel = world.dmChannel(user.id);
      const message = storeMessage(world, channel.id, { authorId: user.id, content, embeds: [], components: [], flags: 0 });
      dispatchMessage(world, message);
      return message;
    },
    sendMessage: async (channelId, content, options = {}) => {
      const channel = world.channels.get(channelId);
      if (!channel?.guild_id) throw failure(`${channelId} is not a guild channel or thread (sendDm writes to the bot)`);
      const guild = world.guild(channel.guild_id);
      if (!guild.members.has(user.id)) throw failure(`${user.username} is not in guild ${guild.name}`);
      if (!world.canView(channel, user.id)) throw failure(`${user.username} cannot see private thread ${channel.name}`);
      const needed = world.threads.has(channel.id) ? Permission.SendMessagesInThreads : Permission.SendMessages;
      if (!(world.permissionsOf(guild, user.id) & needed)) throw failure(`${user.username} may not send messages in ${channel.name}`);
      if (!content.trim() || content.length > 2000) throw failure('the client sends messages of 1-2000 characters');
      const replied = options.replyTo ? (world.messages.get(channel.id) ?? []).find((candidate) => candidate.id === options.replyTo && !candidate.ephemeral) : undefined;
      if (options.replyTo && !replied) throw failure(`no message ${options.replyTo} in ${channel.name} to reply to`);
      // The client's reply pings the replied-to author unless "@ ON" is turned off.
      const pinged = replied && options.mentionRepliedUser !== false && replied.authorId !== user.id ? replied.authorId : undefined;
      const message = storeMessage(world, channel.id, {
        authorId: user.id,
        content,
        embeds: [],
        components: [],
        flags: 0,
        ...mentionsIn(world, content, guild.id, pinged),
        ...(replied ? { reference: { channelId: channel.id, messageId: replied.id } } : {}),
      });
      joinByPosting(world, channel.id, user.id);
      dispatchMessage(world, message);
      return structuredClone(message);
    },
    dmMessages: () => structuredClone(world.messages.get(world.dmChannel(user.id).id) ?? []),
    submitModal: async (shownBy, values) => {
      const modal = openModalOf(world, user, shownBy.id);
      const origin = world.interactions.get(shownBy.id)!;
      const data = submission(world, origin.channelId, modal, values);
      world.openModals.delete(user.id);
      const guild = origin.guildId ? world.guild(origin.guildId) : undefined;
      const message: SimMessage | undefined = origin.componentMessageId ? findMessage(world, origin.componentMessageId) : undefined;
      return interact(world, user, guild, origin.channelId, 5, data, undefined, message);
    },
    openModal: () => {
      const id = world.openModals.get(user.id);
      const modal = id ? world.interactions.get(id)?.modal : undefined;
      return modal && structuredClone(modal);
    },
    dismissModal: () => {
      world.openModals.delete(user.id);
    },
  };
}
