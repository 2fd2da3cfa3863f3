import type { courseLevel, courseStatus } from '../db/schema/index.ts';
import { can, type MemberRole } from '../members/rbac.ts';

export type CourseStatus = (typeof courseStatus.enumValues)[number];
export type CourseLevel = (typeof courseLevel.enumValues)[number];

/** Statuses a role may see: members only published courses, staff and up all but archived. */
export const visibleStatuses = (role: MemberRole): CourseStatus[] =>
  can(role, 'catalog.view_unpublished') ? ['draft', 'review', 'published'] : ['published'];

export type CourseListItem = {
  id: string;
  slug: string;
  title: string;
  summary: string;
  category: string;
  level: CourseLevel;
  language: string;
  status: CourseStatus;
  lessonCount: number;
};
