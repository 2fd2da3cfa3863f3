import { type Client, GatewayIntentBits, GuildScheduledEventEntityType, GuildScheduledEventPrivacyLevel, PermissionFlagsBits, Routes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordSim, startDiscordSim } from './index.ts';
import { ALL_TEST_INTENTS, connectClient, rejection, waitFor } from './test-client.ts';

/**
 * Guild scheduled events as the guild-scheduled-event resource documents them: create (Create
 * or Manage Events), list, get (`with_user_count`), modify (status SCHEDULED -> ACTIVE ->
 * COMPLETED, or SCHEDULED -> CANCELED; finished events answer 180000), delete (204, then
 * 10070); bodies validated into one 50035 per request, with the field requirements by entity type.
 */
const HOUR = 3_600_000;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
const BASE_PERMISSIONS = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;

describe('Discord simulator guild scheduled events', () => {
  let sim: DiscordSim;
  let client: Client;
  let guildId: string;
  let voiceId: string;
  let stageId: string;
  let member: string;
  const events = () => Routes.guildScheduledEvents(guildId);
  const external = (changes: Record<string, unknown> = {}) => ({
    name: 'Open day',
    privacy_level: 2,
    entity_type: 3,
    scheduled_start_time: at(HOUR),
    scheduled_end_time: at(2 * HOUR),
    entity_metadata: { location: 'Main hall' },
    ...changes,
  });
  const errorsOf = async (body: unknown) => ((await rejection(client.rest.post(events(), { body }))) as { rawError: { code: number; errors: any } }).rawError;

  beforeAll(async () => {
    sim = await startDiscordSim();
    const owner = sim.createUser({ username: 'owner' }).id;
    member = sim.createUser({ username: 'student' }).id;
    guildId = sim.createGuild({ name: 'Academy', ownerId: owner, botPermissions: BASE_PERMISSIONS | PermissionFlagsBits.ManageEvents }).id;
    sim.addMember(guildId, member);
    voiceId = sim.createTextChannel(guildId, 'Study room', { type: 2 }).id;
    stageId = sim.createTextChannel(guildId, 'Assembly', { type: 13 }).id;
    client = await connectClient(sim, [...ALL_TEST_INTENTS, GatewayIntentBits.GuildScheduledEvents]);
  });
  afterAll(async () => {
    await client?.destroy();
    await sim?.close();
  });

  it('creates a voice event through discord.js: the event object, GUILD_SCHEDULED_EVENT_CREATE, listed', async () => {
    const start = new Date(Date.now() + HOUR);
    const event = await client.guilds.cache.get(guildId)!.scheduledEvents.create({
      name: 'Office hours',
      description: 'Ask anything',
      scheduledStartTime: start,
      privacyLevel: GuildScheduledEventPrivacyLevel.GuildOnly,
      entityType: GuildScheduledEventEntityType.Voice,
      channel: voiceId,
    });
    expect(event).toMatchObject({ name: 'Office hours', channelId: voiceId, creatorId: sim.botUser.id, status: 1, entityType: 2, entityMetadata: null });
    expect(sim.calls.at(-1)).toMatchObject({ method: 'POST', route: '/guilds/:id/scheduled-events', status: 200 });
    const listed = (await client.rest.get(events())) as Array<Record<string, unknown>>;
    expect(listed).toEqual([
      expect.objectContaining({
        id: event.id,
        guild_id: guildId,
        channel_id: voiceId,
        creator_id: sim.botUser.id,
        description: 'Ask anything',
        scheduled_start_time: start.toISOString().replace('Z', '+00:00'),
        scheduled_end_time: null,
        privacy_level: 2,
        status: 1,
        entity_type: 2,
        entity_id: null,
        entity_metadata: null,
      }),
    ]);
    expect(listed[0]).not.toHaveProperty('user_count');
    await waitFor(() => client.guilds.cache.get(guildId)!.scheduledEvents.cache.has(event.id));
    expect(sim.scheduledEvents(guildId)).toEqual([expect.objectContaining({ id: event.id, status: 1, entityType: 2, channelId: voiceId, location: null, subscribers: [] })]);
  });

  it('counts interested members with with_user_count', async () => {
    const created = (await client.rest.post(events(), { body: external() })) as { id: string; entity_metadata: unknown; channel_id: unknown };
    expect(created).toMatchObject({ entity_metadata: { location: 'Main hall' }, channel_id: null });
    sim.subscribeToEvent(guildId, created.id, member);
    const query = new URLSearchParams({ with_user_count: 'true' });
    expect(await client.rest.get(Routes.guildScheduledEvent(guildId, created.id), { query })).toMatchObject({ id: created.id, user_count: 1 });
    expect(((await client.rest.get(events(), { query })) as Array<{ user_count: number }>).map((event) => event.user_count)).toEqual([0, 1]);
  });

  it('validates fields together in one 50035', async () => {
    const shape = await errorsOf({ name: '', privacy_level: 1, entity_type: 4, scheduled_start_time: at(HOUR), description: 'x'.repeat(1001) });
    expect(shape.code).toBe(50035);
    expect(shape.errors).toEqual({
      name: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }] },
      privacy_level: { _errors: [{ code: 'BASE_TYPE_CHOICES', message: 'Value must be one of {2}.' }] },
      entity_type: { _errors: [{ code: 'BASE_TYPE_CHOICES', message: 'Value must be one of {1, 2, 3}.' }] },
      description: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 1000 or fewer in length.' }] },
    });
    const missing = await errorsOf({ privacy_level: 2, entity_type: 3 });
    expect(Object.keys(missing.errors)).toEqual(['name', 'scheduled_start_time']);
    expect(missing.errors.name._errors[0].code).toBe('BASE_TYPE_REQUIRED');
  });

  it('requires a future ISO8601 start, and a location, an end after the start and no channel for EXTERNAL', async () => {
    expect((await errorsOf(external({ scheduled_start_time: at(-60_000) }))).errors.scheduled_start_time._errors[0]).toEqual({
      code: 'GUILD_SCHEDULED_EVENT_SCHEDULE_PAST',
      message: 'Cannot schedule event in the past.',
    });
    expect((await errorsOf(external({ scheduled_start_time: 'next tuesday' }))).errors.scheduled_start_time._errors[0].code).toBe('DATE_TIME_TYPE_PARSE');
    const bare = await errorsOf(external({ entity_metadata: undefined, scheduled_end_time: undefined, channel_id: voiceId }));
    expect(bare.errors).toEqual({
      channel_id: { _errors: [expect.objectContaining({ code: 'BASE_TYPE_INVALID' })] },
      entity_metadata: { location: { _errors: [expect.objectContaining({ code: 'BASE_TYPE_REQUIRED' })] } },
      scheduled_end_time: { _errors: [expect.objectContaining({ code: 'BASE_TYPE_REQUIRED' })] },
    });
    expect((await errorsOf(external({ scheduled_end_time: at(HOUR / 2) }))).errors.scheduled_end_time._errors[0].code).toBe('BASE_TYPE_INVALID');
    expect((await errorsOf(external({ entity_metadata: { location: 'x'.repeat(101) } }))).errors.entity_metadata.location._errors[0].code).toBe('BASE_TYPE_BAD_LENGTH');
  });

  it('needs a stage channel for STAGE_INSTANCE, a voice channel for VOICE, of this guild, and no location', async () => {
    const voiceEvent = { name: 'Talk', privacy_level: 2, scheduled_start_time: at(HOUR) };
    expect((await errorsOf({ ...voiceEvent, entity_type: 1, channel_id: voiceId })).errors).toEqual({ channel_id: { _errors: [{ code: 'BASE_TYPE_INVALID', message: 'Must be a stage channel.' }] } });
    expect((await errorsOf({ ...voiceEvent, entity_type: 2 })).errors.channel_id._errors[0].code).toBe('BASE_TYPE_REQUIRED');
    expect((await errorsOf({ ...voiceEvent, entity_type: 2, channel_id: voiceId, entity_metadata: { location: 'Room 4' } })).errors.entity_metadata._errors[0].code).toBe(
      'GUILD_SCHEDULED_EVENT_ENTITY_METADATA_UNSUPPORTED',
    );
    const elsewhere = sim.createGuild({ name: 'Other', ownerId: member }).id;
    const foreign = sim.createTextChannel(elsewhere, 'Foreign', { type: 2 }).id;
    expect(await rejection(client.rest.post(events(), { body: { ...voiceEvent, entity_type: 2, channel_id: foreign } }))).toMatchObject({ status: 404, code: 10003 });
    expect(await client.rest.post(events(), { body: { ...voiceEvent, entity_type: 1, channel_id: stageId } })).toMatchObject({ entity_type: 1, channel_id: stageId });
  });

  it('moves SCHEDULED -> ACTIVE -> COMPLETED; refuses other moves, a running event’s start, and any change once finished', async () => {
    const { id } = (await client.rest.post(events(), { body: external({ name: 'Lecture' }) })) as { id: string };
    const patch = (body: unknown) => client.rest.patch(Routes.guildScheduledEvent(guildId, id), { body });
    expect(await rejection(patch({ status: 3 }))).toMatchObject({ status: 400, rawError: { code: 50035, errors: { status: { _errors: [{ code: 'BASE_TYPE_INVALID' }] } } } });
    expect(await patch({ status: 2, name: 'Lecture (live)' })).toMatchObject({ status: 2, name: 'Lecture (live)' });
    expect(await rejection(patch({ scheduled_start_time: at(HOUR) }))).toMatchObject({
      rawError: { errors: { scheduled_start_time: { _errors: [{ code: 'GUILD_SCHEDULED_EVENT_INVALID_START_BY_STATUS' }] } } },
    });
    expect(await patch({ status: 3 })).toMatchObject({ status: 3 });
    expect(await rejection(patch({ name: 'again' }))).toMatchObject({ status: 400, rawError: { message: 'Cannot update a finished event', code: 180000 } });
    // Finished events leave the list; Get still finds them.
    expect(((await client.rest.get(events())) as Array<{ id: string }>).map((event) => event.id)).not.toContain(id);
    expect(await client.rest.get(Routes.guildScheduledEvent(guildId, id))).toMatchObject({ status: 3 });
  });

  it('cancels, edits type to EXTERNAL (channel_id null, location, end), deletes (204, then 10070)', async () => {
    const { id } = (await client.rest.post(events(), { body: { name: 'Q&A', privacy_level: 2, scheduled_start_time: at(HOUR), entity_type: 2, channel_id: voiceId } })) as { id: string };
    const url = Routes.guildScheduledEvent(guildId, id);
    expect(await rejection(client.rest.patch(url, { body: { entity_type: 3, entity_metadata: { location: 'Library' }, scheduled_end_time: at(2 * HOUR) } }))).toMatchObject({
      rawError: { errors: { channel_id: { _errors: [{ code: 'BASE_TYPE_INVALID' }] } } },
    });
    const moved = await client.rest.patch(url, { body: { entity_type: 3, channel_id: null, entity_metadata: { location: 'Library' }, scheduled_end_time: at(2 * HOUR) } });
    expect(moved).toMatchObject({ entity_type: 3, channel_id: null, entity_metadata: { location: 'Library' } });
    expect(await client.rest.patch(url, { body: { status: 4 } })).toMatchObject({ status: 4 });
    await client.rest.delete(url);
    expect(sim.calls.at(-1)).toMatchObject({ method: 'DELETE', route: '/guilds/:id/scheduled-events/:id', status: 204 });
    expect(await rejection(client.rest.get(url))).toMatchObject({ status: 404, rawError: { message: 'Unknown Guild Scheduled Event', code: 10070 } });
    expect(sim.scheduledEvents(guildId).some((event) => event.id === id)).toBe(false);
  });

  it('needs Manage Events, or Create Events for the bot’s own events (50013)', async () => {
    sim.setBotPermissions(guildId, BASE_PERMISSIONS);
    expect(await rejection(client.rest.post(events(), { body: external() }))).toMatchObject({ status: 403, code: 50013 });
    sim.setBotPermissions(guildId, BASE_PERMISSIONS | PermissionFlagsBits.CreateEvents);
    const own = (await client.rest.post(events(), { body: external() })) as { id: string };
    expect(await client.rest.patch(Routes.guildScheduledEvent(guildId, own.id), { body: { name: 'Renamed' } })).toMatchObject({ name: 'Renamed' });
    sim.setBotPermissions(guildId, BASE_PERMISSIONS | PermissionFlagsBits.ManageEvents);
  });
});

describe('Discord simulator scheduled event limit', () => {
  it('allows 100 unfinished events per guild, then answers 30038', async () => {
    const sim = await startDiscordSim({ rateLimits: { 'POST /guilds/:id/scheduled-events': { limit: 1_000, windowMs: 1_000 } } });
    try {
      const owner = sim.createUser({ username: 'owner' }).id;
      const guildId = sim.createGuild({ name: 'G', ownerId: owner, botPermissions: PermissionFlagsBits.ManageEvents }).id;
      const create = () =>
        fetch(`${sim.apiUrl}/v10/guilds/${guildId}/scheduled-events`, {
          method: 'POST',
          headers: { authorization: `Bot ${sim.botToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'e', privacy_level: 2, entity_type: 3, scheduled_start_time: at(HOUR), scheduled_end_time: at(2 * HOUR), entity_metadata: { location: 'x' } }),
        });
      const statuses = await Promise.all(Array.from({ length: 100 }, async () => (await create()).status));
      expect(statuses.every((status) => status === 200)).toBe(true);
      const refused = await create();
      expect([refused.status, await refused.json()]).toEqual([400, { message: 'Maximum number of uncompleted guild scheduled events reached (100)', code: 30038 }]);
    } finally {
      await sim.close();
    }
  });
});
