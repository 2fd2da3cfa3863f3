/**
 * Telegram's HTML parse_mode, as the Bot API parses it: the visible text plus entities (offsets
 * and lengths in UTF-16 units), or the error the API answers for malformed markup.
 */
export type MessageEntity = { type: string; offset: number; length: number; url?: string; language?: string };
export type ParsedText = { ok: true; text: string; entities: MessageEntity[] } | { ok: false; error: string };

const TAG_ENTITIES: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  a: 'text_link',
  span: 'spoiler',
  'tg-emoji': 'custom_emoji',
};
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

type Open = { tag: string; offset: number; attributes: Record<string, string>; at: number };

export function parseHtml(input: string): ParsedText {
  let text = '';
  const entities: MessageEntity[] = [];
  const stack: Open[] = [];
  const byteOffset = (index: number) => Buffer.byteLength(input.slice(0, index));
  let i = 0;
  while (i < input.length) {
    const char = input[i]!;
    if (char === '&') {
      const match = /^&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});/.exec(input.slice(i));
      const decoded = match ? decodeEntity(match[1]!) : undefined;
      // An ampersand that starts no known entity stays text, as it does on Telegram.
      text += decoded ?? '&';
      i += decoded !== undefined && match ? match[0].length : 1;
      continue;
    }
    if (char !== '<') {
      text += char;
      i += 1;
      continue;
    }
    // Like Telegram's parser: the tag name runs to a space or '>', then attributes to '>'.
    if (input[i + 1] === '/') {
      const end = input.indexOf('>', i);
      if (end < 0) return fail(`Unclosed end tag at byte offset ${byteOffset(i)}`);
      const name = input.slice(i + 2, end).trim().toLowerCase();
      const open = stack.pop();
      if (!open) return fail(`Unexpected end tag at byte offset ${byteOffset(i)}`);
      if (open.tag !== name) {
        return fail(`Unmatched end tag at byte offset ${byteOffset(i)}, expected "</${open.tag}>", found "</${name}>"`);
      }
      const entity = toEntity(open, text.length - open.offset);
      if (typeof entity === 'string') return fail(`${entity} at byte offset ${byteOffset(open.at)}`);
      if (entity && entity.length > 0) entities.push(entity);
      i = end + 1;
      continue;
    }
    const nameEnd = input.slice(i + 1).search(/[\s>]/);
    if (nameEnd < 0) return fail(`Unclosed start tag at byte offset ${byteOffset(i)}`);
    const name = input.slice(i + 1, i + 1 + nameEnd).toLowerCase();
    if (!(name in TAG_ENTITIES)) return fail(`Unsupported start tag "${name}" at byte offset ${byteOffset(i)}`);
    const end = input.indexOf('>', i);
    if (end < 0) return fail(`Unclosed start tag at byte offset ${byteOffset(i)}`);
    const raw = input.slice(i + 1, end);
    const attributes: Record<string, string> = {};
    for (const attribute of raw.slice(name.length).matchAll(/([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))/g)) {
      attributes[attribute[1]!.toLowerCase()] = decodeAll(attribute[2] ?? attribute[3] ?? attribute[4] ?? '');
    }
    stack.push({ tag: name, offset: text.length, attributes, at: i });
    i = end + 1;
  }
  const unclosed = stack.pop();
  if (unclosed) return fail(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { ok: true, text, entities };
}

function toEntity(open: Open, length: number): MessageEntity | string | undefined {
  const base = { offset: open.offset, length };
  switch (open.tag) {
    case 'a': {
      const href = open.attributes.href;
      if (!href) return undefined;
      if (!/^(https?|tg):\/\//i.test(href) && !/^mailto:/i.test(href)) return `Invalid URL "${href}"`;
      return { type: 'text_link', ...base, url: href };
    }
    case 'span':
      return open.attributes.class === 'tg-spoiler' ? { type: 'spoiler', ...base } : 'Tag "span" must have class "tg-spoiler"';
    case 'code':
      return { type: 'code', ...base };
    default:
      return { type: TAG_ENTITIES[open.tag]!, ...base };
  }
}

function decodeEntity(body: string): string | undefined {
  if (body.startsWith('#x')) return String.fromCodePoint(Number.parseInt(body.slice(2), 16));
  if (body.startsWith('#')) return String.fromCodePoint(Number.parseInt(body.slice(1), 10));
  return NAMED_ENTITIES[body.toLowerCase()];
}

const decodeAll = (value: string) =>
  value.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});/g, (whole, body: string) => decodeEntity(body) ?? whole);

const fail = (reason: string): ParsedText => ({ ok: false, error: `Bad Request: can't parse entities: ${reason}` });
