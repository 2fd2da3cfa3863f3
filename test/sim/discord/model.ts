/** Discord constants (epoch, flags, permission and intent bits) and the simulator's internal state shapes. */
import type { WebSocket } from 'ws';
import type { InteractionKind, SimGuild, SimRole } from './types.ts';

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
  EmbedLinks: 1n << 14n,
  ReadMessageHistory: 1n << 16n,
  ManageRoles: 1n << 28n,
  UseApplicationCommands: 1n << 31n,
  CreatePublicThreads: 1n << 35n,
  SendMessagesInThreads: 1n << 38n,
} as const;
export const ALL_PERMISSIONS = (1n << 51n) - 1n;
/** Gateway intents the simulator filters events by. */
export const Intent = { Guilds: 1 << 0, GuildMembers: 1 << 1, GuildPresences: 1 << 8, GuildMessages: 1 << 9, DirectMessages: 1 << 12, MessageContent: 1 << 15 } as const;
export const PRIVILEGED_INTENTS = Intent.GuildMembers | Intent.GuildPresences | Intent.MessageContent;
/** The intent an event needs (READY and INTERACTION_CREATE need none). */
export function intentFor(event: string, data: unknown): number {
  if (event.startsWith('GUILD_MEMBER_')) return Intent.GuildMembers;
  if (event.startsWith('GUILD_')) return Intent.Guilds;
  if (event === 'MESSAGE_CREATE') return (data as { guild_id?: string }).guild_id ? Intent.GuildMessages : Intent.DirectMessages;
  return 0;
}
export const EVERYONE_PERMISSIONS =
  Permission.CreateInstantInvite | Permission.ViewChannel | Permission.SendMessages | Permission.EmbedLinks |
  Permission.ReadMessageHistory | Permission.UseApplicationCommands | Permission.SendMessagesInThreads;
export const DEFAULT_BOT_PERMISSIONS =
  Permission.ViewChannel | Permission.SendMessages | Permission.EmbedLinks | Permission.ManageRoles | Permission.CreatePublicThreads;

export type Role = SimRole & { color: number };
export type Member = { roles: string[]; joinedAt: string };
export type Channel = { id: string; type: number; guild_id?: string; name?: string; recipients?: string[]; parent_id?: string | null };
export type Guild = SimGuild & { preferredLocale: string; roles: Map<string, Role>; members: Map<string, Member>; channels: string[]; commandOverrides: Set<string> };
export type Session = { socket: WebSocket; sequence: number; ready: boolean; intents: number };
export type Interaction = {
  id: string;
  token: string;
  kind: InteractionKind;
  userId: string;
  channelId: string;
  guildId?: string;
  componentMessageId?: string;
  createdAt: number;
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
  modal?: { custom_id: string; title: string; components: Array<{ components: Array<{ custom_id: string; required?: boolean }> }> };
  deadline: NodeJS.Timeout;
};
