import { createHash } from 'node:crypto';
import { type Client, Events, type Guild, Routes } from 'discord.js';
import type { BotContext } from './context.ts';
import { guildCommands } from './command-definitions.ts';
import type { RedisConnection } from '../../workers/redis.ts';

/**
 * Which guilds already have this version of the commands, shared by every bots process: a
 * restart, or a shard moving to another process, registers nothing again; new definitions (a
 * new version) or the bot rejoining a guild do.
 */
export type RegistrationMarks = {
  /**
   * True when the caller should register: no process holds this version for the guild, done or
   * in progress. The claim is a lease until `confirm`: a process killed mid-registration does not
   * leave the guild without its commands for good.
   */
  claim(guildId: string, version: string): Promise<boolean>;
  /** The registration went through: the version is the guild's until new definitions. */
  confirm(guildId: string, version: string): Promise<void>;
  /** Gives a failed claim back, so the next start tries again. */
  release(guildId: string, version: string): Promise<void>;
  forget(guildId: string): Promise<void>;
};

/** Longer than a registration takes, even waiting out the route's rate limit behind others. */
const CLAIM_LEASE_MS = 5 * 60_000;

// Claims atomically, so of two processes claiming at once only one registers.
const CLAIM = `local current = redis.call('get', KEYS[1])
if current == ARGV[1] or current == 'pending:' .. ARGV[1] then return 0 end
redis.call('set', KEYS[1], 'pending:' .. ARGV[1], 'PX', ARGV[2])
return 1`;
const RELEASE = "if redis.call('get', KEYS[1]) == 'pending:' .. ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

export function redisRegistrationMarks(redis: RedisConnection, prefix: string, leaseMs = CLAIM_LEASE_MS): RegistrationMarks {
  const key = (guildId: string) => `${prefix}:discord:commands:${guildId}`;
  return {
    claim: async (guildId, version) => (await redis.eval(CLAIM, 1, key(guildId), version, leaseMs)) === 1,
    confirm: async (guildId, version) => {
      await redis.set(key(guildId), version);
    },
    release: async (guildId, version) => {
      await redis.eval(RELEASE, 1, key(guildId), version);
    },
    forget: async (guildId) => {
      await redis.del(key(guildId));
    },
  };
}

/** Without shared marks (one process, tests): every start registers, as a bulk overwrite allows. */
const alwaysRegister: RegistrationMarks = { claim: async () => true, confirm: async () => {}, release: async () => {}, forget: async () => {} };

export const commandsVersion = createHash('sha256').update(JSON.stringify(guildCommands)).digest('hex').slice(0, 16);

/**
 * Registers the slash commands in every guild the bot joins (a bulk overwrite: idempotent), once
 * per version across the deployment. Returns the registration of the guilds already present at
 * start, for the ready step.
 */
export function mountCommandRegistration(
  client: Client,
  context: BotContext,
  applicationId: string,
  marks: RegistrationMarks = alwaysRegister,
): (guild: Guild) => Promise<void> {
  const register = async (guild: Guild) => {
    try {
      if (!(await marks.claim(guild.id, commandsVersion))) return;
    } catch (error) {
      context.log.error({ err: error, guildId: guild.id }, 'could not check the guild commands registration; registering anyway');
    }
    try {
      await client.rest.put(Routes.applicationGuildCommands(applicationId, guild.id), { body: guildCommands });
    } catch (error) {
      // Typically 50001 Missing Access: the bot was invited without the applications.commands scope.
      context.log.error({ err: error, guildId: guild.id }, 'could not register guild commands');
      await marks.release(guild.id, commandsVersion).catch(() => {});
      return;
    }
    context.log.info({ guildId: guild.id }, 'registered guild commands');
    // Unconfirmed, the lease runs out and the next start registers once more: harmless.
    await marks.confirm(guild.id, commandsVersion).catch((error: unknown) => context.log.warn({ err: error, guildId: guild.id }, 'could not record the guild commands registration'));
  };
  client.on(Events.GuildCreate, (guild) => void register(guild));
  // Removed from the guild (not an outage): its commands go with it, so a re-invite registers again.
  client.on(Events.GuildDelete, (guild) => void marks.forget(guild.id).catch(() => {}));
  return register;
}
