import type { Block, Inline } from '../../core/studio/markdown.ts';

const escape = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const escapeAttribute = (text: string) => escape(text).replaceAll('"', '&quot;');

/** A lesson's parsed text as Telegram HTML (parse_mode HTML): every character of creator text escaped. */
export function telegramHtml(blocks: Block[]): string {
  return blocks
    .map((block) => {
      if (block.type === 'code') return `<pre>${escape(block.text)}</pre>`;
      if (block.type === 'list') return block.items.map((item, index) => `${block.ordered ? `${index + 1}.` : '•'} ${inline(item)}`).join('\n');
      return block.lines.map(inline).join('\n');
    })
    .join('\n\n');
}

function inline(nodes: Inline[]): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case 'text':
          return escape(node.text);
        case 'bold':
          return `<b>${inline(node.children)}</b>`;
        case 'italic':
          return `<i>${inline(node.children)}</i>`;
        case 'code':
          return `<code>${escape(node.text)}</code>`;
        case 'link':
          return `<a href="${escapeAttribute(node.url)}">${inline(node.children)}</a>`;
      }
    })
    .join('');
}
