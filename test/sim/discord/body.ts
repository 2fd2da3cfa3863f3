/**
 * Request bodies: JSON, or multipart/form-data as discord.js (undici FormData) sends files — a
 * `payload_json` part with the JSON body and `files[n]` parts (any other named file part counts
 * too, keyed by its name). Without `payload_json` the plain form fields are the body.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './wire.ts';

/** An uploaded part: `key` is what `attachments[i].id` refers to (`n` of `files[n]`). */
export type UploadedFile = { key: string; field: string; filename: string; contentType: string; data: Buffer };
export type RequestBody = { body: unknown; files: UploadedFile[] };

const invalidJson = () => new ApiError(400, { message: 'The request body contains invalid JSON.', code: 50109 });

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalidJson();
  }
}

export async function readBody(request: IncomingMessage): Promise<RequestBody> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  if (!chunks.length) return { body: undefined, files: [] };
  const raw = Buffer.concat(chunks);
  const type = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) return { body: parseJson(raw.toString('utf8')), files: [] };
  let form: FormData;
  try {
    form = await new Response(raw, { headers: { 'content-type': type } }).formData();
  } catch {
    throw new ApiError(400, { message: '400: Bad Request', code: 0 });
  }
  let body: unknown;
  const fields: Record<string, string> = {};
  const files: UploadedFile[] = [];
  for (const [name, value] of form) {
    if (typeof value === 'string') {
      if (name === 'payload_json') body = parseJson(value);
      else fields[name] = value;
      continue;
    }
    const key = /^files\[(.+)\]$/.exec(name)?.[1] ?? name;
    files.push({ key, field: name, filename: value.name, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) });
  }
  return { body: body ?? (Object.keys(fields).length ? fields : undefined), files };
}

/** Bytes of all uploaded files. */
export const uploadSize = (files: UploadedFile[]) => files.reduce((sum, file) => sum + file.data.length, 0);

export const entityTooLarge = () => new ApiError(413, { message: 'Request entity too large', code: 40005 });
