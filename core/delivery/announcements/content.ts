import { announcements } from '../../db/schema/index.ts';
import { type Locale, t } from '../../i18n/index.ts';
import type { Reply } from '../../reply.ts';
import { parseMarkdown, plainText } from '../../studio/markdown.ts';

export type Announcement = typeof announcements.$inferSelect;

/**
 * How much text an announcement may carry: what fits one Telegram message (4,096) and one Discord
 * embed (4,096) with its title, and under a file what Telegram allows as a caption (1,024).
 */
export const announcementLimits = { text: 4_000, caption: 1_000, title: 100 } as const;

/** The text too long for a platform it goes to, with which limit it breaks; undefined when it fits. */
export function tooLong(text: string, options: { file: boolean; telegram: boolean }): { length: number; limit: number; reason: 'text' | 'caption' } | undefined {
  const length = Array.from(plainText(parseMarkdown(text).blocks)).length;
  if (options.file && options.telegram && length > announcementLimits.caption) return { length, limit: announcementLimits.caption, reason: 'caption' };
  if (length > announcementLimits.text) return { length, limit: announcementLimits.text, reason: 'text' };
  return undefined;
}

/**
 * The announcement as members see it. A private message carries the one-press "Stop these
 * messages"; a post in a channel or group does not (it is not addressed to anyone).
 */
export function announcementReply(announcement: Pick<Announcement, 'title' | 'body' | 'file'>, options: { locale: Locale; privateMessage: boolean }): Reply {
  return {
    title: `📣 ${announcement.title}`,
    blocks: parseMarkdown(announcement.body).blocks,
    ...(announcement.file ? { files: [announcement.file] } : {}),
    ...(options.privateMessage
      ? { actions: [{ buttons: [{ label: t(options.locale, 'notifications.unsubscribe'), action: { type: 'notifications.off' as const, kind: 'announcements' as const } }] }] }
      : {}),
  };
}
