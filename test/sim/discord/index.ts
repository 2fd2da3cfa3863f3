/**
 * A local Discord for the real discord.js client: the REST API subset Lyceum uses (under
 * `rest.api`) and a JSON WebSocket gateway (the URL `GET /gateway/bot` returns). It keeps users,
 * guilds, roles, channels, commands and messages; validates bodies like Discord (message and
 * component limits, the 3-second interaction deadline, single acknowledgement, role hierarchy)
 * and answers errors in Discord's shapes. Scripted users act as members; every REST call is
 * recorded, and 429s, 5xx and 50013s can be injected. No test-runner imports: demos use it too.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { z } from 'zod';
import { buildOptions, focusedDefinition } from './command-options.ts';
import {
  ALL_PERMISSIONS,
  type Channel,
  DEFAULT_BOT_PERMISSIONS,
  EPHEMERAL,
  EPOCH,
  EVERYONE_PERMISSIONS,
  type Guild,
  Intent,
  type Interaction,
  intentFor,
  LOADING,
  Permission,
  PRIVILEGED_INTENTS,
  type Role,
  TOKEN_TTL_MS,
} from './model.ts';
import type {
  DiscordSimOptions,
  FailRule,
  InteractionHandle,
  InteractionKind,
  RecordedCall,
  RegisteredCommand,
  ScriptedDiscordUser,
  SimGuild,
  SimMessage,
  SimRole,
  SimUser,
} from './types.ts';
import { autocompleteBody, choiceFits, commandsBody, messageBody, modalBody, newMessageBody } from './validation.ts';
import { allComponents, ApiError, failure, missingPermissions, parseOr, publicRole, readJson, rolePayload, routeOf, unknownInteraction, userPayload } from './wire.ts';

export type * from './types.ts';

export async function startDiscordSim(
  options: DiscordSimOptions = {},
): Promise<DiscordSim> {
  const sim = new DiscordSim(options);
  await sim.listen();
  return sim;
}

export class DiscordSim {
  readonly applicationId: string;
  readonly botToken: string;
  readonly botUser: { id: string; username: string };
  readonly calls: RecordedCall[] = [];
  apiUrl = '';

  private readonly server = createServer((request, response) => void this.serve(request, response));
  private readonly gateway = new WebSocketServer({ noServer: true });
  private readonly deadlineMs: number;
  private readonly heartbeatMs: number;
  private readonly users = new Map<string, SimUser>();
  private readonly guilds = new Map<string, Guild>();
  private readonly channels = new Map<string, Channel>();
  private readonly messages = new Map<string, SimMessage[]>();
  private readonly globalCommands = new Map<string, RegisteredCommand>();
  private readonly guildCommands = new Map<string, Map<string, RegisteredCommand>>();
  private readonly interactions = new Map<string, Interaction>();
  private readonly failRules: Array<FailRule & { remaining: number }> = [];
  private readonly waiters = new Set<() => void>();
  private readonly privilegedIntents: number;
  private session: { socket: WebSocket; sequence: number; ready: boolean; intents: number } | undefined;
  private closed = false;
  private sequence = 0n;

  constructor(options: DiscordSimOptions) {
    this.applicationId = options.applicationId ?? this.snowflake();
    const botId = this.snowflake();
    this.botToken = options.botToken ?? `${Buffer.from(botId).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(27).toString('base64url')}`;
    this.botUser = { id: botId, username: 'Lyceum' };
    this.deadlineMs = options.interactionDeadlineMs ?? 3_000;
    this.heartbeatMs = options.heartbeatIntervalMs ?? 41_250;
    this.privilegedIntents = options.privilegedIntents ?? PRIVILEGED_INTENTS;
    this.server.on('upgrade', (request, socket, head) => {
      this.gateway.handleUpgrade(request, socket, head, (ws) => this.onGatewayConnection(ws));
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.apiUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api`;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const interaction of this.interactions.values()) clearTimeout(interaction.deadline);
    for (const client of this.gateway.clients) client.terminate();
    this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const wake of [...this.waiters]) wake();
  }

  // ---- world -------------------------------------------------------------------------------

  createUser(input: { username: string; locale?: string }): SimUser {
    const user = { id: this.snowflake(), username: input.username, locale: input.locale ?? 'en-US' };
    this.users.set(user.id, user);
    return user;
  }

  /** A guild the bot is in (a connected bot receives GUILD_CREATE: it "joins"). */
  createGuild(input: { name: string; ownerId: string; preferredLocale?: string; botPermissions?: bigint }): SimGuild {
    const id = this.snowflake();
    const channelId = this.snowflake();
    const botRoleId = this.snowflake();
    const roles = new Map<string, Role>([
      [id, { id, name: '@everyone', permissions: String(EVERYONE_PERMISSIONS), position: 0, managed: false, color: 0 }],
      [botRoleId, { id: botRoleId, name: this.botUser.username, permissions: String(input.botPermissions ?? DEFAULT_BOT_PERMISSIONS), position: 1, managed: true, color: 0 }],
    ]);
    const joinedAt = new Date().toISOString();
    const guild: Guild = {
      id,
      name: input.name,
      ownerId: input.ownerId,
      everyoneRoleId: id,
      systemChannelId: channelId,
      botRoleId,
      preferredLocale: input.preferredLocale ?? 'en-US',
      roles,
      members: new Map([
        [input.ownerId, { roles: [], joinedAt }],
        [this.botUser.id, { roles: [botRoleId], joinedAt }],
      ]),
      channels: [channelId],
      commandOverrides: new Set(),
    };
    this.guilds.set(id, guild);
    this.channels.set(channelId, { id: channelId, type: 0, guild_id: id, name: 'general', parent_id: null });
    if (this.session?.ready) this.dispatch('GUILD_CREATE', this.guildPayload(guild));
    return this.publicGuild(guild);
  }

  createRole(guildId: string, input: { name: string; permissions?: bigint; position?: number }): SimRole {
    const guild = this.guild(guildId);
    const role: Role = {
      id: this.snowflake(),
      name: input.name,
      permissions: String(input.permissions ?? 0n),
      position: input.position ?? guild.roles.size,
      managed: false,
      color: 0,
    };
    guild.roles.set(role.id, role);
    if (this.session?.ready) this.dispatch('GUILD_ROLE_CREATE', { guild_id: guildId, role: rolePayload(role) });
    return publicRole(role);
  }

  addMember(guildId: string, userId: string, roleIds: string[] = []): void {
    const guild = this.guild(guildId);
    this.user(userId);
    const member = { roles: roleIds, joinedAt: new Date().toISOString() };
    guild.members.set(userId, member);
    if (this.session?.ready) this.dispatch('GUILD_MEMBER_ADD', { guild_id: guildId, ...this.memberPayload(guild, userId) });
  }

  memberRoles(guildId: string, userId: string): string[] {
    return [...(this.guild(guildId).members.get(userId)?.roles ?? [])];
  }

  /** What a server admin does in Integrations settings: lets everyone use a command despite its default permissions. */
  allowCommandForEveryone(guildId: string, name: string): void {
    this.guild(guildId).commandOverrides.add(name);
  }

  user(userId: string): ScriptedDiscordUser {
    const user = this.users.get(userId);
    if (!user) throw new Error(`discord sim: no user ${userId}`);
    return {
      slashCommand: async (guildId, invocation, options = {}, opts = {}) => {
        const [name = '', ...path] = invocation.trim().split(/\s+/);
        const { command, guild } = this.invocable(user, guildId, name);
        const channelId = opts.channelId ?? guild.systemChannelId;
        if (this.channels.get(channelId)?.guild_id !== guild.id) throw failure(`channel ${channelId} is not in guild ${guild.name}`);
        const resolved = this.resolver(guild);
        const typed = buildOptions(command, path, options, resolved.add);
        const data = { id: command.id, name, type: 1, options: typed, guild_id: guild.id, ...resolved.data() };
        return this.interact(user, guild, channelId, 2, data, opts.locale);
      },
      autocomplete: async (guildId, invocation, options, focused) => {
        const [name = '', ...path] = invocation.trim().split(/\s+/);
        const { command, guild } = this.invocable(user, guildId, name);
        const definition = focusedDefinition(command, path, focused);
        if (!definition?.autocomplete) throw failure(`/${invocation} option "${focused}" has no autocomplete`);
        const resolved = this.resolver(guild);
        const typed = buildOptions(command, path, options, resolved.add, focused);
        const handle = await this.interact(user, guild, guild.systemChannelId, 4, { id: command.id, name, type: 1, options: typed, guild_id: guild.id, ...resolved.data() });
        const interaction = this.interactions.get(handle.id)!;
        interaction.focusedType = definition.type;
        return this.waitUntil(this.deadlineMs + 500, `autocomplete choices for /${name}`, () =>
          interaction.choices ?? (interaction.failed ? failure(`the application did not answer /${name} autocomplete in time`) : undefined),
        );
      },
      clickButton: async (message, customId, options = {}) => {
        const current = this.visibleMessage(user, message);
        const component = allComponents(current).find((candidate) => candidate.custom_id === customId);
        if (!options.forge && component?.type !== 2) throw new Error(`discord sim: no button "${customId}" on message ${message.id}`);
        if (!options.forge && component.disabled) throw new Error(`discord sim: button "${customId}" is disabled`);
        return this.componentInteraction(user, current, { custom_id: customId, component_type: 2 });
      },
      selectOption: async (message, customId, values) => {
        const current = this.visibleMessage(user, message);
        const menu = allComponents(current).find((candidate) => candidate.custom_id === customId && candidate.type === 3);
        if (!menu) throw new Error(`discord sim: no select menu "${customId}" on message ${message.id}`);
        if (menu.disabled) throw new Error(`discord sim: select menu "${customId}" is disabled`);
        const allowed = new Set((menu.options ?? []).map((option: { value: string }) => option.value));
        if (!values.every((value) => allowed.has(value))) throw new Error('discord sim: value not among the select options');
        const [min, max] = [menu.min_values ?? 1, menu.max_values ?? 1];
        if (new Set(values).size !== values.length || values.length < min || values.length > max) {
          throw new Error(`discord sim: select menu "${customId}" takes ${min}-${max} distinct values, not ${values.length}`);
        }
        return this.componentInteraction(user, current, { custom_id: customId, component_type: 3, values });
      },
      sendDm: async (content) => {
        const channel = this.dmChannel(user.id);
        const message = this.storeMessage(channel.id, { authorId: user.id, content, embeds: [], components: [], flags: 0 });
        this.dispatch('MESSAGE_CREATE', { ...this.messagePayload(message), channel_type: 1 });
        return message;
      },
      dmMessages: () => structuredClone(this.messages.get(this.dmChannel(user.id).id) ?? []),
      submitModal: async (shownBy, values) => {
        const origin = this.interactions.get(shownBy.id);
        const modal = origin?.modal;
        if (!origin || !modal) throw new Error(`discord sim: interaction ${shownBy.id} showed no modal`);
        if (origin.userId !== user.id) throw new Error('discord sim: only the user who opened a modal can submit it');
        const inputs = modal.components.map((row) => row.components[0]!);
        for (const input of inputs) {
          if (input.required !== false && !values[input.custom_id]) throw new Error(`discord sim: modal field "${input.custom_id}" is required`);
        }
        const guild = origin.guildId ? this.guild(origin.guildId) : undefined;
        const message = origin.componentMessageId ? this.findMessage(origin.componentMessageId) : undefined;
        const data = {
          custom_id: modal.custom_id,
          components: inputs.map((input) => ({ type: 1, components: [{ type: 4, custom_id: input.custom_id, value: values[input.custom_id] ?? '' }] })),
        };
        return this.interact(user, guild, origin.channelId, 5, data, undefined, message);
      },
    };
  }

  commands(guildId?: string): RegisteredCommand[] {
    return [...(guildId ? (this.guildCommands.get(guildId) ?? new Map()) : this.globalCommands).values()];
  }

  channelMessages(channelId: string): SimMessage[] {
    return structuredClone(this.messages.get(channelId) ?? []);
  }

  failNext(rule: FailRule, times = 1): void {
    this.failRules.push({ ...rule, remaining: times });
  }

  async waitForConnection(timeoutMs = 10_000): Promise<void> {
    await this.waitUntil(timeoutMs, 'the bot to connect', () => (this.session?.ready ? true : undefined));
  }

  // ---- gateway -------------------------------------------------------------------------------

  private onGatewayConnection(socket: WebSocket): void {
    const send = (payload: unknown) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(payload));
    send({ op: 10, d: { heartbeat_interval: this.heartbeatMs }, s: null, t: null });
    socket.on('message', (raw) => {
      let payload: { op: number; d: Record<string, unknown> | null };
      try {
        payload = JSON.parse(String(raw));
      } catch {
        socket.close(4002, 'Error while decoding payload.');
        return;
      }
      if (payload.op === 1) send({ op: 11 });
      else if (payload.op === 2) this.identify(socket, payload.d ?? {});
      else if (payload.op === 6) send({ op: 9, d: false });
    });
    socket.on('close', () => {
      if (this.session?.socket === socket) this.session = undefined;
    });
  }

  private identify(socket: WebSocket, data: Record<string, unknown>): void {
    if (String(data.token).replace(/^Bot /, '') !== this.botToken) {
      socket.close(4004, 'Authentication failed.');
      return;
    }
    const intents = data.intents;
    if (typeof intents !== 'number' || !Number.isInteger(intents) || intents < 0 || intents >= 1 << 26) {
      socket.close(4013, 'Invalid intent(s).');
      return;
    }
    if (intents & PRIVILEGED_INTENTS & ~this.privilegedIntents) {
      socket.close(4014, 'Disallowed intent(s).');
      return;
    }
    this.session = { socket, sequence: 0, ready: false, intents };
    this.dispatch('READY', {
      v: 10,
      user: { ...userPayload({ id: this.botUser.id, username: this.botUser.username }), bot: true, verified: true, mfa_enabled: false },
      guilds: [...this.guilds.keys()].map((id) => ({ id, unavailable: true })),
      session_id: randomBytes(16).toString('hex'),
      resume_gateway_url: this.apiUrl.replace(/^http/, 'ws').replace(/\/api$/, ''),
      shard: [0, 1],
      application: { id: this.applicationId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      user_settings: {},
      geo_ordered_rtc_regions: [],
    });
    for (const guild of this.guilds.values()) this.dispatch('GUILD_CREATE', this.guildPayload(guild));
    this.session.ready = true;
    this.changed();
  }

  private dispatch(event: string, data: unknown): void {
    const session = this.session;
    if (!session || session.socket.readyState !== session.socket.OPEN) return;
    const needed = intentFor(event, data);
    if (needed && !(session.intents & needed)) return;
    session.sequence += 1;
    session.socket.send(JSON.stringify({ op: 0, t: event, s: session.sequence, d: data }));
  }

  // ---- interactions --------------------------------------------------------------------------

  private invocable(user: SimUser, guildId: string, name: string) {
    const guild = this.guild(guildId);
    if (!guild.members.has(user.id)) throw new Error(`discord sim: ${user.username} is not in guild ${guild.name}`);
    const command = this.guildCommands.get(guildId)?.get(name) ?? this.globalCommands.get(name);
    if (!command) throw new Error(`discord sim: /${name} is not registered in ${guild.name}`);
    const needed = command.default_member_permissions;
    if (needed != null && !guild.commandOverrides.has(name)) {
      const permissions = this.permissionsOf(guild, user.id);
      const required = BigInt(needed);
      if ((permissions & Permission.Administrator) === 0n && (permissions & required) !== required) {
        throw new Error(`discord sim: ${user.username} cannot see /${name} (default_member_permissions ${needed})`);
      }
    }
    return { command, guild };
  }

  /** Collects `data.resolved` for the users, members, roles and channels a command's options mention. */
  private resolver(guild: Guild) {
    const resolved: Record<'users' | 'members' | 'roles' | 'channels', Record<string, unknown>> = { users: {}, members: {}, roles: {}, channels: {} };
    const add = (type: number, id: string) => {
      const user = type === 6 || type === 9 ? this.users.get(id) : undefined;
      const role = type === 8 || type === 9 ? guild.roles.get(id) : undefined;
      const channel = type === 7 ? this.channels.get(id) : undefined;
      if (user) {
        resolved.users[id] = userPayload(user);
        if (guild.members.has(id)) {
          const { user: _user, ...member } = this.memberPayload(guild, id);
          resolved.members[id] = { ...member, permissions: String(this.permissionsOf(guild, id)) };
        }
      } else if (role) resolved.roles[id] = rolePayload(role);
      else if (channel?.guild_id === guild.id) resolved.channels[id] = { id, name: channel.name, type: channel.type, parent_id: channel.parent_id ?? null, permissions: String(ALL_PERMISSIONS) };
      else throw failure(`no ${({ 6: 'user', 7: 'channel in this guild', 8: 'role in this guild' } as Record<number, string>)[type] ?? 'user or role'} with id ${id}`);
    };
    const data = () => {
      const present = Object.entries(resolved).filter(([, entries]) => Object.keys(entries).length);
      return present.length ? { resolved: Object.fromEntries(present) } : {};
    };
    return { add, data };
  }

  private componentInteraction(user: SimUser, message: SimMessage, data: Record<string, unknown>): Promise<InteractionHandle> {
    const channel = this.channels.get(message.channelId)!;
    const guild = channel.guild_id ? this.guild(channel.guild_id) : undefined;
    return this.interact(user, guild, message.channelId, 3, data, undefined, message);
  }

  private async interact(
    user: SimUser,
    guild: Guild | undefined,
    channelId: string,
    kind: InteractionKind,
    data: Record<string, unknown>,
    locale?: string,
    message?: SimMessage,
  ): Promise<InteractionHandle> {
    if (!this.session?.ready) throw new Error('discord sim: no bot is connected');
    const id = this.snowflake();
    const token = Buffer.from(`interaction:${id}:${randomBytes(48).toString('base64url')}`).toString('base64url');
    const interaction: Interaction = {
      id,
      token,
      kind,
      userId: user.id,
      channelId,
      ...(guild ? { guildId: guild.id } : {}),
      ...(message ? { componentMessageId: message.id } : {}),
      createdAt: Date.now(),
      failed: false,
      acknowledged: false,
      originalEdited: false,
      followUps: [],
      callbacks: [],
      deadline: setTimeout(() => {
        if (interaction.acknowledged) return;
        // The user sees "The application did not respond"; the token is dead.
        interaction.failed = true;
        this.changed();
      }, this.deadlineMs),
    };
    this.interactions.set(id, interaction);
    const channel = this.channels.get(channelId)!;
    const permissions = guild ? this.permissionsOf(guild, user.id) : ALL_PERMISSIONS;
    this.dispatch('INTERACTION_CREATE', {
      id,
      application_id: this.applicationId,
      type: kind,
      token,
      version: 1,
      data,
      ...(guild
        ? {
            guild_id: guild.id,
            guild: { id: guild.id, locale: guild.preferredLocale, features: [] },
            guild_locale: guild.preferredLocale,
            member: { ...this.memberPayload(guild, user.id), permissions: String(permissions) },
            authorizing_integration_owners: { '0': guild.id },
            context: 0,
          }
        : { user: userPayload(user), authorizing_integration_owners: { '1': user.id }, context: 1 }),
      channel_id: channelId,
      channel: { ...channel, permissions: String(permissions) },
      ...(message ? { message: this.messagePayload(message) } : {}),
      locale: locale ?? user.locale,
      app_permissions: String(guild ? this.permissionsOf(guild, this.botUser.id) : ALL_PERMISSIONS),
      entitlements: [],
      attachment_size_limit: 10_485_760,
    });
    return {
      id,
      token,
      callbacks: interaction.callbacks,
      get failed() {
        return interaction.failed;
      },
      followUps: () => interaction.followUps.flatMap((messageId) => {
        const message = this.findMessage(messageId);
        return message ? [structuredClone(message)] : [];
      }),
      reply: (timeoutMs = 5_000) =>
        this.waitUntil(timeoutMs, `an answer to interaction ${id}`, () => {
          if (interaction.failed) return failure(`interaction ${id} failed: the application did not respond within ${this.deadlineMs} ms`);
          const type = interaction.callbacks[0]?.type;
          if (type === undefined) return undefined;
          const messageId = interaction.responseMessageId;
          const shown = messageId ? this.findMessage(messageId) : undefined;
          // A snapshot: later edits must not change what a test already holds.
          if (type === 4 || type === 7) return shown && structuredClone(shown);
          if (type === 5 || type === 6) return interaction.originalEdited && shown ? structuredClone(shown) : undefined;
          return failure(`interaction ${id} was answered with callback type ${type}, not a message`);
        }),
    };
  }

  private interactionCallback(id: string, token: string, body: unknown): { status: number; body?: unknown } {
    const interaction = this.interactions.get(id);
    if (!interaction || interaction.token !== token || interaction.failed) throw unknownInteraction();
    if (interaction.acknowledged) throw new ApiError(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
    const callback = body as { type?: unknown; data?: unknown };
    const allowed: Record<InteractionKind, number[]> = { 2: [4, 5, 9], 3: [4, 5, 6, 7, 9], 4: [8], 5: [4, 5, 6, 7] };
    const updatesMessage = callback.type === 6 || callback.type === 7;
    if (typeof callback.type !== 'number' || !allowed[interaction.kind]!.includes(callback.type) || (updatesMessage && !interaction.componentMessageId)) {
      throw new ApiError(400, { message: 'Invalid Form Body', code: 50035, errors: { type: { _errors: [{ code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: 'Interaction response type is invalid for this interaction.' }] } } });
    }
    switch (callback.type) {
      case 4: {
        const data = parseOr(newMessageBody, callback.data ?? {}, ['data']);
        interaction.responseMessageId = this.storeMessage(interaction.channelId, this.fromBody(data, interaction)).id;
        break;
      }
      case 5: {
        const flags = Number((callback.data as { flags?: number } | undefined)?.flags ?? 0) & EPHEMERAL;
        interaction.responseMessageId = this.storeMessage(interaction.channelId, {
          authorId: this.botUser.id,
          content: '',
          embeds: [],
          components: [],
          flags: flags | LOADING,
          interactionId: interaction.id,
          ...(flags ? { visibleTo: interaction.userId } : {}),
        }).id;
        break;
      }
      case 6:
        interaction.responseMessageId = interaction.componentMessageId!;
        break;
      case 7: {
        const data = parseOr(messageBody, callback.data ?? {}, ['data']);
        interaction.responseMessageId = interaction.componentMessageId!;
        this.editMessage(interaction.componentMessageId!, data);
        break;
      }
      case 9:
        interaction.modal = parseOr(modalBody, callback.data ?? {}, ['data']);
        break;
      case 8: {
        const { choices } = parseOr(autocompleteBody, callback.data ?? {}, ['data']);
        const wrong = choices.findIndex((choice) => !choiceFits(interaction.focusedType ?? 3, choice.value));
        if (wrong >= 0) {
          throw new ApiError(400, { message: 'Invalid Form Body', code: 50035, errors: { data: { choices: { [wrong]: { value: { _errors: [{ code: 'BASE_TYPE_INVALID', message: 'Invalid value for the option type.' }] } } } } } });
        }
        interaction.choices = choices.map(({ name, value }) => ({ name, value }));
        break;
      }
    }
    interaction.acknowledged = true;
    clearTimeout(interaction.deadline);
    interaction.callbacks.push({ type: callback.type, data: callback.data });
    this.changed();
    return { status: 204 };
  }

  private webhookInteraction(appId: string, token: string): Interaction {
    const interaction = [...this.interactions.values()].find((candidate) => candidate.token === token);
    if (appId !== this.applicationId || !interaction || Date.now() - interaction.createdAt > TOKEN_TTL_MS) {
      throw new ApiError(404, { message: 'Unknown Webhook', code: 10015 });
    }
    if (!interaction.acknowledged) throw new ApiError(404, { message: 'Unknown Webhook', code: 10015 });
    return interaction;
  }

  // ---- REST ----------------------------------------------------------------------------------

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://sim');
    const method = request.method ?? 'GET';
    const path = decodeURIComponent(url.pathname).replace(/^\/api(\/v10)?/, '');
    const authorized = request.headers.authorization === `Bot ${this.botToken}`;
    let body: unknown;
    const call: RecordedCall = { method, path, route: routeOf(path), body: undefined, status: 0, authorized, at: Date.now() };
    this.calls.push(call);
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      response.writeHead(status, { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
      response.end(payload === undefined ? undefined : JSON.stringify(payload));
    };
    try {
      body = await readJson(request);
      call.body = body;
      this.injectedFailure(method, path);
      const result = this.route(method, path, url.searchParams, body, authorized);
      send(result.status, result.body);
    } catch (error) {
      if (error instanceof ApiError) send(error.status, error.body, error.headers);
      else {
        console.error('discord sim: handler crashed', error);
        send(500, { message: '500: Internal Server Error', code: 0 });
      }
    }
  }

  private injectedFailure(method: string, path: string): void {
    const rule = this.failRules.find((candidate) => candidate.remaining > 0 && (!candidate.method || candidate.method === method) && candidate.path.test(path));
    if (!rule) return;
    rule.remaining -= 1;
    if (rule.status === 429) {
      throw new ApiError(
        429,
        { message: 'You are being rate limited.', retry_after: rule.retryAfter, global: rule.global ?? false },
        {
          'retry-after': String(Math.ceil(rule.retryAfter)),
          'x-ratelimit-scope': rule.global ? 'global' : 'user',
          ...(rule.global
            ? { 'x-ratelimit-global': 'true' }
            : { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': String(rule.retryAfter), 'x-ratelimit-bucket': `sim-${routeOf(path)}` }),
        },
      );
    }
    if (rule.status === 403) throw missingPermissions();
    const reason = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' }[rule.status];
    throw new ApiError(rule.status, { message: `${rule.status}: ${reason}`, code: 0 });
  }

  private route(method: string, path: string, query: URLSearchParams, body: unknown, authorized: boolean): { status: number; body?: unknown } {
    const parts = path.split('/').filter(Boolean);
    const is = (verb: string, pattern: string) => {
      const shape = pattern.split('/').filter(Boolean);
      return verb === method && shape.length === parts.length && shape.every((segment, index) => segment.startsWith(':') || segment === parts[index]);
    };
    // Interaction callbacks and webhooks authenticate by their token, not the bot's.
    if (is('POST', '/interactions/:id/:token/callback')) {
      const result = this.interactionCallback(parts[1]!, parts[2]!, body);
      if (query.get('with_response') === 'true') {
        const interaction = this.interactions.get(parts[1]!)!;
        const message = interaction.responseMessageId ? this.findMessage(interaction.responseMessageId) : undefined;
        const type = interaction.callbacks.at(-1)!.type;
        // InteractionCallbackResponse: resource.message only for types 4 and 7.
        return {
          status: 200,
          body: {
            interaction: {
              id: interaction.id,
              type: interaction.kind,
              ...(message ? { response_message_id: message.id, response_message_loading: Boolean(message.flags & LOADING), response_message_ephemeral: message.ephemeral } : {}),
              channel_id: interaction.channelId,
              ...(interaction.guildId ? { guild_id: interaction.guildId } : {}),
            },
            resource: { type, ...(message && (type === 4 || type === 7) ? { message: this.messagePayload(message) } : {}) },
          },
        };
      }
      return result;
    }
    if (parts[0] === 'webhooks') return this.webhookRoute(parts, body, is);
    const gatewayUrl = this.apiUrl.replace(/^http/, 'ws').replace(/\/api$/, '');
    // GET /gateway is public; everything else needs the bot token.
    if (is('GET', '/gateway')) return { status: 200, body: { url: gatewayUrl } };
    if (!authorized) throw new ApiError(401, { message: '401: Unauthorized', code: 0 });

    if (is('GET', '/gateway/bot')) {
      return { status: 200, body: { url: gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } } };
    }
    if (is('GET', '/users/@me')) return { status: 200, body: { ...userPayload({ id: this.botUser.id, username: this.botUser.username }), bot: true } };
    if (is('GET', '/applications/@me') || is('GET', '/oauth2/applications/@me')) return { status: 200, body: { id: this.applicationId, name: 'Lyceum', flags: 0, bot_public: true } };
    if (is('PUT', '/applications/:app/commands') || is('PUT', '/applications/:app/guilds/:guild/commands')) {
      if (parts[1] !== this.applicationId) throw missingPermissions();
      const guildId = parts.length === 5 ? parts[3] : undefined;
      if (guildId) this.guild(guildId, 10004);
      const commands = parseOr(commandsBody, body);
      const existing = guildId ? (this.guildCommands.get(guildId) ?? new Map()) : this.globalCommands;
      const registered = new Map<string, RegisteredCommand>();
      for (const command of commands) {
        const previous = existing.get(command.name);
        registered.set(command.name, { ...command, id: previous?.id ?? this.snowflake(), application_id: this.applicationId, version: this.snowflake(), ...(guildId ? { guild_id: guildId } : {}) });
      }
      if (guildId) this.guildCommands.set(guildId, registered);
      else {
        this.globalCommands.clear();
        for (const [name, command] of registered) this.globalCommands.set(name, command);
      }
      return { status: 200, body: [...registered.values()] };
    }
    if (is('GET', '/applications/:app/commands')) return { status: 200, body: this.commands() };
    if (is('GET', '/applications/:app/guilds/:guild/commands')) return { status: 200, body: this.commands(parts[3]) };
    if (is('POST', '/users/@me/channels')) {
      const recipient = String((body as { recipient_id?: unknown } | undefined)?.recipient_id ?? '');
      if (!this.users.has(recipient)) throw new ApiError(400, { message: 'Invalid Recipient(s)', code: 50033 });
      return { status: 200, body: this.channelPayload(this.dmChannel(recipient)) };
    }
    if (is('GET', '/channels/:channel')) return { status: 200, body: this.channelPayload(this.channel(parts[1]!)) };
    if (is('POST', '/channels/:channel/messages')) {
      const channel = this.channel(parts[1]!);
      const data = parseOr(newMessageBody, body);
      if (channel.guild_id && !this.canSend(channel.guild_id)) throw missingPermissions();
      const message = this.storeMessage(channel.id, { ...this.fromBody(data), flags: (data.flags ?? 0) & ~EPHEMERAL });
      this.dispatch('MESSAGE_CREATE', this.messagePayload(message));
      return { status: 200, body: this.messagePayload(message) };
    }
    if (is('GET', '/channels/:channel/messages/:message')) return { status: 200, body: this.messagePayload(this.messageIn(parts[1]!, parts[3]!)) };
    if (is('PATCH', '/channels/:channel/messages/:message')) {
      const message = this.messageIn(parts[1]!, parts[3]!);
      if (message.authorId !== this.botUser.id) throw new ApiError(403, { message: 'Cannot edit a message authored by another user', code: 50005 });
      this.editMessage(message.id, parseOr(messageBody, body));
      return { status: 200, body: this.messagePayload(message) };
    }
    if (is('POST', '/channels/:channel/threads')) {
      const channel = this.channel(parts[1]!);
      const name = String((body as { name?: unknown } | undefined)?.name ?? '');
      if (!name || name.length > 100) throw new ApiError(400, { message: 'Invalid Form Body', code: 50035, errors: { name: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }] } } });
      if (!channel.guild_id) throw new ApiError(400, { message: 'Cannot execute action on a DM channel', code: 50003 });
      if ((this.permissionsOf(this.guild(channel.guild_id), this.botUser.id) & (Permission.CreatePublicThreads | Permission.Administrator)) === 0n) throw missingPermissions();
      const thread: Channel = { id: this.snowflake(), type: 11, guild_id: channel.guild_id, name, parent_id: channel.id };
      this.channels.set(thread.id, thread);
      return { status: 201, body: { ...this.channelPayload(thread), owner_id: this.botUser.id, thread_metadata: { archived: false, auto_archive_duration: 1440, locked: false, archive_timestamp: new Date().toISOString() }, member_count: 1, message_count: 0 } };
    }
    if (is('GET', '/guilds/:guild')) return { status: 200, body: this.guildPayload(this.guild(parts[1]!, 10004), false) };
    if (is('GET', '/guilds/:guild/roles')) return { status: 200, body: [...this.guild(parts[1]!, 10004).roles.values()].map(rolePayload) };
    if (is('POST', '/guilds/:guild/roles')) {
      const guild = this.guild(parts[1]!, 10004);
      if ((this.permissionsOf(guild, this.botUser.id) & (Permission.ManageRoles | Permission.Administrator)) === 0n) throw missingPermissions();
      const input = (body ?? {}) as { name?: string; permissions?: string };
      const role = this.createRole(guild.id, { name: input.name ?? 'new role', permissions: BigInt(input.permissions ?? '0') });
      return { status: 200, body: rolePayload(guild.roles.get(role.id)!) };
    }
    if (is('GET', '/guilds/:guild/members/:user')) {
      const guild = this.guild(parts[1]!, 10004);
      if (!guild.members.has(parts[3]!)) throw new ApiError(404, { message: 'Unknown Member', code: 10007 });
      return { status: 200, body: this.memberPayload(guild, parts[3]!) };
    }
    if (is('PUT', '/guilds/:guild/members/:user/roles/:role') || is('DELETE', '/guilds/:guild/members/:user/roles/:role')) {
      this.changeMemberRole(parts[1]!, parts[3]!, parts[5]!, method === 'PUT');
      return { status: 204 };
    }
    throw new ApiError(404, { message: '404: Not Found', code: 0 });
  }

  private webhookRoute(parts: string[], body: unknown, is: (verb: string, pattern: string) => boolean): { status: number; body?: unknown } {
    const interaction = this.webhookInteraction(parts[1]!, parts[2]!);
    if (is('POST', '/webhooks/:app/:token')) {
      const data = parseOr(newMessageBody, body);
      const message = this.storeMessage(interaction.channelId, this.fromBody(data, interaction));
      interaction.followUps.push(message.id);
      this.changed();
      return { status: 200, body: this.messagePayload(message) };
    }
    const target = parts[4] === '@original' ? interaction.responseMessageId : parts[4];
    const message = target ? this.findMessage(target) : undefined;
    if (!message || (parts[4] !== '@original' && !interaction.followUps.includes(message.id))) {
      throw new ApiError(404, { message: 'Unknown Message', code: 10008 });
    }
    if (is('GET', '/webhooks/:app/:token/messages/:message')) return { status: 200, body: this.messagePayload(message) };
    if (is('PATCH', '/webhooks/:app/:token/messages/:message')) {
      this.editMessage(message.id, parseOr(messageBody, body));
      if (parts[4] === '@original') interaction.originalEdited = true;
      this.changed();
      return { status: 200, body: this.messagePayload(message) };
    }
    if (is('DELETE', '/webhooks/:app/:token/messages/:message')) {
      const list = this.messages.get(message.channelId)!;
      list.splice(list.indexOf(message), 1);
      this.changed();
      return { status: 204 };
    }
    throw new ApiError(405, { message: '405: Method Not Allowed', code: 0 });
  }

  private changeMemberRole(guildId: string, userId: string, roleId: string, add: boolean): void {
    const guild = this.guild(guildId, 10004);
    const member = guild.members.get(userId);
    if (!member) throw new ApiError(404, { message: 'Unknown Member', code: 10007 });
    const role = guild.roles.get(roleId);
    if (!role) throw new ApiError(404, { message: 'Unknown Role', code: 10011 });
    const permissions = this.permissionsOf(guild, this.botUser.id);
    const highest = Math.max(...(guild.members.get(this.botUser.id)?.roles ?? []).map((id) => guild.roles.get(id)?.position ?? 0));
    // Two causes of 50013: no Manage Roles, or the role sits at or above the bot's highest role.
    if ((permissions & (Permission.ManageRoles | Permission.Administrator)) === 0n || role.position >= highest || role.managed) {
      throw missingPermissions();
    }
    member.roles = add ? [...new Set([...member.roles, roleId])] : member.roles.filter((id) => id !== roleId);
    this.dispatch('GUILD_MEMBER_UPDATE', { guild_id: guildId, ...this.memberPayload(guild, userId) });
  }

  // ---- messages ------------------------------------------------------------------------------

  private fromBody(data: z.infer<typeof messageBody>, interaction?: Interaction): Omit<SimMessage, 'id' | 'channelId' | 'ephemeral'> {
    const flags = data.flags ?? 0;
    return {
      authorId: this.botUser.id,
      content: data.content ?? '',
      embeds: data.embeds ?? [],
      components: data.components ?? [],
      flags,
      ...(interaction ? { interactionId: interaction.id } : {}),
      ...(interaction && flags & EPHEMERAL ? { visibleTo: interaction.userId } : {}),
    };
  }

  private storeMessage(channelId: string, input: Omit<SimMessage, 'id' | 'channelId' | 'ephemeral'>): SimMessage {
    const message: SimMessage = { id: this.snowflake(), channelId, ...input, ephemeral: Boolean(input.flags & EPHEMERAL) };
    const list = this.messages.get(channelId) ?? [];
    list.push(message);
    this.messages.set(channelId, list);
    this.changed();
    return message;
  }

  private editMessage(messageId: string, data: z.infer<typeof messageBody>): void {
    const message = this.findMessage(messageId);
    if (!message) throw new ApiError(404, { message: 'Unknown Message', code: 10008 });
    if (data.content !== undefined) message.content = data.content;
    if (data.embeds !== undefined) message.embeds = data.embeds;
    if (data.components !== undefined) message.components = data.components;
    message.flags &= ~LOADING;
    if (!message.content && !message.embeds.length && !message.components.length) {
      throw new ApiError(400, { message: 'Cannot send an empty message', code: 50006 });
    }
    message.editedAt = Date.now();
    this.changed();
  }

  private findMessage(messageId: string): SimMessage | undefined {
    for (const list of this.messages.values()) {
      const found = list.find((message) => message.id === messageId);
      if (found) return found;
    }
    return undefined;
  }

  private messageIn(channelId: string, messageId: string): SimMessage {
    this.channel(channelId);
    const message = (this.messages.get(channelId) ?? []).find((candidate) => candidate.id === messageId);
    if (!message || message.ephemeral) throw new ApiError(404, { message: 'Unknown Message', code: 10008 });
    return message;
  }

  private visibleMessage(user: SimUser, message: SimMessage): SimMessage {
    const current = this.findMessage(message.id);
    if (!current) throw new Error(`discord sim: message ${message.id} is gone`);
    if (current.visibleTo && current.visibleTo !== user.id) throw new Error(`discord sim: ${user.username} cannot see ephemeral message ${message.id}`);
    return current;
  }

  // ---- payloads ------------------------------------------------------------------------------

  private messagePayload(message: SimMessage): Record<string, unknown> {
    const author = message.authorId === this.botUser.id ? { ...userPayload(this.botUser), bot: true } : userPayload(this.user2(message.authorId));
    const channel = this.channels.get(message.channelId);
    const interaction = message.interactionId ? this.interactions.get(message.interactionId) : undefined;
    return {
      id: message.id,
      channel_id: message.channelId,
      ...(channel?.guild_id ? { guild_id: channel.guild_id } : {}),
      type: interaction?.kind === 2 && !interaction.componentMessageId ? 20 : 0,
      author,
      content: message.content,
      embeds: message.embeds,
      components: message.components,
      flags: message.flags,
      timestamp: new Date(Number((BigInt(message.id) >> 22n) + EPOCH)).toISOString(),
      edited_timestamp: message.editedAt ? new Date(message.editedAt).toISOString() : null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      pinned: false,
      ...(interaction ? { application_id: this.applicationId, webhook_id: this.applicationId, interaction_metadata: { id: interaction.id, type: interaction.kind, user: userPayload(this.user2(interaction.userId)), authorizing_integration_owners: {} } } : {}),
    };
  }

  private guildPayload(guild: Guild, withState = true): Record<string, unknown> {
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: guild.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      system_channel_id: guild.systemChannelId,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      preferred_locale: guild.preferredLocale,
      max_members: 500_000,
      vanity_url_code: null,
      application_id: null,
      features: [],
      roles: [...guild.roles.values()].map(rolePayload),
      emojis: [],
      stickers: [],
      ...(withState
        ? {
            unavailable: false,
            large: false,
            joined_at: guild.members.get(this.botUser.id)?.joinedAt,
            member_count: guild.members.size,
            // Without the GuildMembers intent a guild arrives with the bot's own member only.
            members: [...guild.members.keys()]
              .filter((id) => id === this.botUser.id || (this.session?.intents ?? 0) & Intent.GuildMembers)
              .map((id) => this.memberPayload(guild, id)),
            channels: guild.channels.map((id) => this.channelPayload(this.channels.get(id)!)),
            threads: [],
            presences: [],
            voice_states: [],
            stage_instances: [],
            guild_scheduled_events: [],
            soundboard_sounds: [],
          }
        : {}),
    };
  }

  private memberPayload(guild: Guild, userId: string): Record<string, unknown> {
    const member = guild.members.get(userId)!;
    const user = userId === this.botUser.id ? { ...userPayload(this.botUser), bot: true } : userPayload(this.user2(userId));
    return { user, nick: null, avatar: null, banner: null, roles: member.roles, joined_at: member.joinedAt, premium_since: null, deaf: false, mute: false, flags: 0, pending: false, communication_disabled_until: null };
  }

  private channelPayload(channel: Channel): Record<string, unknown> {
    if (channel.type === 1) {
      return { id: channel.id, type: 1, last_message_id: null, flags: 0, recipients: (channel.recipients ?? []).map((id) => userPayload(this.user2(id))) };
    }
    return { id: channel.id, type: channel.type, guild_id: channel.guild_id, name: channel.name, position: 0, permission_overwrites: [], nsfw: false, parent_id: channel.parent_id ?? null, topic: null, last_message_id: null, rate_limit_per_user: 0, flags: 0 };
  }

  private publicGuild(guild: Guild): SimGuild {
    return { id: guild.id, name: guild.name, ownerId: guild.ownerId, everyoneRoleId: guild.everyoneRoleId, systemChannelId: guild.systemChannelId, botRoleId: guild.botRoleId };
  }

  // ---- helpers -------------------------------------------------------------------------------

  private permissionsOf(guild: Guild, userId: string): bigint {
    if (userId === guild.ownerId) return ALL_PERMISSIONS;
    const roleIds = [guild.id, ...(guild.members.get(userId)?.roles ?? [])];
    const permissions = roleIds.reduce((sum, id) => sum | BigInt(guild.roles.get(id)?.permissions ?? '0'), 0n);
    return permissions & Permission.Administrator ? ALL_PERMISSIONS : permissions;
  }

  private canSend(guildId: string): boolean {
    const permissions = this.permissionsOf(this.guild(guildId), this.botUser.id);
    return (permissions & Permission.SendMessages) !== 0n;
  }

  private guild(guildId: string, unknownCode?: number): Guild {
    const guild = this.guilds.get(guildId);
    if (guild) return guild;
    if (unknownCode) throw new ApiError(404, { message: 'Unknown Guild', code: unknownCode });
    throw new Error(`discord sim: no guild ${guildId}`);
  }

  private channel(channelId: string): Channel {
    const channel = this.channels.get(channelId);
    if (!channel) throw new ApiError(404, { message: 'Unknown Channel', code: 10003 });
    return channel;
  }

  private user2(userId: string): { id: string; username: string } {
    return this.users.get(userId) ?? { id: userId, username: 'unknown' };
  }

  private dmChannel(userId: string): Channel {
    const existing = [...this.channels.values()].find((channel) => channel.type === 1 && channel.recipients?.[0] === userId);
    if (existing) return existing;
    const channel: Channel = { id: this.snowflake(), type: 1, recipients: [userId] };
    this.channels.set(channel.id, channel);
    return channel;
  }

  private snowflake(): string {
    const timestamp = BigInt(Date.now()) - EPOCH;
    this.sequence = (this.sequence + 1n) & 0xfffn;
    return String((timestamp << 22n) | (1n << 17n) | this.sequence);
  }

  private changed(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private waitUntil<T>(timeoutMs: number, what: string, check: () => T | Error | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const attempt = () => {
        if (settled) return;
        const found = this.closed ? failure(`closed while waiting for ${what}`) : check();
        if (found === undefined) return;
        settled = true;
        clearTimeout(timer);
        this.waiters.delete(attempt);
        if (found instanceof Error) reject(found);
        else resolve(found);
      };
      const timer = setTimeout(() => {
        settled = true;
        this.waiters.delete(attempt);
        reject(new Error(`discord sim: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(attempt);
      attempt();
    });
  }
}
