/**
 * The kinds of messages a member may turn off (`/notifications`); receipts and access messages are
 * not among them. Buttons carry a kind's index: new kinds go at the end. `summary` is the owners' weekly summary.
 */
export const notificationKinds = ['announcements', 'drip', 'reminders', 'digests', 'dms', 'summary'] as const;
export type NotificationKind = (typeof notificationKinds)[number];
