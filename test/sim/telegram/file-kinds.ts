/**
 * What Telegram reads from a file: the MIME type from the name's extension (TDLib's
 * MimeType::from_extension; unknown extensions get none) and an image's dimensions from its
 * header (JPEG, PNG, GIF, WebP, BMP), without which sendPhoto answers IMAGE_PROCESS_FAILED.
 */
import type { SimMediaKind } from './file-types.ts';

const MIME_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  zip: 'application/zip',
  json: 'application/json',
  epub: 'application/epub+zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  html: 'text/html',
  htm: 'text/html',
  xml: 'application/xml',
  svg: 'image/svg+xml',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/opus',
  wav: 'audio/x-wav',
  flac: 'audio/flac',
  mp4: 'video/mp4',
  m4v: 'video/x-m4v',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  avi: 'video/x-msvideo',
  exe: 'application/x-msdownload',
};

export function extensionOf(name: string | undefined): string | undefined {
  const match = /\.([A-Za-z0-9]{1,10})$/.exec(name ?? '');
  return match?.[1]?.toLowerCase();
}

export function mimeFromName(name: string | undefined): string | undefined {
  const extension = extensionOf(name);
  return extension ? MIME_TYPES[extension] : undefined;
}

/** The folder of a file_path, as telegram-bot-api names it (TDLib get_file_type_name). */
export const FILE_FOLDERS: Record<SimMediaKind, string> = { document: 'documents', photo: 'photos', audio: 'music', video: 'videos' };
/** TDLib's type names in "can't use file of type X as Y". */
export const TDLIB_TYPE_NAMES: Record<SimMediaKind, string> = { document: 'Document', photo: 'Photo', audio: 'Audio', video: 'Video' };
export const DEFAULT_EXTENSIONS: Record<SimMediaKind, string> = { document: 'dat', photo: 'jpg', audio: 'mp3', video: 'mp4' };

export type ImageInfo = { format: 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp'; width: number; height: number };

/** An image's format and size from its header, or undefined when the bytes are no image Telegram reads. */
export function imageInfo(bytes: Buffer): ImageInfo | undefined {
  const info = readImage(bytes);
  return info && info.width > 0 && info.height > 0 ? info : undefined;
}

function readImage(b: Buffer): ImageInfo | undefined {
  if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.toString('latin1', 12, 16) === 'IHDR') {
    return { format: 'png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  if (b.length >= 10 && /^GIF8[79]a$/.test(b.toString('latin1', 0, 6))) return { format: 'gif', width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
  if (b.length >= 26 && b.toString('latin1', 0, 2) === 'BM') return { format: 'bmp', width: b.readInt32LE(18), height: Math.abs(b.readInt32LE(22)) };
  if (b.length >= 30 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return readWebp(b);
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) return readJpeg(b);
  return undefined;
}

function readWebp(b: Buffer): ImageInfo | undefined {
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8X') return { format: 'webp', width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
  if (chunk === 'VP8L') {
    const bits = b.readUInt32LE(21);
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8 ') return { format: 'webp', width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  return undefined;
}

/** Walks the JPEG markers to the first start-of-frame (SOF0-SOF15 but DHT, JPG and DAC). */
function readJpeg(b: Buffer): ImageInfo | undefined {
  let offset = 2;
  while (offset + 9 < b.length) {
    if (b[offset] !== 0xff) return undefined;
    const marker = b[offset + 1]!;
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    const length = b.readUInt16BE(offset + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { format: 'jpeg', height: b.readUInt16BE(offset + 5), width: b.readUInt16BE(offset + 7) };
    }
    offset += 2 + length;
  }
  return undefined;
}
