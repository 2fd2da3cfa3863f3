import { escapeMarkdown } from 'discord.js';
import type { Block, Inline } from '../../core/studio/markdown.ts';

/**
 * A lesson's parsed text in Discord Markdown. Creator text is escaped, so only the subset's own
 * markup is interpreted (no headings, quotes, spoilers or masked links it did not ask for);
 * mentions inside are inert because every message goes out with `allowed_mentions: { parse: [] }`.
 */
export function discordMarkdown(blocks: Block[]): string {
  return blocks
    .map((block) => {
      if (block.type === 'code') return `\`\`\`\n${block.text.replaceAll('```', '`\u200b``')}\n\`\`\``;
      if (block.type === 'list') return block.items.map((item, index) => `${block.ordered ? `${index + 1}.` : '-'} ${inline(item)}`).join('\n');
      return block.lines.map((line) => escapeLineStart(inline(line))).join('\n');
    })
    .join('\n\n');
}

function inline(nodes: Inline[]): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case 'text':
          return escapeMarkdown(node.text, { numberedList: true, bulletedList: true, heading: true, maskedLink: true });
        case 'bold':
          return `**${inline(node.children)}**`;
        case 'italic':
          return `*${inline(node.children)}*`;
        case 'code':
          return node.text.includes('`') ? `\`\` ${node.text} \`\`` : `\`${node.text}\``;
        case 'link':
          return `[${inline(node.children).replaceAll(']', '\\]')}](${node.url.replaceAll(')', '%29')})`;
      }
    })
    .join('');
}

/** A paragraph line that starts like a quote or heading stays text. */
const escapeLineStart = (line: string) => line.replace(/^(>|#)/, '\\$1');
