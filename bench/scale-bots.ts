/**
 * bench:scale, bots role (run through bench/scale.ts): N `bots` processes sharing the Discord
 * simulator's 4 shards, driven by scripted members sending `/courses`. Each member waits
 * MEMBER_GAP_MS between their own commands, under Lyceum's per-member limit (8 uses of a command
 * in 20 s), so "slow down" replies mean the run is invalid; they are counted, with timeouts and
 * any other reply, and the time the generator waited for a rested member.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { members, memberships, platformIdentities, platformSpaces } from '../core/db/schema/index.ts';
import { seedDemoCommunity } from '../core/seed/seed-demo.ts';
import { type DiscordSim, type SimMessage, startDiscordSim } from '../test/sim/discord/index.ts';
import type { Child, RoleResult, Row, ScaleContext } from './scale.ts';

const SHARDS = 4;
const guildCount = Math.max(SHARDS, Math.round(Number(process.env.GUILDS ?? 200) / SHARDS) * SHARDS);
const membersPerGuild = Number(process.env.MEMBERS_PER_GUILD ?? 12);
const memberGapMs = Number(process.env.MEMBER_GAP_MS ?? 3_000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The shards of process `index` of `count`: contiguous blocks, as even as the division allows. */
const shardsOf = (index: number, count: number) => Array.from({ length: SHARDS }, (_, shard) => shard).filter((shard) => Math.floor((shard * count) / SHARDS) === index);

type Member = { userId: string; guildId: string };

/** Guilds spread evenly over the shards (a guild's shard is its creation millisecond mod 4), each with its members, linked to the demo community. */
async function seedWorld(context: ScaleContext, sim: DiscordSim): Promise<{ guildIds: string[]; people: Member[] }> {
  const { db } = context;
  const { communityId } = await seedDemoCommunity(db, new Date());
  const owner = sim.createUser({ username: 'owner' }).id;
  const perShard = new Map<number, string[]>();
  const guildIds: string[] = [];
  while (guildIds.length < guildCount) {
    const guild = sim.createGuild({ name: `Guild ${guildIds.length}`, ownerId: owner });
    const shard = sim.shardOf(guild.id, SHARDS);
    const ids = perShard.get(shard) ?? [];
    // A surplus guild stays empty and unlinked: the bot sees it, nobody uses it.
    if (ids.length < guildCount / SHARDS) {
      ids.push(guild.id);
      perShard.set(shard, ids);
      guildIds.push(guild.id);
    }
    await sleep(1);
  }
  await db.insert(platformSpaces).values(guildIds.map((externalId) => ({ communityId, platform: 'discord' as const, kind: 'discord_guild' as const, externalId })));
  // Guild by guild in turn (not all of one guild first), so every shard carries the load at once.
  const people: Member[] = [];
  for (let index = 0; index < membersPerGuild; index += 1) {
    for (const guildId of guildIds) {
      const user = sim.createUser({ username: `m${people.length}` });
      sim.addMember(guildId, user.id);
      people.push({ userId: user.id, guildId });
    }
  }
  // Returning members (identity, membership) so the measured commands read rather than create them.
  for (let start = 0; start < people.length; start += 1_000) {
    const chunk = people.slice(start, start + 1_000);
    const rows = await db.insert(members).values(chunk.map((_, index) => ({ displayName: `m${start + index}` }))).returning({ id: members.id });
    await db.insert(platformIdentities).values(rows.map((row, index) => ({ memberId: row.id, platform: 'discord' as const, platformUserId: chunk[index]!.userId, username: `m${start + index}`, activeCommunityId: communityId, lastSeenAt: new Date() })));
    await db.insert(memberships).values(rows.map((row) => ({ communityId, memberId: row.id })));
  }
  return { guildIds, people };
}

const classify = (reply: SimMessage): 'ok' | 'slowDown' | 'other' => {
  if (reply.embeds[0]?.title === 'Courses') return 'ok';
  return JSON.stringify(reply).includes('Slow down') ? 'slowDown' : 'other';
};

export async function scaleBots(context: ScaleContext): Promise<RoleResult> {
  const { durationS, warmupS, inFlight, counts } = context.knobs;
  const sim = await startDiscordSim({ gateway: { recommendedShards: SHARDS, maxConcurrency: SHARDS, identifyIntervalMs: 1_000 } });
  try {
    const { guildIds, people } = await seedWorld(context, sim);
    const lastUse = new Map<string, number>();
    let next = 0;
    const rows: Row[] = [];
    for (const processes of counts) {
      await context.stopAll();
      await until(() => sim.connectedShards().length === 0, 30_000, 'the previous shards to disconnect');
      const running: Child[] = [];
      for (let index = 0; index < processes; index += 1) {
        const ids = shardsOf(index, processes);
        if (!ids.length) continue;
        running.push(
          context.start('bots', `bots-${processes}-${index}`, {
            DISCORD_TOKEN: sim.botToken,
            DISCORD_APP_ID: sim.applicationId,
            DISCORD_API_URL: sim.apiUrl,
            DISCORD_SHARDS: String(SHARDS),
            DISCORD_SHARD_IDS: ids.join(','),
          }),
        );
      }
      await Promise.all(running.map((run) => run.waitFor('connected to Discord', 120_000)));
      await until(() => sim.connectedShards().join() === '0,1,2,3', 60_000, 'all four shards');
      await until(() => guildIds.every((id) => sim.commands(id).some((command) => command.name === 'courses')), 120_000, 'every guild to have its commands');
      await context.db.execute(sql`update platform_identities set last_seen_at = now() where platform = 'discord'`);

      const counted = { ok: 0, slowDown: 0, other: 0, failed: 0 };
      let waitedMs = 0;
      const latencies: number[] = [];
      const windowStart = performance.now() + warmupS * 1000;
      const end = windowStart + durationS * 1000;
      const cpu = context.measureCpu(Date.now() + warmupS * 1000, Date.now() + (warmupS + durationS) * 1000);
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (performance.now() < end) {
            const member = people[next % people.length]!;
            next += 1;
            const rested = (lastUse.get(member.userId) ?? 0) + memberGapMs - performance.now();
            if (rested > 0) {
              if (performance.now() >= windowStart) waitedMs += rested;
              await sleep(rested);
            }
            if (performance.now() >= end) break;
            lastUse.set(member.userId, performance.now());
            const sent = performance.now();
            let kind: keyof typeof counted;
            try {
              kind = classify(await (await sim.user(member.userId).slashCommand(member.guildId, 'courses')).reply(10_000));
            } catch {
              kind = 'failed';
            }
            const answered = performance.now();
            if (answered < windowStart || answered > end) continue;
            counted[kind] += 1;
            if (kind === 'ok') latencies.push(answered - sent);
          }
        }),
      );
      const problems = [
        ...(counted.slowDown ? [`${counted.slowDown} "slow down" replies: INVALID`] : []),
        ...(counted.failed ? [`${counted.failed} unanswered in 10 s`] : []),
        ...(counted.other ? [`${counted.other} other replies`] : []),
        ...(waitedMs > 1000 * inFlight ? [`waited ${(waitedMs / 1000).toFixed(1)} slot-s for rested members: add GUILDS or MEMBERS_PER_GUILD`] : []),
      ];
      rows.push({ processes, seconds: durationS, latencies, problems, cpu: await cpu });
      console.log(`  bots x${processes}: ${latencies.length} commands in ${durationS} s${problems.length ? ` (${problems.join(', ')})` : ''}`);
    }
    await context.stopAll();
    const title = `bots: /courses through the Discord simulator (${SHARDS} shards, ${guildCount} guilds, ${people.length} members, ${inFlight} in flight, ${durationS} s), sent -> reply recorded`;
    return { role: 'bots', title, rows };
  } finally {
    await context.stopAll();
    await sim.close();
  }
}
