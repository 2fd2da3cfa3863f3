/**
 * Interaction callbacks (`POST /interactions/:id/:token/callback`, one acknowledgement per
 * interaction, types allowed per interaction kind, `with_response`) and the interaction webhook
 * (follow-ups, `@original` edits). Both authenticate by the interaction token, not the bot's, and
 * take files as multipart (uploads.ts). A modal (9) answers only a command or a component.
 */
import type { UploadedFile } from './body.ts';
import { EPHEMERAL, type Interaction, LOADING, TOKEN_TTL_MS } from './model.ts';
import { deleteMessage, editMessage, findMessage, fromBody, storeMessage } from './messages.ts';
import { messagePayload } from './payloads.ts';
import type { Route, RouteContext, RouteResult } from './routes.ts';
import type { World } from './state.ts';
import type { InteractionKind } from './types.ts';
import { withUploads } from './uploads.ts';
import { autocompleteBody, choiceFits, messageBody, modalBody, newMessageBody } from './validation.ts';
import { ApiError, formError, parseOr, unknownInteraction } from './wire.ts';

/** Callback types Discord accepts per interaction kind (2 command, 3 component, 4 autocomplete, 5 modal submit). */
const ALLOWED: Record<InteractionKind, number[]> = { 2: [4, 5, 9], 3: [4, 5, 6, 7, 9], 4: [8], 5: [4, 5, 6, 7] };

function acknowledge(world: World, id: string, token: string, body: unknown, files: UploadedFile[]): Interaction {
  const interaction = world.interactions.get(id);
  if (!interaction || interaction.token !== token || interaction.failed) throw unknownInteraction();
  if (interaction.acknowledged) throw new ApiError(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
  const callback = body as { type?: unknown; data?: unknown };
  const updatesMessage = callback.type === 6 || callback.type === 7;
  if (typeof callback.type !== 'number' || !ALLOWED[interaction.kind]!.includes(callback.type) || (updatesMessage && !interaction.componentMessageId)) {
    throw formError(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', 'Interaction response type is invalid for this interaction.');
  }
  applyCallback(world, interaction, callback.type, callback.data, files);
  interaction.acknowledged = true;
  clearTimeout(interaction.deadline);
  interaction.callbacks.push({ type: callback.type, data: callback.data });
  world.changed();
  return interaction;
}

function applyCallback(world: World, interaction: Interaction, type: number, data: unknown, files: UploadedFile[]): void {
  switch (type) {
    case 4: {
      const parsed = parseOr(newMessageBody, withUploads(data ?? {}, files), ['data']);
      interaction.responseMessageId = storeMessage(world, interaction.channelId, fromBody(world, interaction.channelId, parsed, { interaction, files, prefix: ['data'] })).id;
      break;
    }
    case 5: {
      const flags = Number((data as { flags?: number } | undefined)?.flags ?? 0) & EPHEMERAL;
      interaction.responseMessageId = storeMessage(world, interaction.channelId, {
        authorId: world.botUser.id,
        content: '',
        embeds: [],
        components: [],
        flags: flags | LOADING,
        interactionId: interaction.id,
        ...(flags ? { visibleTo: interaction.userId } : {}),
      }).id;
      break;
    }
    case 6:
      interaction.responseMessageId = interaction.componentMessageId!;
      break;
    case 7:
      interaction.responseMessageId = interaction.componentMessageId!;
      editMessage(world, interaction.componentMessageId!, parseOr(messageBody, data ?? {}, ['data']), files, ['data']);
      break;
    case 9:
      interaction.modal = parseOr(modalBody, data ?? {}, ['data']);
      // The client shows one modal at a time: this one replaces any other the user had open.
      world.openModals.set(interaction.userId, interaction.id);
      break;
    case 8: {
      const { choices } = parseOr(autocompleteBody, data ?? {}, ['data']);
      const wrong = choices.findIndex((choice) => !choiceFits(interaction.focusedType ?? 3, choice.value));
      if (wrong >= 0) throw formError(['data', 'choices', wrong, 'value'], 'BASE_TYPE_INVALID', 'Invalid value for the option type.');
      interaction.choices = choices.map(({ name, value }) => ({ name, value }));
      break;
    }
  }
}

function callback({ world, params, body, files, query }: RouteContext): RouteResult {
  const interaction = acknowledge(world, params.interaction!, params.token!, body, files);
  if (query.get('with_response') !== 'true') return { status: 204 };
  const message = interaction.responseMessageId ? findMessage(world, interaction.responseMessageId) : undefined;
  const type = interaction.callbacks.at(-1)!.type;
  // InteractionCallbackResponse: resource.message only for types 4 and 7.
  return {
    status: 200,
    body: {
      interaction: {
        id: interaction.id,
        type: interaction.kind,
        ...(message ? { response_message_id: message.id, response_message_loading: Boolean(message.flags & LOADING), response_message_ephemeral: message.ephemeral } : {}),
        channel_id: interaction.channelId,
        ...(interaction.guildId ? { guild_id: interaction.guildId } : {}),
      },
      resource: { type, ...(message && (type === 4 || type === 7) ? { message: messagePayload(world, message) } : {}) },
    },
  };
}

/** The interaction behind a webhook token: 10015 when unknown, expired (15 minutes) or not yet acknowledged. */
function webhookInteraction(world: World, appId: string, token: string): Interaction {
  const interaction = [...world.interactions.values()].find((candidate) => candidate.token === token);
  if (appId !== world.applicationId || !interaction || Date.now() - interaction.createdAt > TOKEN_TTL_MS || !interaction.acknowledged) {
    throw new ApiError(404, { message: 'Unknown Webhook', code: 10015 });
  }
  return interaction;
}

/** The webhook message a route names: `@original` or one of the interaction's follow-ups. */
function webhookMessage(world: World, { app, token, message: target }: Record<string, string>) {
  const interaction = webhookInteraction(world, app!, token!);
  const id = target === '@original' ? interaction.responseMessageId : target;
  const message = id ? findMessage(world, id) : undefined;
  if (!message || (target !== '@original' && !interaction.followUps.includes(message.id))) throw new ApiError(404, { message: 'Unknown Message', code: 10008 });
  return { interaction, message, original: target === '@original' };
}

export const interactionRoutes: Route[] = [
  { method: 'POST', pattern: '/interactions/:interaction/:token/callback', public: true, handle: callback },
  {
    method: 'POST',
    pattern: '/webhooks/:app/:token',
    public: true,
    handle: ({ world, params, body, files }) => {
      const interaction = webhookInteraction(world, params.app!, params.token!);
      const data = parseOr(newMessageBody, withUploads(body, files));
      const message = storeMessage(world, interaction.channelId, fromBody(world, interaction.channelId, data, { interaction, files }));
      interaction.followUps.push(message.id);
      world.changed();
      return { status: 200, body: messagePayload(world, message) };
    },
  },
  {
    method: 'GET',
    pattern: '/webhooks/:app/:token/messages/:message',
    public: true,
    handle: ({ world, params }) => ({ status: 200, body: messagePayload(world, webhookMessage(world, params).message) }),
  },
  {
    method: 'PATCH',
    pattern: '/webhooks/:app/:token/messages/:message',
    public: true,
    handle: ({ world, params, body, files }) => {
      const { interaction, message, original } = webhookMessage(world, params);
      editMessage(world, message.id, parseOr(messageBody, body), files);
      if (original) interaction.originalEdited = true;
      world.changed();
      return { status: 200, body: messagePayload(world, message) };
    },
  },
  {
    method: 'DELETE',
    pattern: '/webhooks/:app/:token/messages/:message',
    public: true,
    handle: ({ world, params }) => {
      deleteMessage(world, webhookMessage(world, params).message);
      return { status: 204 };
    },
  },
];
