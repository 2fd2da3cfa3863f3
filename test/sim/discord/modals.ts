/**
 * Modals (interaction callback type 9, only in answer to a command or a component) and their
 * submission (a MODAL_SUBMIT interaction, type 5). A modal has a custom_id (1-100), a title
 * (1-45) and 1-5 top-level components: action rows holding one text input (type 4: style 1
 * short or 2 paragraph, label 1-45, min_length 0-4000, max_length 1-4000, value up to 4000,
 * placeholder up to 100), or Discord's newer labels (type 18: label 1-45, description up to 100,
 * wrapping a text input without a label, a string select (3) or a file upload (19: 0-10 files)),
 * and text displays (type 10). The user's side refuses what the client would not send.
 */
import { z } from 'zod';
import { checkSelectValues, componentId, customId, selectBounds, selectOptions } from './components.ts';
import { attachmentPayload, storeFile } from './cdn.ts';
import type { World } from './state.ts';
import type { ModalValues, SimModal, SimUpload, SimUser } from './types.ts';
import { failure } from './wire.ts';

const label = z.string().min(1, 'BASE_TYPE_BAD_LENGTH').max(45, 'BASE_TYPE_MAX_LENGTH');
const textInputFields = {
  type: z.literal(4),
  id: componentId,
  custom_id: customId,
  style: z.union([z.literal(1), z.literal(2)]),
  min_length: z.number().int().min(0).max(4000).optional(),
  max_length: z.number().int().min(1).max(4000).optional(),
  required: z.boolean().optional(),
  value: z.string().max(4000, 'BASE_TYPE_MAX_LENGTH').optional(),
  placeholder: z.string().max(100, 'BASE_TYPE_MAX_LENGTH').optional(),
};
function checkLengths(input: { min_length?: number | undefined; max_length?: number | undefined }, ctx: z.RefinementCtx): void {
  if ((input.min_length ?? 0) > (input.max_length ?? 4000)) ctx.addIssue({ code: 'custom', path: ['min_length'], message: 'BASE_TYPE_INVALID' });
}
const rowTextInput = z.object({ ...textInputFields, label }).strict().superRefine(checkLengths);
const labelledTextInput = z.object(textInputFields).strict().superRefine(checkLengths);
const select = z
  .object({ type: z.literal(3), id: componentId, custom_id: customId, ...selectBounds, options: selectOptions, required: z.boolean().optional() })
  .strict()
  .superRefine(checkSelectValues);
const fileUpload = z
  .object({ type: z.literal(19), id: componentId, custom_id: customId, min_values: z.number().int().min(0).max(10).optional(), max_values: z.number().int().min(1).max(10).optional(), required: z.boolean().optional() })
  .strict()
  .superRefine((upload, ctx) => {
    if ((upload.min_values ?? 1) > (upload.max_values ?? 1)) ctx.addIssue({ code: 'custom', path: ['min_values'], message: 'BASE_TYPE_INVALID' });
  });

const topLevel = z.discriminatedUnion('type', [
  z.object({ type: z.literal(1), id: componentId, components: z.array(rowTextInput).length(1, 'BASE_TYPE_BAD_LENGTH') }).strict(),
  z
    .object({
      type: z.literal(18),
      id: componentId,
      label,
      description: z.string().max(100, 'BASE_TYPE_MAX_LENGTH').optional(),
      component: z.discriminatedUnion('type', [labelledTextInput, select, fileUpload]),
    })
    .strict(),
  z.object({ type: z.literal(10), id: componentId, content: z.string().min(1, 'BASE_TYPE_BAD_LENGTH').max(4000, 'BASE_TYPE_MAX_LENGTH') }).strict(),
]);

export const modalBody = z
  .object({ custom_id: customId, title: label, components: z.array(topLevel).min(1, 'BASE_TYPE_BAD_LENGTH').max(5, 'BASE_TYPE_BAD_LENGTH') })
  .strict()
  .superRefine((modal, ctx) => {
    const ids = modal.components.flatMap((item) => (item.type === 1 ? item.components.map((input) => input.custom_id) : item.type === 18 ? [item.component.custom_id] : []));
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['components'], message: 'COMPONENT_CUSTOM_ID_DUPLICATED' });
  });

type Field = { type: number; custom_id: string; [key: string]: any };
type Entry = { field?: Field; wrap: (submitted: Record<string, unknown>) => Record<string, unknown> };

/** The modal's fields with the wrapper each sits in, and Discord's numeric ids (assigned in order where the bot gave none). */
function fieldsOf(modal: SimModal): Entry[] {
  let next = 0;
  const id = (given: unknown) => (typeof given === 'number' ? given : ++next);
  return modal.components.map((item: { type: number; id?: number; component?: Field; components?: Field[] }): Entry => {
    const outer = id(item.id);
    if (item.type === 10) return { wrap: () => ({ type: 10, id: outer }) };
    const field = item.type === 1 ? item.components![0]! : item.component!;
    const inner = id(field.id);
    const wrap = (submitted: Record<string, unknown>) =>
      item.type === 1 ? { type: 1, id: outer, components: [{ id: inner, ...submitted }] } : { type: 18, id: outer, component: { id: inner, ...submitted } };
    return { field, wrap };
  });
}

const isUpload = (value: unknown): value is SimUpload => typeof value === 'object' && value !== null && 'name' in value && 'data' in value;

/** A text input's value as the client would send it, or the reason it would not. */
function textValue(field: Field, given: unknown): string {
  if (given !== undefined && typeof given !== 'string') throw failure(`modal field "${field.custom_id}" is a text input: give it text`);
  const value = given ?? field.value ?? '';
  const where = `modal field "${field.custom_id}"`;
  if (field.required !== false && !value) throw failure(`${where} is required`);
  if (value && value.length < (field.min_length ?? 0)) throw failure(`${where} needs at least ${field.min_length} characters, not ${value.length}`);
  if (value.length > (field.max_length ?? 4000)) throw failure(`${where} takes at most ${field.max_length ?? 4000} characters, not ${value.length}`);
  if (field.style === 1 && /[\r\n]/.test(value)) throw failure(`${where} is a short (one-line) input: no line breaks`);
  return value;
}

function countFits(field: Field, count: number, what: string): void {
  const min = field.required === false ? 0 : Math.max(1, field.min_values ?? 1);
  const max = field.max_values ?? 1;
  if (count === 0 && field.required === false) return;
  if (count < min || count > max) throw failure(`modal field "${field.custom_id}" takes ${min}-${max} ${what}, not ${count}`);
}

/**
 * The `data` of the MODAL_SUBMIT for these values (uploaded files stored on the CDN and
 * resolved), or a thrown Error saying why the client would not submit them.
 */
export function submission(world: World, channelId: string, modal: SimModal, values: ModalValues): Record<string, unknown> {
  const fields = fieldsOf(modal);
  const known = new Set(fields.flatMap((entry) => (entry.field ? [entry.field.custom_id] : [])));
  const unknown = Object.keys(values).find((key) => !known.has(key));
  if (unknown) throw failure(`modal "${modal.custom_id}" has no field "${unknown}"`);
  const attachments: Record<string, unknown> = {};
  const pending: Array<() => Record<string, unknown>> = fields.map(({ field, wrap }) => {
    if (!field) return () => wrap({});
    const given = values[field.custom_id];
    if (field.type === 4) {
      const value = textValue(field, given);
      return () => wrap({ type: 4, custom_id: field.custom_id, value });
    }
    if (field.type === 3) {
      const chosen = given ?? (field.options as Array<{ value: string; default?: boolean }>).filter((option) => option.default).map((option) => option.value);
      if (!Array.isArray(chosen) || !chosen.every((value) => typeof value === 'string')) throw failure(`modal field "${field.custom_id}" is a select: give it option values`);
      const offered = new Set((field.options as Array<{ value: string }>).map((option) => option.value));
      if (!chosen.every((value) => offered.has(value)) || new Set(chosen).size !== chosen.length) throw failure(`modal field "${field.custom_id}": values must be distinct options of the select`);
      countFits(field, chosen.length, 'values');
      return () => wrap({ type: 3, custom_id: field.custom_id, values: chosen });
    }
    const files = given ?? [];
    if (!Array.isArray(files) || !files.every(isUpload)) throw failure(`modal field "${field.custom_id}" is a file upload: give it files ({ name, data })`);
    countFits(field, files.length, 'files');
    const big = files.find((file) => Buffer.byteLength(file.data) > world.uploadLimit);
    if (big) throw failure(`${big.name} is larger than the ${world.uploadLimit}-byte upload limit`);
    return () => {
      const stored = files.map((file) => storeFile(world, channelId, { filename: file.name, contentType: file.contentType, data: Buffer.from(file.data) }, true));
      for (const file of stored) attachments[file.id] = attachmentPayload(world, file);
      return wrap({ type: 19, custom_id: field.custom_id, values: stored.map((file) => file.id) });
    };
  });
  // Everything is checked before any file is stored.
  const components = pending.map((build) => build());
  return { custom_id: modal.custom_id, components, ...(Object.keys(attachments).length ? { resolved: { attachments } } : {}) };
}

/** The modal `user` may submit for `interactionId`, or why not. */
export function openModalOf(world: World, user: SimUser, interactionId: string): SimModal {
  const origin = world.interactions.get(interactionId);
  if (!origin?.modal) throw failure(`interaction ${interactionId} showed no modal`);
  if (origin.userId !== user.id) throw failure('only the user who opened a modal can submit it');
  if (world.openModals.get(user.id) !== interactionId) throw failure(`the modal "${origin.modal.custom_id}" of interaction ${interactionId} is no longer open (submitted, dismissed or replaced)`);
  return origin.modal;
}
