/**
 * Files bots upload with a message (create, edit, interaction callback, webhook): multipart
 * `files[n]` parts described by the payload's `attachments` ({ id: n, filename?, description? }).
 * As Discord: at most 10 files on a message; an `attachments[i].id` that names no uploaded part
 * (nor, in an edit, an attachment the message keeps) is 50035 ATTACHMENT_NOT_FOUND; in an edit,
 * `attachments` lists everything the message keeps (unlisted ones go), without it the old ones stay
 * and uploads are added. The request's size limit (413 40005) is checked when the body is read.
 */
import { z } from 'zod';
import type { UploadedFile } from './body.ts';
import { publicAttachment, storeFile } from './cdn.ts';
import type { World } from './state.ts';
import type { SimAttachment } from './types.ts';
import { formError } from './wire.ts';

const MAX_FILES = 10;

/** An entry of a message's `attachments`: an upload's key (`0` for `files[0]`) or a kept attachment's id. */
export const attachmentRef = z
  .object({
    id: z.union([z.string(), z.number().int()]),
    filename: z.string().max(1024, 'BASE_TYPE_MAX_LENGTH').optional(),
    description: z.string().max(1024, 'BASE_TYPE_MAX_LENGTH').optional(),
    title: z.string().optional(),
    duration_secs: z.number().optional(),
    waveform: z.string().optional(),
    is_spoiler: z.boolean().optional(),
  })
  .loose();
export const attachmentRefs = z.array(attachmentRef).max(MAX_FILES, 'BASE_TYPE_MAX_LENGTH');
type Ref = z.infer<typeof attachmentRef>;

/**
 * A body as Discord sees it with these uploads: files the payload does not describe are listed
 * under `attachments` (so a files-only message is not empty).
 */
export function withUploads(body: unknown, files: UploadedFile[]): unknown {
  if (!files.length) return body;
  const refs = files.map((file) => ({ id: file.key }));
  if (body === undefined) return { attachments: refs };
  if (typeof body !== 'object' || body === null || Array.isArray(body) || 'attachments' in body) return body;
  return { ...body, attachments: refs };
}

/**
 * The attachments a message has after this request, with new files stored on the CDN; throws
 * Discord's 50035 (under `prefix`, e.g. `['data']` in a callback) before storing anything.
 * `undefined` when the request changes no attachments (an edit without `attachments` or files).
 */
export function attachFiles(
  world: World,
  channelId: string,
  refs: Ref[] | undefined,
  files: UploadedFile[],
  existing: SimAttachment[] = [],
  prefix: Array<string | number> = [],
): SimAttachment[] | undefined {
  if (refs === undefined && !files.length) return undefined;
  const byKey = new Map(files.map((file) => [file.key, file]));
  const plan: Array<{ keep: SimAttachment } | { upload: UploadedFile; ref?: Ref }> = [];
  const used = new Set<string>();
  const listed: Ref[] = refs ?? existing.map((attachment) => ({ id: attachment.id }));
  for (const [index, ref] of listed.entries()) {
    const key = String(ref.id);
    const upload = byKey.get(key);
    const kept = existing.find((attachment) => attachment.id === key);
    if (upload && !used.has(key)) {
      used.add(key);
      plan.push({ upload, ref });
    } else if (kept) plan.push({ keep: ref.description === undefined ? kept : { ...kept, description: ref.description } });
    else throw formError([...prefix, 'attachments', index], 'ATTACHMENT_NOT_FOUND', 'Attachment data not found');
  }
  // Uploads the payload does not describe are attached too.
  for (const file of files) if (!used.has(file.key)) plan.push({ upload: file });
  if (plan.length > MAX_FILES) throw formError([...prefix, 'attachments'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_FILES} or fewer in length.`);
  return plan.map((step) => {
    if ('keep' in step) return step.keep;
    const stored = storeFile(world, channelId, { filename: step.ref?.filename ?? step.upload.filename, contentType: step.upload.contentType, data: step.upload.data });
    return publicAttachment(stored, step.ref?.description);
  });
}

/** Removes from the CDN the files a message no longer has (deleted, or dropped by an edit). */
export function dropFiles(world: World, before: SimAttachment[] = [], after: SimAttachment[] = []): void {
  for (const attachment of before) if (!after.some((kept) => kept.id === attachment.id)) world.files.delete(attachment.id);
}
