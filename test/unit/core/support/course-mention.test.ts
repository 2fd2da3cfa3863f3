import { describe, expect, it } from 'vitest';
import { findCourseMention } from '../../../../core/support/intents/course-mention.ts';
import { demoCourses } from '../../../../core/seed/demo-catalog.ts';

const catalogue = demoCourses.map((course, index) => ({ id: String(index), slug: course.slug, title: course.title }));
const mentioned = (text: string) => findCourseMention(text, catalogue)?.title;

describe('findCourseMention', () => {
  it('finds the course a message names, typos and all, in English and Chinese', () => {
    expect(mentioned('what is in sql for analyst?')).toBe('SQL for Analysts');
    expect(mentioned('how long is typescript fundamentals')).toBe('TypeScript Fundamentals');
    expect(mentioned('is the protoyping figma course good')).toBe('Prototyping in Figma');
    expect(mentioned('tell me about the figma one')).toBe('Prototyping in Figma');
    expect(mentioned('asynchronus javascript lessons?')).toBe('Asynchronous JavaScript in Depth');
    expect(mentioned('机器学习那门课难不难')).toBe('机器学习实战');
    expect(mentioned('python 入门课都讲啥')).toBe('Python 编程入门');
    expect(mentioned('品牌视觉设计有视频吗')).toBe('品牌视觉设计');
  });

  it('does not guess when nothing, or only a shared word, points at one course', () => {
    expect(mentioned('what courses do you have')).toBeUndefined();
    expect(mentioned('is the python course good')).toBeUndefined();
    expect(mentioned('有设计课吗')).toBeUndefined();
    expect(mentioned('i want a refund')).toBeUndefined();
  });
});
