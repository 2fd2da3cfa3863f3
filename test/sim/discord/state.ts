/**
 * The simulated Discord's state, shared by the gateway, the REST routes and the scripted users:
 * users, guilds (roles, members), channels, messages, commands and interactions, plus the small
 * helpers every part needs (ids, lookups with Discord's 404s, permissions, the role hierarchy).
 */
import { randomBytes } from 'node:crypto';
import {
  ALL_PERMISSIONS,
  type Channel,
  ChannelKind,
  EPOCH,
  type Guild,
  type Interaction,
  Permission,
  PRIVILEGED_INTENTS,
  type Role,
  type ScheduledEvent,
  type Session,
  type StoredFile,
  type Thread,
} from './model.ts';
import type { DiscordSimOptions, FailRule, GatewayViolation, RecordedCall, RegisteredCommand, SimMessage, SimUser } from './types.ts';
import { ApiError, failure } from './wire.ts';

/** Discord's sharding formula. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

export class World {
  readonly applicationId: string;
  readonly botToken: string;
  readonly botUser: { id: string; username: string };
  readonly calls: RecordedCall[] = [];
  apiUrl = '';
  readonly deadlineMs: number;
  readonly heartbeatMs: number;
  readonly privilegedIntents: number;
  readonly users = new Map<string, SimUser>();
  readonly guilds = new Map<string, Guild>();
  readonly channels = new Map<string, Channel>();
  /** Thread state (owner, members, metadata) by thread id; the thread itself is in `channels`. */
  readonly threads = new Map<string, Thread>();
  readonly messages = new Map<string, SimMessage[]>();
  /** Guild scheduled events by id (every guild's). */
  readonly scheduledEvents = new Map<string, ScheduledEvent>();
  /** Every message REST crossposted (published), in order. */
  readonly crossposts: Array<{ channelId: string; messageId: string; at: number }> = [];
  readonly globalCommands = new Map<string, RegisteredCommand>();
  readonly guildCommands = new Map<string, Map<string, RegisteredCommand>>();
  readonly interactions = new Map<string, Interaction>();
  readonly failRules: Array<FailRule & { remaining: number }> = [];
  /** Slow answers (`sim.slowDown`): requests whose path matches wait before they are handled. */
  readonly latencies: Array<{ path: RegExp; ms: number }> = [];
  /** Every role actually added or removed through REST, in order (repeats that change nothing are not here). */
  readonly roleChanges: Array<{ guildId: string; userId: string; roleId: string; added: boolean }> = [];
  /** Users who turned off direct messages from server members (POST to their DM answers 50007). */
  readonly closedDms = new Set<string>();
  readonly waiters = new Set<() => void>();
  /** The CDN's files by attachment id. */
  readonly files = new Map<string, StoredFile>();
  /** The modal open on each user's screen: the id of the interaction that showed it. */
  readonly openModals = new Map<string, string>();
  readonly uploadLimit: number;
  readonly urlTtlMs: number;
  /** Signs CDN urls (`hm`). */
  readonly cdnSecret = randomBytes(32);
  /** The open gateway sessions. Two sessions of one shard both get its events, as on Discord. */
  readonly sessions = new Set<Session>();
  readonly gatewayLimits: Required<NonNullable<DiscordSimOptions['gateway']>>;
  /** Every accepted IDENTIFY, in order; `sessionStartsLeft` counts them down. */
  readonly identifies: Array<{ shard: [number, number]; at: number }> = [];
  readonly gatewayViolations: GatewayViolation[] = [];
  sessionStartsLeft: number;
  closed = false;
  /** Sends a gateway event to the connected bot (set by the gateway). */
  dispatch: (event: string, data: unknown) => void = () => {};
  private sequence = 0n;
  /** DM channel id by recipient: a fan-out opens thousands, so no scan over every channel. */
  private readonly dmChannelIds = new Map<string, string>();

  constructor(options: DiscordSimOptions) {
    this.applicationId = options.applicationId ?? this.snowflake();
    const botId = this.snowflake();
    this.botToken = options.botToken ?? `${Buffer.from(botId).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(27).toString('base64url')}`;
    this.botUser = { id: botId, username: 'Lyceum' };
    this.deadlineMs = options.interactionDeadlineMs ?? 3_000;
    this.heartbeatMs = options.heartbeatIntervalMs ?? 41_250;
    this.privilegedIntents = options.privilegedIntents ?? PRIVILEGED_INTENTS;
    this.uploadLimit = options.uploadLimitBytes ?? 25 * 1024 * 1024;
    this.urlTtlMs = options.attachmentUrlTtlMs ?? 24 * 3_600_000;
    this.gatewayLimits = {
      recommendedShards: options.gateway?.recommendedShards ?? 1,
      requiredShards: options.gateway?.requiredShards ?? 1,
      maxConcurrency: options.gateway?.maxConcurrency ?? 1,
      identifyIntervalMs: options.gateway?.identifyIntervalMs ?? 5_000,
      sessionStartLimit: options.gateway?.sessionStartLimit ?? 1_000,
    };
    this.sessionStartsLeft = this.gatewayLimits.sessionStartLimit;
  }

  /**
   * The sessions that receive a guild's events: Discord's rule, shard = (guild_id >> 22) %
   * shard_count, each session by the shard count it identified with; DMs (no guild) go to shard 0.
   */
  sessionsFor(guildId: string | undefined): Session[] {
    return [...this.sessions].filter((session) => session.shard[0] === (guildId ? shardOf(guildId, session.shard[1]) : 0));
  }

  /** The intents of whoever receives the guild's events (shards of one bot identify alike). */
  intentsFor(guildId: string | undefined): number {
    return this.sessionsFor(guildId)[0]?.intents ?? 0;
  }

  /** True when every shard of the bot's shard count has connected and received its guilds. */
  get connected(): boolean {
    const shardCount = this.sessions.values().next().value?.shard[1];
    if (shardCount === undefined) return false;
    const ready = new Set([...this.sessions].filter((session) => session.ready).map((session) => session.shard[0]));
    return ready.size === shardCount;
  }

  /** The CDN's origin (the sim serves it next to the API). */
  get cdnUrl(): string {
    return this.apiUrl.replace(/\/api$/, '');
  }

  get gatewayUrl(): string {
    return this.apiUrl.replace(/^http/, 'ws').replace(/\/api$/, '');
  }

  snowflake(): string {
    const timestamp = BigInt(Date.now()) - EPOCH;
    this.sequence = (this.sequence + 1n) & 0xfffn;
    return String((timestamp << 22n) | (1n << 17n) | this.sequence);
  }

  /** Wakes everything waiting in `waitUntil` to re-check its condition. */
  changed(): void {
    for (const wake of [...this.waiters]) wake();
  }

  waitUntil<T>(timeoutMs: number, what: string, check: () => T | Error | undefined): Promise<T> {
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

  /** The guild; with `unknownCode` a missing one is Discord's 404 (a REST answer), else a test bug. */
  guild(guildId: string, unknownCode?: number): Guild {
    const guild = this.guilds.get(guildId);
    if (guild) return guild;
    if (unknownCode) throw new ApiError(404, { message: 'Unknown Guild', code: unknownCode });
    throw new Error(`discord sim: no guild ${guildId}`);
  }

  channel(channelId: string): Channel {
    const channel = this.channels.get(channelId);
    if (!channel) throw new ApiError(404, { message: 'Unknown Channel', code: 10003 });
    return channel;
  }

  role(guildId: string, roleId: string): Role {
    const role = this.guild(guildId).roles.get(roleId);
    if (!role) throw new Error(`discord sim: no role ${roleId} in guild ${guildId}`);
    return role;
  }

  simUser(userId: string): SimUser {
    const user = this.users.get(userId);
    if (!user) throw new Error(`discord sim: no user ${userId}`);
    return user;
  }

  /** A user for payloads: unknown ids render as "unknown" rather than failing. */
  user2(userId: string): { id: string; username: string } {
    return this.users.get(userId) ?? { id: userId, username: 'unknown' };
  }

  dmChannel(userId: string): Channel {
    const existing = this.channels.get(this.dmChannelIds.get(userId) ?? '');
    if (existing) return existing;
    const channel: Channel = { id: this.snowflake(), type: 1, recipients: [userId] };
    this.channels.set(channel.id, channel);
    this.dmChannelIds.set(userId, channel.id);
    return channel;
  }

  /** Whether the user shares a guild with the bot (a bot can only DM users it shares a guild with). */
  sharesGuild(userId: string): boolean {
    return [...this.guilds.values()].some((guild) => guild.members.has(userId) && guild.members.has(this.botUser.id));
  }

  permissionsOf(guild: Guild, userId: string): bigint {
    if (userId === guild.ownerId) return ALL_PERMISSIONS;
    const roleIds = [guild.id, ...(guild.members.get(userId)?.roles ?? [])];
    const permissions = roleIds.reduce((sum, id) => sum | BigInt(guild.roles.get(id)?.permissions ?? '0'), 0n);
    return permissions & Permission.Administrator ? ALL_PERMISSIONS : permissions;
  }

  /**
   * Whether the user sees the channel. Permission overwrites are not simulated, so that is every
   * channel of their guild, except a private thread: only its members and Manage Threads see it.
   */
  canView(channel: Channel, userId: string): boolean {
    const guild = channel.guild_id ? this.guilds.get(channel.guild_id) : undefined;
    if (!guild) return channel.type !== ChannelKind.Dm || channel.recipients?.[0] === userId || userId === this.botUser.id;
    if (!guild.members.has(userId)) return false;
    if (channel.type !== ChannelKind.PrivateThread) return true;
    return Boolean(this.threads.get(channel.id)?.members.has(userId)) || (this.permissionsOf(guild, userId) & Permission.ManageThreads) !== 0n;
  }

  botCan(guild: Guild, permission: bigint): boolean {
    return (this.permissionsOf(guild, this.botUser.id) & (permission | Permission.Administrator)) !== 0n;
  }

  /** The member's highest role (@everyone when they have none), by Discord's order. */
  highestRole(guild: Guild, userId: string): Role {
    const roles = (guild.members.get(userId)?.roles ?? []).flatMap((id) => guild.roles.get(id) ?? []);
    return roles.reduce((top, role) => (isAbove(role, top) ? role : top), guild.roles.get(guild.id)!);
  }

  /** Whether the bot may add or remove `role`: it must sit strictly below the bot's highest role. */
  botOutranks(guild: Guild, role: Role): boolean {
    return guild.ownerId === this.botUser.id || isAbove(this.highestRole(guild, this.botUser.id), role);
  }
}

/**
 * Discord's role order: higher position first; equal positions are ordered by id, the older
 * (smaller) id above, as the Discord client and discord.js `Role.comparePositions` do.
 */
export function isAbove(a: Role, b: Role): boolean {
  if (a.position !== b.position) return a.position > b.position;
  return BigInt(a.id) < BigInt(b.id);
}
