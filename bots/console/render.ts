import { encodeAction } from '../../core/actions.ts';
import { formAsCommand } from '../../core/forms/form-command.ts';
import type { Reply, ReplyButton } from '../../core/reply.ts';
import { plainText } from '../../core/studio/markdown.ts';

export type RenderedReply = { text: string; keys: Map<string, string> };

/**
 * Renders a Reply as terminal text. Each button and select option gets a key to type: its label
 * when the label is a number (course 1..n), otherwise the next free letter. `keys` maps each key
 * to the encoded action, which goes back through the same decoder as Discord and Telegram.
 */
export function renderReply(reply: Reply, filterLabel: string): RenderedReply {
  const lines: string[] = [];
  const keys = new Map<string, string>();
  let nextLetter = 0;
  const keyFor = (label: string) => {
    if (/^\d+$/.test(label) && !keys.has(label)) return label;
    let key: string;
    do key = String.fromCharCode(97 + nextLetter++);
    while (keys.has(key));
    return key;
  };

  if (reply.title) lines.push(`━━ ${reply.title} ━━`);
  if (reply.body) lines.push(reply.body);
  if (reply.blocks?.length) lines.push(plainText(reply.blocks));
  for (const file of reply.files ?? []) lines.push(`📎 ${file.name} (${file.mime}, ${formatSize(file.size)})`);
  for (const field of reply.fields ?? []) {
    lines.push(field.inline ? `${field.name}: ${field.value}` : `${field.name}\n${indent(field.value)}`);
  }
  if (reply.footer) lines.push(reply.footer);
  for (const row of reply.actions ?? []) {
    if ('buttons' in row) {
      lines.push(row.buttons.map((button) => renderButton(button, keyFor, keys)).join('  '));
    } else {
      const options = row.select.options.map((option) => {
        const key = keyFor(option.label);
        keys.set(key, encodeAction(option.action));
        return `[${key}] ${option.selected ? `*${option.label}*` : option.label}`;
      });
      lines.push(`${filterLabel}: ${options.join('  ')}`);
    }
  }
  if (reply.form) lines.push(`${reply.form.title}:\n   ${formAsCommand(reply.form)}`);
  return { text: lines.join('\n'), keys };
}

const formatSize = (bytes: number) => (bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

function renderButton(button: ReplyButton, keyFor: (label: string) => string, keys: Map<string, string>): string {
  if ('url' in button) return `${button.label} <${button.url}>`;
  const key = keyFor(button.label);
  keys.set(key, encodeAction(button.action));
  return key === button.label ? `[${key}]` : `[${key}] ${button.label}`;
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `   ${line}`)
    .join('\n');
