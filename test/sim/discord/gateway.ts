/**
 * The JSON WebSocket gateway: HELLO, IDENTIFY (token, intents, shard; 4004/4010/4011/4013/4014
 * closes), READY then one GUILD_CREATE per guild of the shard, heartbeats, RESUME refused (op 9).
 * Each guild's events go to the session of its shard ((guild_id >> 22) % shard_count; DMs to
 * shard 0). IDENTIFY counts against the session start limit and, per bucket `shard_id %
 * max_concurrency`, one per identify window: a faster one is refused with op 9 and recorded.
 * Events are filtered by the intents the session identified with, as Discord does (message
 * content by MESSAGE_CONTENT: see `messageCreatePayload`).
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { Intent, intentFor, PRIVILEGED_INTENTS, type Session } from './model.ts';
import { guildPayload } from './payloads.ts';
import { shardOf, type World } from './state.ts';
import { userPayload } from './wire.ts';

export class Gateway {
  private readonly server = new WebSocketServer({ noServer: true });

  constructor(private readonly world: World, http: Server) {
    http.on('upgrade', (request, socket, head) => {
      this.server.handleUpgrade(request, socket, head, (ws) => this.onConnection(ws));
    });
    world.dispatch = (event, data) => this.dispatch(event, data);
  }

  close(): void {
    for (const client of this.server.clients) client.terminate();
    this.server.close();
  }

  private onConnection(socket: WebSocket): void {
    const send = (payload: unknown) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(payload));
    send({ op: 10, d: { heartbeat_interval: this.world.heartbeatMs }, s: null, t: null });
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
      for (const session of this.world.sessions) if (session.socket === socket) this.world.sessions.delete(session);
      this.world.changed();
    });
  }

  private identify(socket: WebSocket, data: Record<string, unknown>): void {
    const world = this.world;
    if (String(data.token).replace(/^Bot /, '') !== world.botToken) {
      socket.close(4004, 'Authentication failed.');
      return;
    }
    const intents = data.intents;
    if (typeof intents !== 'number' || !Number.isInteger(intents) || intents < 0 || intents >= 1 << 26) {
      socket.close(4013, 'Invalid intent(s).');
      return;
    }
    if (intents & PRIVILEGED_INTENTS & ~world.privilegedIntents) {
      socket.close(4014, 'Disallowed intent(s).');
      return;
    }
    const shard = parseShard(data.shard);
    if (!shard) {
      socket.close(4010, 'Invalid shard.');
      return;
    }
    if (shard[1] < world.gatewayLimits.requiredShards) {
      socket.close(4011, 'Sharding required.');
      return;
    }
    if (!this.mayStartSession(socket, shard)) return;
    const session: Session = { socket, sequence: 0, ready: false, intents, shard };
    world.sessions.add(session);
    const guilds = [...world.guilds.values()].filter((guild) => shardOf(guild.id, shard[1]) === shard[0]);
    this.send(session, 'READY', {
      v: 10,
      user: { ...userPayload(world.botUser), bot: true, verified: true, mfa_enabled: false },
      guilds: guilds.map((guild) => ({ id: guild.id, unavailable: true })),
      session_id: randomBytes(16).toString('hex'),
      resume_gateway_url: world.gatewayUrl,
      shard,
      application: { id: world.applicationId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      user_settings: {},
      geo_ordered_rtc_regions: [],
    });
    for (const guild of guilds) this.send(session, 'GUILD_CREATE', guildPayload(world, guild));
    session.ready = true;
    world.changed();
  }

  /** The session start limit and the identify window of the shard's bucket. */
  private mayStartSession(socket: WebSocket, shard: [number, number]): boolean {
    const world = this.world;
    const { maxConcurrency, identifyIntervalMs } = world.gatewayLimits;
    const now = Date.now();
    if (world.sessionStartsLeft <= 0) {
      world.gatewayViolations.push({ shard, reason: 'session_start_limit', at: now });
      socket.close(4008, 'Rate limited.');
      return false;
    }
    const bucket = shard[0] % maxConcurrency;
    const previous = world.identifies.findLast((identify) => identify.shard[0] % maxConcurrency === bucket);
    if (previous && now - previous.at < identifyIntervalMs) {
      world.gatewayViolations.push({ shard, reason: 'identify_concurrency', at: now });
      socket.send(JSON.stringify({ op: 9, d: false }));
      return false;
    }
    world.sessionStartsLeft -= 1;
    world.identifies.push({ shard, at: now });
    return true;
  }

  private dispatch(event: string, payload: unknown): void {
    for (const session of this.world.sessionsFor(guildOf(event, payload))) {
      if (session.socket.readyState !== session.socket.OPEN) continue;
      let data = payload;
      const needed = intentFor(event, data);
      // GUILD_MEMBER_UPDATE for the bot itself arrives without the GuildMembers intent (gateway docs).
      const aboutBot = event === 'GUILD_MEMBER_UPDATE' && (data as { user?: { id?: string } }).user?.id === this.world.botUser.id;
      if (needed && !(session.intents & needed) && !(aboutBot && needed === Intent.GuildMembers)) continue;
      // Without GuildMembers, THREAD_MEMBERS_UPDATE only tells the bot about itself being added.
      if (event === 'THREAD_MEMBERS_UPDATE' && !(session.intents & Intent.GuildMembers)) {
        const update = data as { added_members?: Array<{ user_id: string }> };
        const added = (update.added_members ?? []).filter((member) => member.user_id === this.world.botUser.id);
        if (!added.length) continue;
        data = { ...update, added_members: added };
      }
      this.send(session, event, data);
    }
  }

  private send(session: Session, event: string, data: unknown): void {
    session.sequence += 1;
    session.socket.send(JSON.stringify({ op: 0, t: event, s: session.sequence, d: data }));
  }
}

/** `[shard_id, num_shards]`, [0, 1] when absent; undefined when malformed or out of range. */
function parseShard(value: unknown): [number, number] | undefined {
  if (value === undefined) return [0, 1];
  if (!Array.isArray(value) || value.length !== 2 || !value.every((n) => Number.isInteger(n))) return undefined;
  const [id, count] = value as [number, number];
  return count >= 1 && id >= 0 && id < count ? [id, count] : undefined;
}

/** The guild an event belongs to: `guild_id`, or the guild itself for GUILD_* lifecycle events. */
function guildOf(event: string, payload: unknown): string | undefined {
  const data = payload as { guild_id?: unknown; id?: unknown };
  if (typeof data.guild_id === 'string') return data.guild_id;
  if ((event === 'GUILD_CREATE' || event === 'GUILD_UPDATE' || event === 'GUILD_DELETE') && typeof data.id === 'string') return data.id;
  return undefined;
}
