/**
 * A local Discord for the real discord.js client: the REST API subset Lyceum uses (under
 * `rest.api`) and a JSON WebSocket gateway (the URL `GET /gateway/bot` returns). It keeps users,
 * guilds, roles, members, channels (text, voice, announcement, stage), threads, commands,
 * messages, crossposts and guild scheduled events; validates bodies like Discord (message and
 * component limits, the 3-second interaction deadline, single acknowledgement, role hierarchy,
 * scheduled event rules) and answers errors in Discord's shapes, with per-route rate limits
 * (crossposts: 10 an hour per channel) and an optional global one. Scripted users act as
 * members; every REST call is recorded (`sendRate()` measures fan-outs), and 429s, 5xx and 4xx
 * codes can be injected. No test-runner imports: demos use it too.
 *
 * Layout: state.ts (the world), gateway.ts, http.ts + routes-*.ts + callbacks.ts (REST),
 * members.ts / roles.ts (membership, roles and channels), threads.ts (threads and their members),
 * crossposts.ts (publishing announcements), scheduled-events.ts + routes-events.ts,
 * interactions.ts + scripted-user.ts (what members do), rate-limits.ts / failures.ts /
 * send-rate.ts (how fast the bot sent), validation.ts + components.ts + command-schema.ts +
 * modals.ts + mentions.ts; files: body.ts (multipart), uploads.ts (attachments of bot messages),
 * cdn.ts (signed attachment urls).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signedUrl } from './cdn.ts';
import { Gateway } from './gateway.ts';
import { invalidRequests, serve } from './http.ts';
import { addMember, memberUpdated, removeMember } from './members.ts';
import { messagePings, type PingTarget, pingsTarget } from './mentions.ts';
import type { GuildChannelType } from './model.ts';
import { RateLimiter } from './rate-limits.ts';
import { createGuild, createRole, createTextChannel, deleteRole, type GuildInput, type RoleInput, setRolePosition, updateRole } from './roles.ts';
import { publicEvent, subscribe } from './scheduled-events.ts';
import { scriptedUser } from './scripted-user.ts';
import { sendRate } from './send-rate.ts';
import { shardOf, World } from './state.ts';
import { guildThreads } from './threads.ts';
import type {
  DiscordSimOptions,
  FailRule,
  GatewayViolation,
  RecordedCall,
  RegisteredCommand,
  ScriptedDiscordUser,
  SendRate,
  SimChannel,
  SimCrosspost,
  SimGuild,
  SimMessage,
  SimRole,
  SimScheduledEvent,
  SimThread,
  SimUser,
} from './types.ts';
import { publicRole } from './wire.ts';

export type * from './types.ts';
export { pings, type PingTarget } from './mentions.ts';

export async function startDiscordSim(options: DiscordSimOptions = {}): Promise<DiscordSim> {
  const sim = new DiscordSim(options);
  await sim.listen();
  return sim;
}

export class DiscordSim {
  private readonly world: World;
  private readonly server;
  private readonly gateway: Gateway;

  constructor(options: DiscordSimOptions) {
    this.world = new World(options);
    const limiter = new RateLimiter(options.rateLimits, options.globalRateLimit);
    this.server = createServer((request, response) => void serve(this.world, limiter, request, response));
    this.gateway = new Gateway(this.world, this.server);
  }

  get applicationId(): string {
    return this.world.applicationId;
  }
  get botToken(): string {
    return this.world.botToken;
  }
  get botUser(): { id: string; username: string } {
    return this.world.botUser;
  }
  /** Every REST call, in order, with its answer's status (and error code, bucket, audit-log reason). */
  get calls(): RecordedCall[] {
    return this.world.calls;
  }
  get apiUrl(): string {
    return this.world.apiUrl;
  }
  /** Every accepted IDENTIFY (shard, time), and those refused for breaking a gateway limit. */
  get identifies(): ReadonlyArray<{ shard: [number, number]; at: number }> {
    return this.world.identifies;
  }
  get gatewayViolations(): readonly GatewayViolation[] {
    return this.world.gatewayViolations;
  }
  /** The shard of a guild for a shard count: (guild_id >> 22) % count. */
  shardOf(guildId: string, shardCount: number): number {
    return shardOf(guildId, shardCount);
  }
  /** The shards connected now, by id (a shard connected twice appears twice). */
  connectedShards(): number[] {
    return [...this.world.sessions].filter((session) => session.ready).map((session) => session.shard[0]).sort((a, b) => a - b);
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.world.apiUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api`;
  }

  async close(): Promise<void> {
    this.world.closed = true;
    for (const interaction of this.world.interactions.values()) clearTimeout(interaction.deadline);
    this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.world.changed();
  }

  // ---- world ---------------------------------------------------------------------------------

  createUser(input: { username: string; locale?: string }): SimUser {
    const user = { id: this.world.snowflake(), username: input.username, locale: input.locale ?? 'en-US' };
    this.world.users.set(user.id, user);
    return user;
  }

  /** A guild the bot is in (a connected bot receives GUILD_CREATE: it "joins"). */
  createGuild(input: GuildInput): SimGuild {
    return createGuild(this.world, input);
  }

  /**
   * A channel besides the guild's #general: CHANNEL_CREATE. A text channel (e.g. staff) unless
   * `type` says 2 voice, 5 announcement (its messages can be crossposted) or 13 stage.
   */
  createTextChannel(guildId: string, name: string, options: { type?: GuildChannelType } = {}): SimChannel {
    return createTextChannel(this.world, guildId, name, options.type);
  }

  /** A role at `position` (default 1, just above @everyone); `managed` for an integration role nobody can assign. */
  createRole(guildId: string, input: RoleInput): SimRole {
    return createRole(this.world, guildId, input);
  }

  /** Drags a role in Server Settings (1 = lowest); roles are renumbered and each moved one gets GUILD_ROLE_UPDATE. */
  setRolePosition(guildId: string, roleId: string, position: number): void {
    setRolePosition(this.world, guildId, roleId, position);
  }

  /** Renames a role or changes its permissions (GUILD_ROLE_UPDATE). */
  updateRole(guildId: string, roleId: string, changes: { name?: string; permissions?: bigint }): void {
    updateRole(this.world, guildId, roleId, changes);
  }

  /** An admin deletes a role: GUILD_ROLE_DELETE; members lose it without member updates. */
  deleteRole(guildId: string, roleId: string): void {
    deleteRole(this.world, guildId, roleId);
  }

  /** Sets what the bot's own role allows, e.g. without Manage Roles to provoke 50013. */
  setBotPermissions(guildId: string, permissions: bigint): void {
    updateRole(this.world, guildId, this.world.guild(guildId).botRoleId, { permissions });
  }

  roles(guildId: string): SimRole[] {
    return [...this.world.guild(guildId).roles.values()].map(publicRole);
  }

  /** A user joins (or rejoins, bare of roles) the guild: GUILD_MEMBER_ADD with the GuildMembers intent. */
  addMember(guildId: string, userId: string, roleIds: string[] = []): void {
    addMember(this.world, guildId, userId, roleIds);
  }

  /** The member leaves (or is kicked): GUILD_MEMBER_REMOVE with the GuildMembers intent; their roles are gone. */
  removeMember(guildId: string, userId: string): void {
    removeMember(this.world, guildId, userId);
  }

  isMember(guildId: string, userId: string): boolean {
    return this.world.guild(guildId).members.has(userId);
  }

  memberRoles(guildId: string, userId: string): string[] {
    return [...(this.world.guild(guildId).members.get(userId)?.roles ?? [])];
  }

  /** An admin gives or takes a role by hand (no permission checks): GUILD_MEMBER_UPDATE. */
  setMemberRoles(guildId: string, userId: string, roleIds: string[]): void {
    const guild = this.world.guild(guildId);
    const member = guild.members.get(userId);
    if (!member) throw new Error(`discord sim: ${userId} is not a member of ${guild.name}`);
    const roles = [...new Set(roleIds)];
    if (roles.length === member.roles.length && roles.every((id) => member.roles.includes(id))) return;
    member.roles = roles;
    memberUpdated(this.world, guild, userId);
  }

  /** The user turns off DMs from server members: the bot's messages to them answer 403 50007. */
  closeDms(userId: string): void {
    this.world.closedDms.add(userId);
  }

  openDms(userId: string): void {
    this.world.closedDms.delete(userId);
  }

  /** What a server admin does in Integrations settings: lets everyone use a command despite its default permissions. */
  allowCommandForEveryone(guildId: string, name: string): void {
    this.world.guild(guildId).commandOverrides.add(name);
  }

  user(userId: string): ScriptedDiscordUser {
    return scriptedUser(this.world, this.world.simUser(userId));
  }

  commands(guildId?: string): RegisteredCommand[] {
    return [...(guildId ? (this.world.guildCommands.get(guildId) ?? new Map()) : this.world.globalCommands).values()];
  }

  /** A channel's or thread's messages, oldest first (system messages have a `type`). */
  channelMessages(channelId: string): SimMessage[] {
    return structuredClone(this.world.messages.get(channelId) ?? []);
  }

  /** The messages REST crossposted, in order (of one channel if given); the message's flags have CROSSPOSTED (1 << 0) too. */
  crossposts(channelId?: string): SimCrosspost[] {
    return this.world.crossposts.filter((post) => !channelId || post.channelId === channelId).map((post) => ({ ...post }));
  }

  /** The guild's scheduled events, oldest first, finished ones included (deleted ones are gone). */
  scheduledEvents(guildId: string): SimScheduledEvent[] {
    this.world.guild(guildId);
    return [...this.world.scheduledEvents.values()].filter((event) => event.guildId === guildId).map(publicEvent);
  }

  /** A member marks the event "Interested" (GUILD_SCHEDULED_EVENT_USER_ADD): it counts in `user_count`. */
  subscribeToEvent(guildId: string, eventId: string, userId: string): void {
    subscribe(this.world, guildId, eventId, userId);
  }

  /** How fast the bot sent since `since` (epoch ms; default: every call): see `SendRate`. */
  sendRate(options: { since?: number } = {}): SendRate {
    return sendRate(this.world, options.since);
  }

  /** The guild's threads, oldest first, with their members' ids in the order they joined. */
  threads(guildId: string): SimThread[] {
    return guildThreads(this.world, guildId);
  }

  /** The bytes of a file on a message (or one a user uploaded), as the sim received them. */
  attachmentData(attachmentId: string): Buffer {
    const file = this.world.files.get(attachmentId);
    if (!file) throw new Error(`discord sim: no attachment ${attachmentId} (never uploaded, or its message is gone)`);
    return Buffer.from(file.data);
  }

  /** A freshly signed CDN url of an attachment (what a message fetched now would carry). */
  attachmentUrl(attachmentId: string): string {
    const file = this.world.files.get(attachmentId);
    if (!file) throw new Error(`discord sim: no attachment ${attachmentId}`);
    return signedUrl(this.world, file);
  }

  /** Whether the message pinged @everyone (or @here), a user or a role; see `pings` for the rules. */
  wouldPing(message: SimMessage, target: PingTarget): boolean {
    return pingsTarget(messagePings(this.world, message), target);
  }

  /** The DM history between the bot and a user (what the user sees), oldest first. */
  dmMessages(userId: string): SimMessage[] {
    return this.user(userId).dmMessages();
  }

  /** Requests whose path matches wait `ms` before they are handled (0 removes the slowdown). */
  slowDown(path: RegExp, ms: number): void {
    this.world.latencies.splice(0, this.world.latencies.length, ...this.world.latencies.filter((candidate) => String(candidate.path) !== String(path)));
    if (ms > 0) this.world.latencies.push({ path, ms });
  }

  /** The roles REST actually added or removed in a guild, in order (idempotent repeats are not changes). */
  roleChanges(guildId: string): Array<{ userId: string; roleId: string; added: boolean }> {
    return this.world.roleChanges.filter((change) => change.guildId === guildId).map(({ userId, roleId, added }) => ({ userId, roleId, added }));
  }

  failNext(rule: FailRule, times = 1): void {
    this.world.failRules.push({ ...rule, remaining: times });
  }

  /** Invalid requests (401, 403, 429 other than scope `shared`) in the last 10 minutes: Discord bans an IP at 10,000. */
  invalidRequestCount(): number {
    return invalidRequests(this.world);
  }

  async waitForConnection(timeoutMs = 10_000): Promise<void> {
    await this.world.waitUntil(timeoutMs, 'the bot to connect', () => (this.world.connected ? true : undefined));
  }
}
