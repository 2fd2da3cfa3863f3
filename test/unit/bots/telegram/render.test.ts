import { describe, expect, it } from 'vitest';
import { renderTelegramMessage, TEXT_LIMIT } from '../../../../bots/telegram/render.ts';
import { parseHtml } from '../../../sim/telegram/html.ts';

describe('renderTelegramMessage', () => {
  it('escapes text into valid Telegram HTML', () => {
    const message = renderTelegramMessage({ title: 'A <b> & co', body: '1 < 2', fields: [{ name: 'x>y', value: 'tags: <script>' }], footer: 'end' });
    expect(message.text).toBe('<b>A &lt;b&gt; &amp; co</b>\n\n1 &lt; 2\n\n<b>x&gt;y</b>\ntags: &lt;script&gt;\n\n<i>end</i>');
    expect(parseHtml(message.text)).toMatchObject({ ok: true, text: 'A <b> & co\n\n1 < 2\n\nx>y\ntags: <script>\n\nend' });
  });

  it('turns a select into a grid of buttons and marks the chosen option', () => {
    const options = ['A', 'B', 'C', 'D'].map((label, index) => ({ label, action: { type: 'courses.page' as const, page: 1, category: label }, selected: index === 0 }));
    const message = renderTelegramMessage({ title: 't', actions: [{ select: { placeholder: 'p', options } }] });
    expect(message.reply_markup?.inline_keyboard.map((row) => row.map((button) => button.text))).toEqual([['• A', 'B', 'C'], ['D']]);
  });

  it('leaves out a button whose payload would exceed 64 bytes, keeping the others', () => {
    const message = renderTelegramMessage({
      title: 't',
      actions: [{ buttons: [{ label: 'ok', action: { type: 'courses.page', page: 2, query: '机器学习' } }, { label: 'too long', action: { type: 'courses.page', page: 2, query: '机'.repeat(30) } }] }],
    });
    expect(message.reply_markup?.inline_keyboard).toEqual([[{ text: 'ok', callback_data: 'cp|2||机器学习' }]]);
  });

  it('stays within Telegram’s text limit, cutting whole fields', () => {
    const fields = Array.from({ length: 10 }, (_, index) => ({ name: `Field ${index}`, value: 'v'.repeat(900) }));
    const message = renderTelegramMessage({ title: 'Big', body: 'b'.repeat(1800), fields });
    const parsed = parseHtml(message.text);
    expect(parsed.ok && parsed.text.length).toBeLessThanOrEqual(TEXT_LIMIT);
    expect(message.text.endsWith('…')).toBe(true);
  });
});
