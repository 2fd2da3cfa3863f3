import type { ReplyForm } from '../reply.ts';

/**
 * A form as the command that fills it in, for where no form can be shown (the console, a Discord
 * interaction already deferred): `/lesson action:edit course:… lesson:… version:3 title:"…"`.
 */
export function formAsCommand(form: ReplyForm): string {
  if (form.submit.type !== 'form.submit') return '';
  const quoted = (value: string) => (/^\S+$/.test(value) ? value : `"${value.replaceAll('"', "'")}"`);
  const fixed = Object.entries(form.submit.options).map(([key, value]) => `${key}:${quoted(value)}`);
  const asked = form.inputs.map((input) => (input.style === 'file' ? `[${input.key}:<file>]` : `${input.required ? '' : '['}${input.key}:${quoted(input.value || '…')}${input.required ? '' : ']'}`));
  return `/${form.submit.command} ${[...fixed, ...asked].join(' ')}`;
}
