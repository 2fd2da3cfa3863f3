import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  ButtonStyle,
  ComponentType,
} from 'discord.js';
import { type Action, encodeAction } from '../../core/actions.ts';
import { type Reply, type ReplyButton, truncate } from '../../core/reply.ts';
import { discordMarkdown } from './markdown.ts';

/** A message body every interaction response and webhook edit accepts. */
export type DiscordMessage = {
  content?: string;
  embeds: APIEmbed[];
  components: Array<APIActionRowComponent<APIComponentInMessageActionRow>>;
  /** Always none: text members and creators wrote (titles, lessons, comments) must never ping. */
  allowedMentions: { parse: [] };
  files?: Array<{ attachment: Buffer; name: string }>;
};

/** Discord stops an embed description at 4096 characters. */
const DESCRIPTION_LIMIT = 4096;

const EMBED_COLOR = 0x5865f2;
const CUSTOM_ID_LIMIT = 100;
const SELECT_ID_PREFIX = 'select:';
/**
 * Discord wants custom_ids unique within a message, but two buttons may ask for the same action
 * (page 1 and "all courses"); the second copy gets a `~n` suffix that `actionPayload` strips.
 */
const DUPLICATE_MARK = '~';

/** Room for the `~n` suffix of a repeated action, so every custom_id stays within 100 characters. */
export const fitsCustomId = (encoded: string) => encoded.length <= CUSTOM_ID_LIMIT - 4;

/** Should only the invoking user see this reply? Long listings too: they would flood a channel. */
export const isPrivateReply = (reply: Reply) => Boolean(reply.ephemeral || reply.long || reply.confidential);

/**
 * Renders the core's Reply as an embed plus components. Buttons and select options carry the
 * encoded action; a reply with nothing but a body (errors, hints) is plain content.
 */
export function renderDiscordMessage(reply: Reply, encode: (action: Action) => string = encodeAction): DiscordMessage {
  const plain = !reply.title && !reply.fields?.length && !reply.footer && !reply.blocks?.length;
  const description = [reply.body, reply.blocks?.length ? discordMarkdown(reply.blocks) : undefined].filter(Boolean).join('\n\n');
  const embeds: APIEmbed[] = plain
    ? []
    : [
        {
          color: EMBED_COLOR,
          ...(reply.title ? { title: reply.title } : {}),
          ...(description ? { description: truncate(description, DESCRIPTION_LIMIT) } : {}),
          ...(reply.fields?.length ? { fields: reply.fields.map((f) => ({ ...f, inline: f.inline ?? false })) } : {}),
          ...(reply.footer ? { footer: { text: reply.footer } } : {}),
        },
      ];
  const usedIds = new Set<string>();
  const uniqueId = (id: string) => {
    let candidate = id;
    for (let copy = 1; usedIds.has(candidate); copy++) candidate = `${id}${DUPLICATE_MARK}${copy}`;
    usedIds.add(candidate);
    return candidate;
  };
  const components = (reply.actions ?? []).map((row, index): APIActionRowComponent<APIComponentInMessageActionRow> => {
    if ('buttons' in row) {
      return { type: ComponentType.ActionRow, components: row.buttons.map((button) => renderButton(button, uniqueId, encode)) };
    }
    return {
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.StringSelect,
          custom_id: `${SELECT_ID_PREFIX}${index}`,
          placeholder: row.select.placeholder,
          options: row.select.options.map((option) => ({
            label: option.label,
            value: encode(option.action),
            ...(option.description ? { description: option.description } : {}),
            ...(option.selected ? { default: true } : {}),
          })),
        },
      ],
    };
  });
  return { ...(plain ? { content: reply.body ?? '' } : {}), embeds, components, allowedMentions: { parse: [] } };
}

function renderButton(button: ReplyButton, uniqueId: (id: string) => string, encode: (action: Action) => string): APIButtonComponent {
  if ('url' in button) return { type: ComponentType.Button, style: ButtonStyle.Link, label: button.label, url: button.url };
  const style =
    button.style === 'primary' ? ButtonStyle.Primary : button.style === 'danger' ? ButtonStyle.Danger : ButtonStyle.Secondary;
  return { type: ComponentType.Button, style, label: button.label, custom_id: uniqueId(encode(button.action)) };
}

/** The message as the raw REST API takes it (for the workers' REST clients, which are not discord.js's interaction helpers). */
export function restBody(message: DiscordMessage) {
  const { allowedMentions, files: _files, ...rest } = message;
  return { ...rest, allowed_mentions: allowedMentions };
}

/** The encoded action behind a pressed button or chosen option; still untrusted. */
export function actionPayload(customId: string, values: readonly string[] | undefined): string {
  if (customId.startsWith(SELECT_ID_PREFIX)) return values?.[0] ?? '';
  const mark = customId.lastIndexOf(DUPLICATE_MARK);
  return mark > 0 && /^\d+$/.test(customId.slice(mark + 1)) ? customId.slice(0, mark) : customId;
}
