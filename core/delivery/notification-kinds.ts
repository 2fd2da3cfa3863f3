/** The kinds of messages a member may turn off (`/notifications`); receipts and access messages are not among them. */
export const notificationKinds = ['announcements', 'drip', 'reminders', 'digests', 'dms'] as const;
export type NotificationKind = (typeof notificationKinds)[number];
