import { describe, expect, it } from 'vitest';
import { decodeAction } from '../../../../core/actions.ts';
import { renderReply } from '../../../../bots/console/render.ts';

const courseId = '0b6f3c1e-8d2a-4f51-9a7b-3c2d1e0f4a5b';

describe('renderReply', () => {
  it('renders text, fields and keys that decode back to the buttons’ actions', () => {
    const rendered = renderReply(
      {
        title: 'Courses',
        body: 'Showing 6-6 of 6',
        fields: [{ name: '6. Python', value: 'Programming\nLearn it' }],
        footer: 'Page 2 of 2',
        actions: [
          { buttons: [{ label: '6', action: { type: 'course.show', courseId } }] },
          { buttons: [{ label: '◀ Prev', action: { type: 'courses.page', page: 1 } }] },
          {
            select: {
              placeholder: 'Filter',
              options: [
                { label: 'All', action: { type: 'courses.page', page: 1 }, selected: true },
                { label: 'Data', action: { type: 'courses.page', page: 1, category: 'Data' } },
              ],
            },
          },
        ],
      },
      'Filter',
    );
    expect(rendered.text).toBe(
      [
        '━━ Courses ━━',
        'Showing 6-6 of 6',
        '6. Python',
        '   Programming',
        '   Learn it',
        'Page 2 of 2',
        '[6]',
        '[a] ◀ Prev',
        'Filter: [b] *All*  [c] Data',
      ].join('\n'),
    );
    expect(decodeAction(rendered.keys.get('6') ?? '')).toEqual({ type: 'course.show', courseId });
    expect(decodeAction(rendered.keys.get('c') ?? '')).toEqual({ type: 'courses.page', page: 1, category: 'Data' });
  });
});
