import type { memberRole } from '../db/schema/index.ts';

export type MemberRole = (typeof memberRole.enumValues)[number];

/**
 * Who may do what, by community role. Checked in core use cases, never only in adapters.
 * Platform facts (a Discord "Manage Server" permission, a Telegram chat admin) are inputs to
 * specific use cases such as /setup, not roles.
 */
const grants = {
  'catalog.view_unpublished': ['owner', 'creator', 'staff'],
  'catalog.manage': ['owner', 'creator'],
  /** Approve or send back a course revision; authors (creators) do not review their own work. */
  'catalog.review': ['owner', 'staff'],
  'community.manage': ['owner'],
  'support.handle': ['owner', 'creator', 'staff'],
  'stats.view': ['owner', 'creator'],
  /** Read the audit log: who did what privileged thing, from where. */
  'audit.view': ['owner'],
  /** Products: create, edit, archive. */
  'commerce.manage': ['owner', 'creator'],
  /** Sales figures and refunds. */
  'commerce.sales': ['owner', 'creator'],
  /** Announcements and live sessions to the community's members. */
  'delivery.announce': ['owner', 'creator'],
  /** Export (and erase) a member's data on their request, when they cannot do it themselves. */
  'privacy.manage': ['owner', 'creator'],
} as const satisfies Record<string, readonly MemberRole[]>;

export type Permission = keyof typeof grants;

export function can(role: MemberRole, permission: Permission): boolean {
  return (grants[permission] as readonly MemberRole[]).includes(role);
}

/** Every role that holds the permission (for queries such as "who handles support here"). */
export function rolesWith(permission: Permission): MemberRole[] {
  return [...grants[permission]];
}
