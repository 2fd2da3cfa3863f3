import { describe, expect, it } from 'vitest';
import { decodeAction, encodeAction } from '../../../../core/actions.ts';
import { actionPayload, isPrivateReply, renderDiscordMessage } from '../../../../bots/discord/render.ts';

const page1 = { type: 'courses.page', page: 1 } as const;

describe('renderDiscordMessage', () => {
  it('renders a titled reply as an embed with buttons and a select carrying encoded actions', () => {
    const message = renderDiscordMessage({
      title: 'Courses',
      body: 'Showing 1-5',
      fields: [{ name: '1. Python', value: 'Programming' }],
      footer: 'Page 1 of 2',
      actions: [
        { buttons: [{ label: 'Next ▶', action: { type: 'courses.page', page: 2 }, style: 'primary' }, { label: 'Docs', url: 'https://x.test' }] },
        { select: { placeholder: 'Filter', options: [{ label: 'Data', action: { type: 'courses.page', page: 1, category: 'Data' }, selected: true }] } },
      ],
    });
    expect(message.content).toBeUndefined();
    expect(message.embeds[0]).toMatchObject({ title: 'Courses', description: 'Showing 1-5', footer: { text: 'Page 1 of 2' } });
    expect(message.components[0]?.components).toEqual([
      { type: 2, style: 1, label: 'Next ▶', custom_id: 'cp|2||' },
      { type: 2, style: 5, label: 'Docs', url: 'https://x.test' },
    ]);
    const select = message.components[1]?.components[0] as { custom_id: string; options: Array<{ value: string; default?: boolean }> };
    expect(select.options).toEqual([{ label: 'Data', value: 'cp|1|Data|', default: true }]);
    expect(decodeAction(actionPayload(select.custom_id, [select.options[0]!.value]))).toEqual({ ...page1, category: 'Data' });
  });

  it('gives a repeated action a distinct custom_id that still decodes to it', () => {
    const message = renderDiscordMessage({
      title: 'x',
      actions: [{ buttons: [{ label: '1', action: page1 }, { label: 'All', action: page1 }] }],
    });
    const ids = message.components[0]!.components.map((component) => (component as { custom_id: string }).custom_id);
    expect(new Set(ids).size).toBe(2);
    expect(ids.map((id) => decodeAction(actionPayload(id, undefined)))).toEqual([page1, page1]);
    expect(actionPayload(`${encodeAction(page1)}~x`, undefined)).toBe('cp|1||~x');
  });

  it('sends a bare body (errors, hints) as plain content', () => {
    expect(renderDiscordMessage({ body: 'Nope.', ephemeral: true })).toEqual({ content: 'Nope.', embeds: [], components: [], allowedMentions: { parse: [] } });
  });

  it('keeps long, ephemeral and confidential replies to the invoking user', () => {
    expect([{ long: true }, { ephemeral: true }, { confidential: true }, {}].map(isPrivateReply)).toEqual([true, true, true, false]);
  });
});
