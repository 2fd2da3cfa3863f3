import { z } from 'zod';
import { choice } from './command-schema.ts';
import { actionRow } from './components.ts';
import { EMPTY_MESSAGE } from './form-errors.ts';
import { allowedMentions } from './mentions.ts';
import { attachmentRefs } from './uploads.ts';

/**
 * Request bodies as Discord validates them (limits from the API reference and the published
 * OpenAPI description), and failures in its 50035 "Invalid Form Body" shape.
 */
export { choiceFits, commandBody, commandsBody, LOCALES } from './command-schema.ts';
export { EMPTY_MESSAGE, formErrors, isEmptyMessage } from './form-errors.ts';
export { modalBody } from './modals.ts';

const embed = z
  .object({
    title: z.string().max(256, 'BASE_TYPE_MAX_LENGTH').optional(),
    description: z.string().max(4096, 'BASE_TYPE_MAX_LENGTH').optional(),
    url: z.string().max(2048, 'BASE_TYPE_MAX_LENGTH').optional(),
    color: z.number().int().min(0).max(0xffffff).optional(),
    timestamp: z.string().optional(),
    footer: z.object({ text: z.string().min(1).max(2048, 'BASE_TYPE_MAX_LENGTH'), icon_url: z.string().optional() }).optional(),
    author: z.object({ name: z.string().max(256), url: z.string().optional(), icon_url: z.string().optional() }).optional(),
    thumbnail: z.object({ url: z.string() }).loose().optional(),
    image: z.object({ url: z.string() }).loose().optional(),
    fields: z
      .array(
        z.object({
          name: z.string().min(1, 'BASE_TYPE_REQUIRED').max(256, 'BASE_TYPE_MAX_LENGTH'),
          value: z.string().min(1, 'BASE_TYPE_REQUIRED').max(1024, 'BASE_TYPE_MAX_LENGTH'),
          inline: z.boolean().optional(),
        }),
      )
      .max(25, 'BASE_TYPE_MAX_LENGTH')
      .optional(),
    type: z.string().optional(),
  })
  .loose();

export const messageBody = z
  .object({
    content: z.string().max(2000, 'BASE_TYPE_MAX_LENGTH').optional(),
    embeds: z.array(embed).max(10, 'BASE_TYPE_MAX_LENGTH').optional(),
    components: z.array(actionRow).max(5, 'BASE_TYPE_MAX_LENGTH').optional(),
    flags: z.number().int().optional(),
    tts: z.boolean().optional(),
    allowed_mentions: allowedMentions.nullable().optional(),
    message_reference: z.object({ message_id: z.string() }).loose().optional(),
    attachments: attachmentRefs.optional(),
    sticker_ids: z.array(z.string()).optional(),
    nonce: z.union([z.string(), z.number()]).optional(),
    enforce_nonce: z.boolean().optional(),
    poll: z.unknown().optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const ids = (body.components ?? []).flatMap((row) => row.components.map((component) => component.custom_id)).filter(Boolean);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['components'], message: 'COMPONENT_CUSTOM_ID_DUPLICATED' });
    // 6000 characters in title, description, field names and values, footer and author, summed over all embeds.
    const total = (body.embeds ?? [])
      .flatMap((item) => [item.title, item.description, item.footer?.text, item.author?.name, ...(item.fields ?? []).flatMap((f) => [f.name, f.value])])
      .reduce((sum, text) => sum + (typeof text === 'string' ? text.length : 0), 0);
    if (total > 6000) ctx.addIssue({ code: 'custom', path: ['embeds'], message: 'MAX_EMBED_SIZE_EXCEEDED' });
  });

/** Creating a message needs something to show; an edit may change any subset. */
export const newMessageBody = messageBody.superRefine((body, ctx) => {
  if (!body.content && !body.embeds?.length && !body.components?.length && !body.sticker_ids?.length && !body.poll && !body.attachments?.length) {
    ctx.addIssue({ code: 'custom', path: [], message: EMPTY_MESSAGE });
  }
});

/** The choices of an autocomplete result (callback type 8): at most 25, names 1-100 characters. */
export const autocompleteBody = z.object({ choices: z.array(choice).max(25, 'BASE_TYPE_MAX_LENGTH') }).strict();
