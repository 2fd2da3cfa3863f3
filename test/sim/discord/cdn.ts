/**
 * The sim's CDN, served next to the API on the same port: message attachments at
 * `/attachments/<channel>/<id>/<filename>` and files users upload for command options and modals
 * at `/ephemeral-attachments/<channel>/<id>/<filename>`. Like Discord's, every url is signed:
 * `?ex=<expiry>&is=<issued>&hm=<hmac>&` (unix seconds in hex, HMAC-SHA256 over path, ex and is).
 * An expired url answers 404 "This content is no longer available."; a missing or tampered
 * signature 403. `POST /attachments/refresh-urls` signs urls anew, as Discord's does.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { StoredFile } from './model.ts';
import type { Route } from './routes.ts';
import type { World } from './state.ts';
import type { SimAttachment } from './types.ts';
import { parseOr } from './wire.ts';

const TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  zip: 'application/zip',
  mp4: 'video/mp4',
  mp3: 'audio/mpeg',
};

/** The content type Discord reports when the uploader gave none: by the file's extension. */
export function guessContentType(filename: string): string {
  return TYPES[/\.([^.]+)$/.exec(filename)?.[1]?.toLowerCase() ?? ''] ?? 'application/octet-stream';
}

/** Discord's stored filename: whitespace and characters outside letters, digits, `.`, `-`, `_` become `_`. */
export function cleanFilename(filename: string): string {
  return filename.replace(/[^\p{L}\p{N}._-]/gu, '_') || 'unknown';
}

/** Keeps bytes on the CDN under a new attachment id. */
export function storeFile(world: World, channelId: string, input: { filename: string; contentType?: string | undefined; data: Buffer }, ephemeral = false): StoredFile {
  const id = world.snowflake();
  const filename = cleanFilename(input.filename);
  const file: StoredFile = {
    id,
    channelId,
    filename,
    // Multipart parts without a type arrive as application/octet-stream: Discord goes by the name then.
    contentType: input.contentType && input.contentType !== 'application/octet-stream' ? input.contentType : guessContentType(filename),
    data: input.data,
    sha256: createHash('sha256').update(input.data).digest('hex'),
    ephemeral,
    path: `/${ephemeral ? 'ephemeral-attachments' : 'attachments'}/${channelId}/${id}/${filename}`,
  };
  world.files.set(id, file);
  return file;
}

export function publicAttachment(file: StoredFile, description?: string): SimAttachment {
  return { id: file.id, filename: file.filename, contentType: file.contentType, size: file.data.length, sha256: file.sha256, ...(description === undefined ? {} : { description }) };
}

const hex = (ms: number) => Math.floor(ms / 1000).toString(16).padStart(8, '0');
const sign = (world: World, path: string, ex: string, is: string) => createHmac('sha256', world.cdnSecret).update(`${path}|${ex}|${is}`).digest('hex');

/** A freshly signed url for a stored file, valid for the sim's url lifetime. */
export function signedUrl(world: World, file: StoredFile, now = Date.now()): string {
  const [ex, is] = [hex(now + world.urlTtlMs), hex(now)];
  return `${world.cdnUrl}${file.path}?ex=${ex}&is=${is}&hm=${sign(world, file.path, ex, is)}&`;
}

/** An attachment object as messages and `resolved.attachments` carry it. */
export function attachmentPayload(world: World, attachment: { id: string; description?: string | undefined }): Record<string, unknown> {
  const file = world.files.get(attachment.id);
  if (!file) return { id: attachment.id, filename: 'unknown', size: 0, url: '', proxy_url: '' };
  const url = signedUrl(world, file);
  return {
    id: file.id,
    filename: file.filename,
    ...(attachment.description === undefined ? {} : { description: attachment.description }),
    content_type: file.contentType,
    size: file.data.length,
    url,
    proxy_url: url,
    ...(file.ephemeral ? { ephemeral: true } : {}),
  };
}

const CDN_PATH = /^\/(attachments|ephemeral-attachments)\/(\d+)\/(\d+)\/([^/]+)$/;

/** Why a CDN url does not serve its file (status and text), or the file. */
export function checkUrl(world: World, url: URL, now = Date.now()): { file: StoredFile } | { status: number; text: string } {
  const path = decodeURIComponent(url.pathname);
  const file = CDN_PATH.test(path) ? world.files.get(CDN_PATH.exec(path)![3]!) : undefined;
  if (!file || file.path !== path) return { status: 404, text: 'Not Found' };
  const [ex, is, hm] = ['ex', 'is', 'hm'].map((key) => url.searchParams.get(key) ?? '');
  const expected = Buffer.from(sign(world, path, ex!, is!));
  if (!/^[0-9a-f]{8}$/.test(ex!) || !/^[0-9a-f]{8}$/.test(is!) || hm!.length !== expected.length || !timingSafeEqual(Buffer.from(hm!), expected)) {
    return { status: 403, text: 'Forbidden' };
  }
  if (now >= Number.parseInt(ex!, 16) * 1000) return { status: 404, text: 'This content is no longer available.' };
  return { file };
}

/** Serves a CDN request (GET or HEAD outside `/api`); false when the request is not one. */
export function serveCdn(world: World, method: string, url: URL, response: ServerResponse): boolean {
  if ((method !== 'GET' && method !== 'HEAD') || !/^\/(ephemeral-)?attachments\//.test(url.pathname)) return false;
  const checked = checkUrl(world, url);
  if ('status' in checked) {
    response.writeHead(checked.status, { 'content-type': 'text/plain' });
    response.end(checked.text);
    return true;
  }
  const { file } = checked;
  response.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.data.length), 'cache-control': 'public, max-age=31536000' });
  response.end(method === 'HEAD' ? undefined : file.data);
  return true;
}

const refreshBody = z.object({ attachment_urls: z.array(z.string()).min(1, 'BASE_TYPE_BAD_LENGTH').max(50, 'BASE_TYPE_BAD_LENGTH') }).strict();

export const cdnRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/attachments/refresh-urls',
    handle: ({ world, body }) => {
      const { attachment_urls: urls } = parseOr(refreshBody, body);
      const refreshed = urls.flatMap((original) => {
        let path: string;
        try {
          path = decodeURIComponent(new URL(original).pathname);
        } catch {
          return [];
        }
        const file = CDN_PATH.test(path) ? world.files.get(CDN_PATH.exec(path)![3]!) : undefined;
        return file && file.path === path ? [{ original, refreshed: signedUrl(world, file) }] : [];
      });
      return { status: 200, body: { refreshed_urls: refreshed } };
    },
  },
];
