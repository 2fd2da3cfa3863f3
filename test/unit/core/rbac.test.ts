import { describe, expect, it } from 'vitest';
import { can } from '../../../core/members/rbac.ts';

describe('can', () => {
  it('lets staff and up see unpublished courses, but not members', () => {
    expect(can('owner', 'catalog.view_unpublished')).toBe(true);
    expect(can('creator', 'catalog.view_unpublished')).toBe(true);
    expect(can('staff', 'catalog.view_unpublished')).toBe(true);
    expect(can('member', 'catalog.view_unpublished')).toBe(false);
  });

  it('keeps community management to the owner', () => {
    expect(can('owner', 'community.manage')).toBe(true);
    expect(can('creator', 'community.manage')).toBe(false);
    expect(can('staff', 'community.manage')).toBe(false);
  });
});
