/**
 * Files a scripted user sends the bot: a message with `document`, `photo` sizes, `audio` or
 * `video` whose file_ids the bot may getFile, download and re-send, and an optional caption
 * (with the /command and @mention entities the app marks, as in text).
 */
import { imageInfo, mimeFromName } from './file-kinds.ts';
import type { SimMediaKind, SimUserFile } from './file-types.ts';
import { textEntities, userContentMessage } from './messages.ts';
import type { UserState } from './model.ts';
import type { SimState } from './state.ts';
import type { SimTgMessage } from './types.ts';

export function userFileMessage(sim: SimState, user: UserState, chatId: number, kind: SimMediaKind, file: SimUserFile): SimTgMessage {
  const bytes = typeof file.bytes === 'string' ? Buffer.from(file.bytes) : Buffer.from(file.bytes);
  if (bytes.length === 0) throw new Error('telegram sim: the app sends no empty files');
  if (kind === 'photo' && !imageInfo(bytes)) throw new Error('telegram sim: a photo needs image bytes (JPEG, PNG, GIF, WebP or BMP)');
  const content = (): Partial<SimTgMessage> => ({ ...media(sim, kind, bytes, file), ...caption(file.caption) });
  return userContentMessage(sim, user, chatId, content, { threadId: file.threadId, replyTo: file.replyTo });
}

function media(sim: SimState, kind: SimMediaKind, bytes: Buffer, file: SimUserFile): Partial<SimTgMessage> {
  if (kind === 'photo') return { photo: sim.files.issuePhoto(bytes) };
  const mimeType = file.mimeType ?? mimeFromName(file.name);
  const entry = sim.files.issue(kind, bytes, { fileName: file.name, mimeType });
  const base = {
    file_id: entry.fileId,
    file_unique_id: entry.fileUniqueId,
    ...(file.name !== undefined ? { file_name: file.name } : {}),
    ...(mimeType ? { mime_type: mimeType } : {}),
    file_size: entry.size,
  };
  const duration = file.duration ?? 0;
  if (kind === 'document') return { document: base };
  if (kind === 'audio') return { audio: { ...base, duration, ...(file.performer ? { performer: file.performer } : {}), ...(file.title ? { title: file.title } : {}) } };
  return { video: { ...base, width: file.width ?? 0, height: file.height ?? 0, duration } };
}

function caption(text: string | undefined): Partial<SimTgMessage> {
  if (!text) return {};
  const { entities } = textEntities(text);
  return { caption: text, ...(entities ? { caption_entities: entities } : {}) };
}
