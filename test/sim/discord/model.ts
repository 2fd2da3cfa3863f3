/** Discord constants (epoch, flags, permission and intent bits) and the simulator's internal state shapes. */
import type { WebSocket } from 'ws';
import type { InteractionKind, SimGuild, SimModal, SimRole } from './types.ts';

export const EPOCH = 1_420_070_400_000n;
export const EPHEMERAL = 64;
export const LOADING = 128;
export const TOKEN_TTL_MS = 15 * 60_000;
export const Permission = {
  CreateInstantInvite: 1n << 0n,
  KickMembers: 1n << 1n,
  Administrator: 1n << 3n,
  ManageChannels: 1n << 4n,
  ManageGuild: 1n << 5n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  ManageMessages: 1n << 13n,
  EmbedLinks: 1n << 14n,
  ReadMessageHistory: 1n << 16n,
  ManageRoles: 1n << 28n,
  UseApplicationCommands: 1n << 31n,
  /** Edit and delete every scheduled event (and create them). */
  ManageEvents: 1n << 33n,
  ManageThreads: 1n << 34n,
  CreatePublicThreads: 1n << 35n,
  CreatePrivateThreads: 1n << 36n,
  SendMessagesInThreads: 1n << 38n,
  /** Create scheduled events, and edit and delete the ones the user created. */
  CreateEvents: 1n << 44n,
} as const;
export const ALL_PERMISSIONS = (1n << 51n) - 1n;
/** Gateway intents the simulator filters events by. */
export const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
  GuildScheduledEvents: 1 << 16,
} as const;
export const PRIVILEGED_INTENTS = Intent.GuildMembers | Intent.GuildPresences | Intent.MessageContent;
/**
 * The intent an event needs (READY and INTERACTION_CREATE need none). THREAD_MEMBERS_UPDATE is a
 * Guilds event, but about other users only with GuildMembers too (the gateway filters it).
 */
export function intentFor(event: string, data: unknown): number {
  if (event.startsWith('GUILD_MEMBER_')) return Intent.GuildMembers;
  if (event.startsWith('GUILD_SCHEDULED_EVENT_')) return Intent.GuildScheduledEvents;
  if (event.startsWith('GUILD_') || event.startsWith('CHANNEL_') || event.startsWith('THREAD_')) return Intent.Guilds;
  if (event === 'MESSAGE_CREATE' || event === 'MESSAGE_UPDATE') return (data as { guild_id?: string }).guild_id ? Intent.GuildMessages : Intent.DirectMessages;
  return 0;
}
export const EVERYONE_PERMISSIONS =
  Permission.CreateInstantInvite | Permission.ViewChannel | Permission.SendMessages | Permission.EmbedLinks |
  Permission.ReadMessageHistory | Permission.UseApplicationCommands | Permission.SendMessagesInThreads;
export const DEFAULT_BOT_PERMISSIONS =
  Permission.ViewChannel | Permission.SendMessages | Permission.EmbedLinks | Permission.ManageRoles | Permission.CreatePublicThreads |
  Permission.CreatePrivateThreads;
/** Channel types the simulator has: guild text, DM, voice, announcement, the three thread types, stage. */
export const ChannelKind = { Text: 0, Dm: 1, Voice: 2, Announcement: 5, AnnouncementThread: 10, PublicThread: 11, PrivateThread: 12, Stage: 13 } as const;
/** The guild channels a test can create (`sim.createTextChannel(..., { type })`). */
export type GuildChannelType = typeof ChannelKind.Text | typeof ChannelKind.Voice | typeof ChannelKind.Announcement | typeof ChannelKind.Stage;

export type Role = SimRole & { color: number };
export type Member = { roles: string[]; joinedAt: string };
export type Channel = { id: string; type: number; guild_id?: string; name?: string; recipients?: string[]; parent_id?: string | null };
/** What a thread has beyond its channel (kept in `World.threads` by the thread's id). */
export type Thread = {
  ownerId: string;
  autoArchiveDuration: number;
  /** Slowmode seconds (bots are exempt; the simulator does not hold members to it). */
  rateLimitPerUser: number;
  /** Private threads only: whether non-moderators may add other non-moderators. */
  invitable?: boolean;
  createdAt: string;
  /** Members by user id, with the time they joined. */
  members: Map<string, string>;
};
/** A guild scheduled event (`World.scheduledEvents`); times in epoch ms. */
export type ScheduledEvent = {
  id: string;
  guildId: string;
  creatorId: string;
  name: string;
  description: string | null;
  startMs: number;
  endMs: number | null;
  /** 1 SCHEDULED, 2 ACTIVE, 3 COMPLETED, 4 CANCELED. */
  status: number;
  /** 1 STAGE_INSTANCE, 2 VOICE, 3 EXTERNAL. */
  entityType: number;
  channelId: string | null;
  location: string | null;
  /** Users who marked themselves interested (`user_count`). */
  subscribers: Set<string>;
};
export type Guild = SimGuild & { preferredLocale: string; roles: Map<string, Role>; members: Map<string, Member>; channels: string[]; commandOverrides: Set<string> };
/** One gateway connection: shard `shard[0]` of `shard[1]`. */
export type Session = { socket: WebSocket; sequence: number; ready: boolean; intents: number; shard: [number, number] };
export type Interaction = {
  id: string;
  token: string;
  kind: InteractionKind;
  userId: string;
  channelId: string;
  guildId?: string;
  componentMessageId?: string;
  createdAt: number;
  /** The shard ids of the sessions INTERACTION_CREATE went to (one, unless a shard runs twice). */
  deliveredTo: number[];
  failed: boolean;
  acknowledged: boolean;
  responseMessageId?: string;
  /** Edits of the original message seen at acknowledgement; reply() waits for one more. */
  originalEdited: boolean;
  followUps: string[];
  callbacks: Array<{ type: number; data?: unknown }>;
  choices?: Array<{ name: string; value: string | number }>;
  /** For autocomplete: the focused option's type, which the choice values must match. */
  focusedType?: number;
  modal?: SimModal;
  deadline: NodeJS.Timeout;
};
/**
 * A file on the sim's CDN: a message attachment (`/attachments/<channel>/<id>/<name>`) or one a
 * user uploaded for a command option or modal (`/ephemeral-attachments/...`).
 */
export type StoredFile = { id: string; channelId: string; filename: string; contentType: string; data: Buffer; sha256: string; ephemeral: boolean; path: string };
