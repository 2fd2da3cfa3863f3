/**
 * Guild scheduled events, as the guild-scheduled-event resource describes them. Creating one
 * needs Create Events or Manage Events; editing and deleting need Manage Events, or Create Events
 * for the bot's own events (50013 otherwise; channel permissions are not simulated). Bodies are
 * validated like Discord's, every problem at once in a 50035: name 1-100, description up to
 * 1000, privacy_level 2, entity_type 1/2/3, ISO8601 times (GUILD_SCHEDULED_EVENT_SCHEDULE_PAST
 * for a start not in the future), and the field requirements by entity type: STAGE_INSTANCE and
 * VOICE need a stage (13) or voice (2) channel of the guild and no location
 * (GUILD_SCHEDULED_EVENT_ENTITY_METADATA_UNSUPPORTED); EXTERNAL needs channel_id null, a location
 * and an end after the start. Status moves SCHEDULED -> ACTIVE or CANCELED, ACTIVE -> COMPLETED;
 * a finished event answers 180000, a running one refuses a new start
 * (GUILD_SCHEDULED_EVENT_INVALID_START_BY_STATUS). At most 100 unfinished events (30038).
 * Where Discord's exact code is unknown (wrong channel type, end before start, a bad status
 * move, a channel on an external event) the sim answers BASE_TYPE_INVALID with a plain message.
 */
import { z } from 'zod';
import { choices, coded } from './form-errors.ts';
import { ChannelKind, type Guild, Permission, type ScheduledEvent } from './model.ts';
import type { World } from './state.ts';
import type { SimScheduledEvent } from './types.ts';
import { ApiError, type FormFailure, formFailures, missingPermissions, parseOr, userPayload } from './wire.ts';

export const EventStatus = { Scheduled: 1, Active: 2, Completed: 3, Canceled: 4 } as const;
export const EntityType = { StageInstance: 1, Voice: 2, External: 3 } as const;
const MAX_UNFINISHED = 100;
/** The statuses an event may move to from each unfinished status (staying put is no move). */
const NEXT_STATUS: Record<number, number[]> = { 1: [1, 2, 4], 2: [2, 3] };
const STATUS_NAMES = ['', 'SCHEDULED', 'ACTIVE', 'COMPLETED', 'CANCELED'];
const LENGTH_1_100 = coded('BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
const ISO8601 = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;

const fields = {
  name: z.string().min(1, LENGTH_1_100).max(100, LENGTH_1_100),
  description: z.string().max(1000, 'BASE_TYPE_MAX_LENGTH').nullable().optional(),
  privacy_level: choices([2]),
  scheduled_start_time: z.string(),
  scheduled_end_time: z.string().nullable().optional(),
  entity_type: choices([1, 2, 3]),
  channel_id: z.string().nullable().optional(),
  entity_metadata: z.object({ location: z.string().min(1, LENGTH_1_100).max(100, LENGTH_1_100).optional() }).nullable().optional(),
  image: z.string().nullable().optional(),
  recurrence_rule: z.unknown().optional(),
};
/** Create Guild Scheduled Event's JSON params (unknown keys are ignored, as Discord ignores them). */
export const createEventBody = z.object(fields);
/** Modify Guild Scheduled Event's: every field optional, plus `status`. */
export const modifyEventBody = z.object({ ...fields, status: choices([1, 2, 3, 4]) }).partial();
type EventFields = Pick<ScheduledEvent, 'entityType' | 'channelId' | 'location' | 'startMs' | 'endMs'>;

const unknownEvent = () => new ApiError(404, { message: 'Unknown Guild Scheduled Event', code: 10070 });
const invalid = (path: string[], message: string): FormFailure => ({ path, code: 'BASE_TYPE_INVALID', message });

/** Epoch ms of an ISO8601 timestamp (no zone means UTC), or a DATE_TIME_TYPE_PARSE problem. */
function parseTime(value: string, field: string, problems: FormFailure[]): number {
  const zoned = (/(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`).replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = ISO8601.test(value) ? Date.parse(zoned) : Number.NaN;
  if (Number.isNaN(ms)) problems.push({ path: [field], code: 'DATE_TIME_TYPE_PARSE', message: `Could not parse ${value}. Should be ISO8601.` });
  return ms;
}

/** The field requirements by entity type, checked on the event as it would be after the request. */
function checkEntity(world: World, guild: Guild, event: EventFields, locationSent: boolean, problems: FormFailure[]): void {
  if (!Number.isNaN(event.startMs) && event.endMs !== null && !Number.isNaN(event.endMs) && event.endMs <= event.startMs) {
    problems.push(invalid(['scheduled_end_time'], 'The end time must be after the start time.'));
  }
  if (event.entityType === EntityType.External) {
    if (event.channelId !== null) problems.push(invalid(['channel_id'], 'Must be null for an EXTERNAL event.'));
    if (!event.location) problems.push({ path: ['entity_metadata', 'location'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
    if (event.endMs === null) problems.push({ path: ['scheduled_end_time'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
    return;
  }
  if (locationSent) problems.push({ path: ['entity_metadata'], code: 'GUILD_SCHEDULED_EVENT_ENTITY_METADATA_UNSUPPORTED', message: 'Entity metadata is not supported for this entity type.' });
  if (event.channelId === null) {
    problems.push({ path: ['channel_id'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
    return;
  }
  const channel = world.channels.get(event.channelId);
  if (channel?.guild_id !== guild.id) throw new ApiError(404, { message: 'Unknown Channel', code: 10003 });
  const stage = event.entityType === EntityType.StageInstance;
  if (channel.type !== (stage ? ChannelKind.Stage : ChannelKind.Voice)) problems.push(invalid(['channel_id'], `Must be a ${stage ? 'stage' : 'voice'} channel.`));
}

/** POST /guilds/:guild/scheduled-events: a SCHEDULED event created by the bot (GUILD_SCHEDULED_EVENT_CREATE). */
export function createEvent(world: World, guildId: string, body: unknown): ScheduledEvent {
  const guild = world.guild(guildId, 10004);
  if (!world.botCan(guild, Permission.CreateEvents | Permission.ManageEvents)) throw missingPermissions();
  const data = parseOr(createEventBody, body ?? {});
  const unfinished = [...world.scheduledEvents.values()].filter((event) => event.guildId === guild.id && event.status <= EventStatus.Active);
  if (unfinished.length >= MAX_UNFINISHED) throw new ApiError(400, { message: 'Maximum number of uncompleted guild scheduled events reached (100)', code: 30038 });
  const problems: FormFailure[] = [];
  const startMs = parseTime(data.scheduled_start_time, 'scheduled_start_time', problems);
  if (startMs <= Date.now()) problems.push({ path: ['scheduled_start_time'], code: 'GUILD_SCHEDULED_EVENT_SCHEDULE_PAST', message: 'Cannot schedule event in the past.' });
  const endMs = data.scheduled_end_time ? parseTime(data.scheduled_end_time, 'scheduled_end_time', problems) : null;
  const location = data.entity_metadata?.location ?? null;
  const fields: EventFields = { entityType: data.entity_type, channelId: data.channel_id ?? null, location, startMs, endMs };
  checkEntity(world, guild, fields, location !== null, problems);
  if (problems.length) throw formFailures(problems);
  const event: ScheduledEvent = {
    id: world.snowflake(),
    guildId: guild.id,
    creatorId: world.botUser.id,
    name: data.name,
    description: data.description || null,
    status: EventStatus.Scheduled,
    subscribers: new Set(),
    ...fields,
    location: fields.entityType === EntityType.External ? location : null,
  };
  world.scheduledEvents.set(event.id, event);
  world.dispatch('GUILD_SCHEDULED_EVENT_CREATE', eventPayload(world, event));
  world.changed();
  return event;
}

/** The guild's event, or 10070 (also for another guild's event). */
export function eventIn(world: World, guildId: string, eventId: string): ScheduledEvent {
  world.guild(guildId, 10004);
  const event = world.scheduledEvents.get(eventId);
  if (event?.guildId !== guildId) throw unknownEvent();
  return event;
}

/** An event the bot may edit or delete: Manage Events, or Create Events on one it created. */
function manageable(world: World, guildId: string, eventId: string): ScheduledEvent {
  const guild = world.guild(guildId, 10004);
  const event = eventIn(world, guildId, eventId);
  const own = event.creatorId === world.botUser.id && world.botCan(guild, Permission.CreateEvents);
  if (!own && !world.botCan(guild, Permission.ManageEvents)) throw missingPermissions();
  return event;
}

/** PATCH /guilds/:guild/scheduled-events/:event (GUILD_SCHEDULED_EVENT_UPDATE). */
export function modifyEvent(world: World, guildId: string, eventId: string, body: unknown): ScheduledEvent {
  const event = manageable(world, guildId, eventId);
  if (event.status >= EventStatus.Completed) throw new ApiError(400, { message: 'Cannot update a finished event', code: 180000 });
  const data = parseOr(modifyEventBody, body ?? {});
  const problems: FormFailure[] = [];
  const next: ScheduledEvent = { ...event };
  if (data.name !== undefined) next.name = data.name;
  if (data.description !== undefined) next.description = data.description || null;
  if (data.entity_type !== undefined) next.entityType = data.entity_type;
  if (data.channel_id !== undefined) next.channelId = data.channel_id;
  if (data.entity_metadata !== undefined) next.location = data.entity_metadata?.location ?? null;
  if (data.scheduled_start_time !== undefined) {
    // Discord refuses any start on a running event, changed or not.
    if (event.status === EventStatus.Active) {
      problems.push({ path: ['scheduled_start_time'], code: 'GUILD_SCHEDULED_EVENT_INVALID_START_BY_STATUS', message: 'Cannot change the start time of an active event.' });
    } else {
      next.startMs = parseTime(data.scheduled_start_time, 'scheduled_start_time', problems);
      if (next.startMs <= Date.now()) problems.push({ path: ['scheduled_start_time'], code: 'GUILD_SCHEDULED_EVENT_SCHEDULE_PAST', message: 'Cannot schedule event in the past.' });
    }
  }
  if (data.scheduled_end_time !== undefined) next.endMs = data.scheduled_end_time === null ? null : parseTime(data.scheduled_end_time, 'scheduled_end_time', problems);
  if (data.status !== undefined && !NEXT_STATUS[event.status]!.includes(data.status)) {
    problems.push(invalid(['status'], `Cannot move an event from ${STATUS_NAMES[event.status]} to ${STATUS_NAMES[data.status]}.`));
  } else if (data.status !== undefined) next.status = data.status;
  checkEntity(world, world.guild(guildId), next, Boolean(data.entity_metadata?.location), problems);
  if (problems.length) throw formFailures(problems);
  // Moving off EXTERNAL drops the location.
  if (next.entityType !== EntityType.External) next.location = null;
  Object.assign(event, next);
  world.dispatch('GUILD_SCHEDULED_EVENT_UPDATE', eventPayload(world, event));
  world.changed();
  return event;
}

/** DELETE /guilds/:guild/scheduled-events/:event (GUILD_SCHEDULED_EVENT_DELETE with the event). */
export function deleteEvent(world: World, guildId: string, eventId: string): void {
  const event = manageable(world, guildId, eventId);
  world.scheduledEvents.delete(event.id);
  world.dispatch('GUILD_SCHEDULED_EVENT_DELETE', eventPayload(world, event));
  world.changed();
}

/** A member marks themselves interested (GUILD_SCHEDULED_EVENT_USER_ADD); it counts in `user_count`. */
export function subscribe(world: World, guildId: string, eventId: string, userId: string): void {
  const event = world.scheduledEvents.get(eventId);
  if (event?.guildId !== guildId) throw new Error(`discord sim: no scheduled event ${eventId} in guild ${guildId}`);
  if (!world.guild(guildId).members.has(userId)) throw new Error(`discord sim: ${userId} is not a member of guild ${guildId}`);
  if (event.subscribers.has(userId)) return;
  event.subscribers.add(userId);
  world.dispatch('GUILD_SCHEDULED_EVENT_USER_ADD', { guild_scheduled_event_id: event.id, user_id: userId, guild_id: guildId });
  world.changed();
}

/** Discord's timestamps on events: `2030-01-01T18:00:00+00:00`. */
const timestamp = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');

/** A guild scheduled event object; `withUserCount` adds `user_count` (`?with_user_count=true`). */
export function eventPayload(world: World, event: ScheduledEvent, withUserCount = false): Record<string, unknown> {
  const creator = event.creatorId === world.botUser.id ? { ...userPayload(world.botUser), bot: true } : userPayload(world.user2(event.creatorId));
  return {
    id: event.id,
    guild_id: event.guildId,
    channel_id: event.channelId,
    creator_id: event.creatorId,
    creator,
    name: event.name,
    description: event.description,
    scheduled_start_time: timestamp(event.startMs),
    scheduled_end_time: event.endMs === null ? null : timestamp(event.endMs),
    privacy_level: 2,
    status: event.status,
    entity_type: event.entityType,
    entity_id: null,
    entity_metadata: event.entityType === EntityType.External ? { location: event.location } : null,
    image: null,
    recurrence_rule: null,
    ...(withUserCount ? { user_count: event.subscribers.size } : {}),
  };
}

/** What List Scheduled Events answers and GUILD_CREATE carries: the unfinished events, oldest first. */
export function guildEventPayloads(world: World, guildId: string, withUserCount = false): Record<string, unknown>[] {
  return [...world.scheduledEvents.values()]
    .filter((event) => event.guildId === guildId && event.status <= EventStatus.Active)
    .map((event) => eventPayload(world, event, withUserCount));
}

export function publicEvent(event: ScheduledEvent): SimScheduledEvent {
  return {
    id: event.id,
    guildId: event.guildId,
    creatorId: event.creatorId,
    name: event.name,
    description: event.description,
    scheduledStartTime: new Date(event.startMs).toISOString(),
    scheduledEndTime: event.endMs === null ? null : new Date(event.endMs).toISOString(),
    status: event.status,
    entityType: event.entityType,
    channelId: event.channelId,
    location: event.location,
    subscribers: [...event.subscribers],
  };
}
