/**
 * The Markdown a lesson body may use: **bold**, *italic* or _italic_, `code`, fenced code blocks,
 * [links](https://...) and lists ("- ", "* ", "1. "). Parsed once into a small tree that every
 * adapter renders in its own markup (Discord Markdown, Telegram HTML, plain text), so nothing a
 * creator types can become markup the platform would interpret (HTML, mentions, spoilers).
 */
export type Inline =
  | { type: 'text'; text: string }
  | { type: 'bold' | 'italic'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'link'; url: string; children: Inline[] };

export type Block =
  | { type: 'paragraph'; lines: Inline[][] }
  | { type: 'list'; ordered: boolean; items: Inline[][] }
  | { type: 'code'; text: string };

export type MarkdownProblem = { line: number; reason: 'html' | 'bad_link' | 'unclosed_code'; detail: string };

const HTML_TAG = /<\/?[a-z][\w-]*(\s[^<>]*)?\/?>|<!--|<!doctype/i;
const LIST_ITEM = /^\s*(?:([-*])|(\d{1,3})[.)])\s+(.*)$/;

/** Parses a body; HTML (script included), links that are not http(s) and unclosed code fences are problems, never rendered. */
export function parseMarkdown(source: string): { blocks: Block[]; problems: MarkdownProblem[] } {
  const problems: MarkdownProblem[] = [];
  const blocks: Block[] = [];
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let paragraph: Inline[][] = [];
  let list: { ordered: boolean; items: Inline[][] } | undefined;
  const flush = () => {
    if (paragraph.length) blocks.push({ type: 'paragraph', lines: paragraph });
    if (list) blocks.push({ type: 'list', ...list });
    paragraph = [];
    list = undefined;
  };
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trimStart().startsWith('```')) {
      flush();
      const start = index;
      const code: string[] = [];
      while (++index < lines.length && !lines[index]!.trimStart().startsWith('```')) code.push(lines[index]!);
      if (index >= lines.length) problems.push({ line: start + 1, reason: 'unclosed_code', detail: '```' });
      blocks.push({ type: 'code', text: code.join('\n') });
      continue;
    }
    const html = HTML_TAG.exec(line.replace(/`[^`]*`/g, ''));
    if (html) problems.push({ line: index + 1, reason: 'html', detail: html[0].slice(0, 40) });
    if (!line.trim()) {
      flush();
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      const ordered = item[2] !== undefined;
      if (paragraph.length || (list && list.ordered !== ordered)) flush();
      list ??= { ordered, items: [] };
      list.items.push(parseInline(item[3]!, index + 1, problems));
    } else {
      if (list) flush();
      paragraph.push(parseInline(line.trim(), index + 1, problems));
    }
  }
  flush();
  return { blocks, problems };
}

const INLINE = /\*\*(.+?)\*\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])|(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)/g;

function parseInline(text: string, line: number, problems: MarkdownProblem[]): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) out.push({ type: 'text', text: text.slice(last, match.index) });
    last = match.index + match[0].length;
    const [, bold, code, label, url, star, underscore] = match;
    if (bold !== undefined) out.push({ type: 'bold', children: parseInline(bold, line, problems) });
    else if (code !== undefined) out.push({ type: 'code', text: code });
    else if (label !== undefined && url !== undefined) {
      if (isWebUrl(url)) out.push({ type: 'link', url, children: parseInline(label, line, problems) });
      else {
        problems.push({ line, reason: 'bad_link', detail: url.slice(0, 60) });
        out.push({ type: 'text', text: label });
      }
    } else out.push({ type: 'italic', children: parseInline(star ?? underscore ?? '', line, problems) });
  }
  if (last < text.length) out.push({ type: 'text', text: text.slice(last) });
  return out;
}

export function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.includes('.');
  } catch {
    return false;
  }
}

/** The text without markup, e.g. for search, summaries and the console. */
export function plainText(blocks: Block[]): string {
  const inline = (nodes: Inline[]): string =>
    nodes.map((node) => (node.type === 'text' || node.type === 'code' ? node.text : node.type === 'link' ? `${inline(node.children)} (${node.url})` : inline(node.children))).join('');
  return blocks
    .map((block) =>
      block.type === 'code'
        ? block.text
        : block.type === 'list'
          ? block.items.map((item, i) => `${block.ordered ? `${i + 1}.` : '•'} ${inline(item)}`).join('\n')
          : block.lines.map(inline).join('\n'),
    )
    .join('\n\n');
}
