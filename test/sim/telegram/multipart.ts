/**
 * multipart/form-data as telegraf sends it (`InputFile` `{ source, filename }`): text parts
 * become string parameters, parts with a filename become `UploadedFile`s, as the Bot API reads
 * them (a file may also be named by another parameter as `attach://<part name>`).
 */
import { createHash } from 'node:crypto';

export class UploadedFile {
  readonly sha256: string;

  constructor(
    readonly filename: string,
    readonly bytes: Buffer,
    readonly contentType?: string,
  ) {
    this.sha256 = createHash('sha256').update(bytes).digest('hex');
  }

  /** What a recorded call keeps of the upload (not the bytes). */
  summary(): { upload: string; size: number; sha256: string } {
    return { upload: this.filename, size: this.bytes.length, sha256: this.sha256 };
  }
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

export function boundaryOf(contentType: string): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** Parses a whole multipart body; throws on a malformed one. */
export function parseMultipart(body: Buffer, boundary: string): Record<string, string | UploadedFile> {
  const delimiter = Buffer.from(`--${boundary}`);
  const result: Record<string, string | UploadedFile> = {};
  let position = body.indexOf(delimiter);
  if (position < 0) throw new Error('no multipart boundary');
  for (;;) {
    position += delimiter.length;
    if (body.subarray(position, position + 2).toString() === '--') return result;
    if (!body.subarray(position, position + 2).equals(CRLF)) throw new Error('malformed multipart delimiter');
    position += 2;
    const headerEnd = body.indexOf(HEADER_END, position);
    if (headerEnd < 0) throw new Error('unterminated multipart headers');
    const headers = parseHeaders(body.subarray(position, headerEnd).toString('utf8'));
    const contentStart = headerEnd + HEADER_END.length;
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), contentStart);
    if (next < 0) throw new Error('unterminated multipart part');
    const content = body.subarray(contentStart, next);
    const disposition = headers['content-disposition'] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw new Error('multipart part without a name');
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    result[name] = filename === undefined ? content.toString('utf8') : new UploadedFile(filename, Buffer.from(content), headers['content-type']);
    position = next + CRLF.length;
  }
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}
