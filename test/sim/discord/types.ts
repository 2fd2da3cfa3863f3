/** The simulator's public types: what tests, demos and benches hold and pass. */
import type { z } from 'zod';
import type { OptionValue } from './command-options.ts';
import type { commandsBody } from './validation.ts';

export type SimUser = { id: string; username: string; locale: string };
export type SimGuild = { id: string; name: string; ownerId: string; everyoneRoleId: string; systemChannelId: string; botRoleId: string };
export type SimRole = { id: string; name: string; permissions: string; position: number; managed: boolean };
export type SimMessage = {
  id: string;
  channelId: string;
  authorId: string;
  content: string;
  // Discord's own JSON, as the bot sent it (validated); tests read it like a client would.
  embeds: any[];
  components: any[];
  flags: number;
  ephemeral: boolean;
  /** For an ephemeral message: the only user who sees it. */
  visibleTo?: string;
  editedAt?: number;
  interactionId?: string;
  /** Set for system messages: 1 RECIPIENT_ADD (added to a thread), 18 THREAD_CREATED (in the parent). Else 0, 19 or 20 by context. */
  type?: number;
  /** Ids of the users mentioned (`<@id>` in the content, and the replied-to author when the reply pings). */
  mentions?: string[];
  mentionRoles?: string[];
  /** A reply's message (`messageId`), or the thread a THREAD_CREATED message points to (`channelId` only). */
  reference?: { channelId: string; messageId?: string };
  /** Whether the message pinged @everyone / @here (bot messages: as `allowed_mentions` let it). */
  mentionEveryone?: boolean;
  /** Files on the message, in order; their bytes: `sim.attachmentData(id)`. */
  attachments?: SimAttachment[];
  /** Bot messages: the `allowed_mentions` of the last create or edit request, `null` when it sent none. */
  allowedMentions?: AllowedMentions | null;
};
/** A file on a message as the sim received it (`sha256` of the bytes, hex). */
export type SimAttachment = { id: string; filename: string; contentType: string; size: number; sha256: string; description?: string };
/** A file a scripted user uploads (an attachment option, a modal's file upload); the content type defaults from the name. */
export type SimUpload = { name: string; data: Buffer | Uint8Array | string; contentType?: string };
/** Discord's allowed mentions object, as validated. */
export type AllowedMentions = { parse?: Array<'users' | 'roles' | 'everyone'>; users?: string[] | null; roles?: string[] | null; replied_user?: boolean };
/** Who a message pings: @everyone / @here, user ids, role ids (the replied-to author among the users). */
export type Pings = { everyone: boolean; users: string[]; roles: string[] };
/** A guild channel: 0 text, 2 voice, 5 announcement, 13 stage. */
export type SimChannel = { id: string; guildId: string; name: string; type: number };
/** A message the bot crossposted (published) from an announcement channel; `at` in epoch ms. */
export type SimCrosspost = { channelId: string; messageId: string; at: number };
/**
 * A guild scheduled event as the sim holds it (times as ISO strings). `status`: 1 SCHEDULED,
 * 2 ACTIVE, 3 COMPLETED, 4 CANCELED; `entityType`: 1 STAGE_INSTANCE, 2 VOICE, 3 EXTERNAL;
 * `location` only for EXTERNAL; `subscribers`: users marked interested.
 */
export type SimScheduledEvent = {
  id: string;
  guildId: string;
  creatorId: string;
  name: string;
  description: string | null;
  scheduledStartTime: string;
  scheduledEndTime: string | null;
  status: number;
  entityType: number;
  channelId: string | null;
  location: string | null;
  subscribers: string[];
};
/** `sim.sendRate()`: how fast the bot sent, from the recorded calls (arrival times). */
export type SendRate = {
  /**
   * The most authorized requests in any sliding 1000 ms window, interaction and webhook routes
   * excluded (what Discord's global 50/s counts; 429s included). Limiters counting fixed
   * one-second windows (discord.js, the sim's `globalRateLimit`) allow up to twice the limit here.
   */
  maxPerSecondOverall: number;
  /** The most DM messages delivered (POST /channels/:dm/messages answered 2xx) in any sliding 60 s window. */
  dmMessagesPerMinuteMax: number;
  /** Calls answered 429, any scope and route, injected ones included. */
  refused429: number;
  /** DM messages delivered per recipient user id (a user missing from the map got none). */
  dmMessagesPerUser: Map<string, number>;
};
/** A thread: 11 public, 12 private (only its members and Manage Threads see it). */
export type SimThread = { id: string; guildId: string; name: string; type: number; parentId: string; ownerId: string; invitable?: boolean; members: string[] };
export type RecordedCall = {
  method: string;
  path: string;
  route: string;
  body: unknown;
  /** The files a multipart request uploaded (their bytes are on the stored message). */
  files?: Array<{ key: string; filename: string; contentType: string; size: number }>;
  status: number;
  authorized: boolean;
  at: number;
  /** The decoded `X-Audit-Log-Reason` header, when the bot sent one. */
  reason?: string;
  /** Discord's JSON error code of an error answer (50013, 50007, ...; 0 for plain HTTP errors). */
  code?: number;
  /** The rate-limit bucket the call counted against (`X-RateLimit-Bucket`). */
  bucket?: string;
  /** `X-RateLimit-Scope` of a 429: `user` (per route), `global`, or `shared` (a resource's limit). */
  scope?: 'user' | 'global' | 'shared';
};
export type RegisteredCommand = z.infer<typeof commandsBody>[number] & { id: string; application_id: string; version: string; guild_id?: string };
/**
 * An injected failure for the next matching calls. 429s carry Discord's headers (`scope`
 * defaults to `user`, or `global` with `global: true`); 403/404 answer the given JSON code with
 * Discord's message (50001 Missing Access, 50007 Cannot send messages to this user, 50013
 * Missing Permissions, 10007 Unknown Member, 10011 Unknown Role).
 */
export type FailRule = { method?: string; path: RegExp } & (
  | { status: 429; retryAfter: number; global?: boolean; scope?: 'user' | 'global' | 'shared' }
  | { status: 500 | 502 | 503 }
  | { status: 403; code: 50001 | 50007 | 50013 }
  | { status: 404; code: 10007 | 10011 }
);
/** A per-route rate limit: `limit` requests per `windowMs` in each bucket (route + top-level resource). */
export type RateLimit = { limit: number; windowMs: number };
export type InteractionHandle = {
  readonly id: string;
  readonly token: string;
  /** The message the user sees once the interaction is answered (see the module docs). */
  reply(timeoutMs?: number): Promise<SimMessage>;
  followUps(): SimMessage[];
  readonly callbacks: Array<{ type: number; data?: unknown }>;
  /** The shard ids of the gateway sessions the interaction went to. */
  readonly deliveredTo: readonly number[];
  /** True once the deadline passed unacknowledged: the user saw "The application did not respond". */
  readonly failed: boolean;
  /** The modal the bot answered with (callback type 9), once it did; rejects when it answered otherwise. */
  modal(timeoutMs?: number): Promise<SimModal>;
};
/** A modal as the bot sent it (Discord's JSON: action rows of text inputs, or labels, text displays). */
export type SimModal = { custom_id: string; title: string; components: any[] };
/**
 * What a user fills into a modal, by custom_id: text for a text input (omitted: its prefilled
 * value), option values for a string select, files for a file upload.
 */
export type ModalValues = Record<string, string | string[] | SimUpload[]>;
export type ScriptedDiscordUser = {
  /**
   * Runs `/name` (`'group sub'` words after the name select a subcommand) with options typed from
   * the registered definition. Throws if the command is not registered or hidden from this user,
   * or the options are ones the Discord client would not let a user submit. An attachment option
   * (type 11) takes a `SimUpload`: the sim keeps the bytes on its CDN and resolves the option.
   */
  slashCommand(guildId: string, name: string, options?: Record<string, OptionValue>, opts?: { channelId?: string; locale?: string }): Promise<InteractionHandle>;
  autocomplete(guildId: string, name: string, options: Record<string, OptionValue>, focused: string): Promise<Array<{ name: string; value: string | number }>>;
  /**
   * Refuses a button the message does not have, unless `forge` (to test forged payloads). Link
   * and premium buttons send no interaction: use `openLink` for a link button.
   */
  clickButton(message: SimMessage, customId: string, options?: { forge?: boolean }): Promise<InteractionHandle>;
  selectOption(message: SimMessage, customId: string, values: string[]): Promise<InteractionHandle>;
  /** Presses the link button labelled `label`: Discord opens its url and sends the bot nothing. */
  openLink(message: SimMessage, label: string): string;
  sendDm(content: string): Promise<SimMessage>;
  /**
   * Posts in a guild text channel or thread the user can see (a private thread only as a member,
   * or with Manage Threads); posting in a public thread joins it. `<@id>` in the content mentions
   * users; `replyTo` (a message in the same channel) makes it a reply, which pings the replied-to
   * author unless `mentionRepliedUser: false` (the client's "@ ON" toggle). Without the
   * MessageContent intent the bot gets it with empty content unless the bot is mentioned.
   */
  sendMessage(channelId: string, content: string, options?: { replyTo?: string; mentionRepliedUser?: boolean }): Promise<SimMessage>;
  dmMessages(): SimMessage[];
  /**
   * Fills in and submits the modal the bot answered `shownBy` with (a modal submit interaction).
   * Refuses, as the client would, a modal that is not open (never shown, already submitted or
   * dismissed, replaced by a newer one), unknown fields, and values breaking required,
   * min/max length, a short input's single line, select options or file counts.
   */
  submitModal(shownBy: InteractionHandle, values: ModalValues): Promise<InteractionHandle>;
  /** The modal open on this user's screen, if any (one at a time, as in the client). */
  openModal(): SimModal | undefined;
  /** Closes the open modal without submitting it (the bot hears nothing). */
  dismissModal(): void;
};
/** Application command, message component, autocomplete, modal submit. */
export type InteractionKind = 2 | 3 | 4 | 5;

export type DiscordSimOptions = {
  applicationId?: string;
  botToken?: string;
  /** How long an interaction may stay unacknowledged before it fails (Discord: 3000 ms). */
  interactionDeadlineMs?: number;
  heartbeatIntervalMs?: number;
  /**
   * Privileged intents enabled for the app in the developer portal (GuildMembers 1<<1,
   * GuildPresences 1<<8, MessageContent 1<<15); IDENTIFY asking for others is closed with 4014.
   * Default: all three. Without GuildMembers enabled, REST member listing answers 50001.
   */
  privilegedIntents?: number;
  /**
   * Per-route limits, keyed `'<METHOD> <route>'` as in `RecordedCall.route` (e.g.
   * `'PUT /guilds/:id/members/:id/roles/:id'`), or `'*'` for every other route. Discord's real
   * limits are mostly undocumented and change; the default (50 per second per bucket) never slows
   * a test. Documented ones are built in and win over `'*'`: crossposts, 10 an hour per channel
   * (`'POST /channels/:id/messages/:id/crosspost'`).
   */
  rateLimits?: Record<string, RateLimit>;
  /** Discord's global limit (e.g. `{ limit: 50, windowMs: 1000 }` per bot; interaction and webhook routes exempt). Off by default. */
  globalRateLimit?: RateLimit;
  /** The most bytes of files one request may upload (413 40005 above it); default 25 MiB. Also a user's upload limit. */
  uploadLimitBytes?: number;
  /** How long a signed CDN url stays valid (its `ex`); default 24 hours. 0 makes every url expired at once. */
  attachmentUrlTtlMs?: number;
  /** Sharding, as `GET /gateway/bot` reports it and IDENTIFY enforces it. */
  gateway?: GatewayLimits;
};

export type GatewayLimits = {
  /** `shards` in `GET /gateway/bot`; default 1. */
  recommendedShards?: number;
  /** Fewer shards than this closes IDENTIFY with 4011 (Discord: past 2,500 guilds a shard); default 1. */
  requiredShards?: number;
  /** Identifies per window across all connections, in buckets `shard_id % max_concurrency`; default 1. */
  maxConcurrency?: number;
  /** The identify window of one bucket; Discord's is 5 s. */
  identifyIntervalMs?: number;
  /** `session_start_limit.total`: identifies a day; default 1000. */
  sessionStartLimit?: number;
};

/** An IDENTIFY the gateway refused for breaking a limit (Discord would rate limit or reset the token). */
export type GatewayViolation = { shard: [number, number]; reason: 'identify_concurrency' | 'session_start_limit'; at: number };
