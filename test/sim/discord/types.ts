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
};
export type RecordedCall = { method: string; path: string; route: string; body: unknown; status: number; authorized: boolean; at: number };
export type RegisteredCommand = z.infer<typeof commandsBody>[number] & { id: string; application_id: string; version: string; guild_id?: string };
export type FailRule = { method?: string; path: RegExp } & (
  | { status: 429; retryAfter: number; global?: boolean }
  | { status: 500 | 502 | 503 }
  | { status: 403; code: 50013 }
);
export type InteractionHandle = {
  readonly id: string;
  readonly token: string;
  /** The message the user sees once the interaction is answered (see the module docs). */
  reply(timeoutMs?: number): Promise<SimMessage>;
  followUps(): SimMessage[];
  readonly callbacks: Array<{ type: number; data?: unknown }>;
  /** True once the deadline passed unacknowledged: the user saw "The application did not respond". */
  readonly failed: boolean;
};
export type ModalValues = Record<string, string>;
export type ScriptedDiscordUser = {
  /**
   * Runs `/name` (`'group sub'` words after the name select a subcommand) with options typed from
   * the registered definition. Throws if the command is not registered or hidden from this user,
   * or the options are ones the Discord client would not let a user submit.
   */
  slashCommand(guildId: string, name: string, options?: Record<string, OptionValue>, opts?: { channelId?: string; locale?: string }): Promise<InteractionHandle>;
  autocomplete(guildId: string, name: string, options: Record<string, OptionValue>, focused: string): Promise<Array<{ name: string; value: string | number }>>;
  /** Refuses a button the message does not have, unless `forge` (to test forged payloads). */
  clickButton(message: SimMessage, customId: string, options?: { forge?: boolean }): Promise<InteractionHandle>;
  selectOption(message: SimMessage, customId: string, values: string[]): Promise<InteractionHandle>;
  sendDm(content: string): Promise<SimMessage>;
  dmMessages(): SimMessage[];
  /** Fills in and submits the modal the bot answered `shownBy` with (a modal submit interaction). */
  submitModal(shownBy: InteractionHandle, values: ModalValues): Promise<InteractionHandle>;
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
   * Default: all three.
   */
  privilegedIntents?: number;
};
