/**
 * The JSON WebSocket gateway: HELLO, IDENTIFY (token, intents, 4004/4013/4014 closes), READY then
 * one GUILD_CREATE per guild, heartbeats, RESUME refused (op 9). Events are filtered by the
 * intents the session identified with, as Discord does (message content by MESSAGE_CONTENT: see
 * `messageCreatePayload`).
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { Intent, intentFor, PRIVILEGED_INTENTS } from './model.ts';
import { guildPayload } from './payloads.ts';
import type { World } from './state.ts';
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
      if (this.world.session?.socket === socket) this.world.session = undefined;
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
    world.session = { socket, sequence: 0, ready: false, intents };
    this.dispatch('READY', {
      v: 10,
      user: { ...userPayload(world.botUser), bot: true, verified: true, mfa_enabled: false },
      guilds: [...world.guilds.keys()].map((id) => ({ id, unavailable: true })),
      session_id: randomBytes(16).toString('hex'),
      resume_gateway_url: world.gatewayUrl,
      shard: [0, 1],
      application: { id: world.applicationId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      user_settings: {},
      geo_ordered_rtc_regions: [],
    });
    for (const guild of world.guilds.values()) this.dispatch('GUILD_CREATE', guildPayload(world, guild));
    world.session.ready = true;
    world.changed();
  }

  private dispatch(event: string, payload: unknown): void {
    const session = this.world.session;
    if (!session || session.socket.readyState !== session.socket.OPEN) return;
    let data = payload;
    const needed = intentFor(event, data);
    // GUILD_MEMBER_UPDATE for the bot itself arrives without the GuildMembers intent (gateway docs).
    const aboutBot = event === 'GUILD_MEMBER_UPDATE' && (data as { user?: { id?: string } }).user?.id === this.world.botUser.id;
    if (needed && !(session.intents & needed) && !(aboutBot && needed === Intent.GuildMembers)) return;
    // Without GuildMembers, THREAD_MEMBERS_UPDATE only tells the bot about itself being added.
    if (event === 'THREAD_MEMBERS_UPDATE' && !(session.intents & Intent.GuildMembers)) {
      const update = data as { added_members?: Array<{ user_id: string }> };
      const added = (update.added_members ?? []).filter((member) => member.user_id === this.world.botUser.id);
      if (!added.length) return;
      data = { ...update, added_members: added };
    }
    session.sequence += 1;
    session.socket.send(JSON.stringify({ op: 0, t: event, s: session.sequence, d: data }));
  }
}
