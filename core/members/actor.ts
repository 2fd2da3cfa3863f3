import type { platform } from '../db/schema/index.ts';
import type { Locale } from '../i18n/index.ts';
import type { MemberRole } from './rbac.ts';

export type Platform = (typeof platform.enumValues)[number];

/**
 * Who is asking, as an adapter reports it from a platform event. Only platform-verified facts:
 * the user id comes from the signed interaction or Bot API update, never from message text.
 */
export type Caller = {
  platform: Platform;
  userId: string;
  displayName: string;
  username?: string | undefined;
  /** The platform's locale tag for the user, e.g. Discord `zh-CN`, Telegram `en`. */
  locale?: string | undefined;
  /** The guild or group the event happened in; undefined in a private chat. */
  spaceId?: string | undefined;
  /** Telegram: the bot's message whose button was pressed (it is edited with the answer). */
  pressed?: { chatId: string; messageId: string } | undefined;
};

/** A caller resolved to a member of one community: the subject of every use case. */
export type Actor = {
  memberId: string;
  communityId: string;
  communityName: string;
  /** Also the deep-link payload that opens a private chat about this community. */
  communitySlug: string;
  role: MemberRole;
  locale: Locale;
  platform: Platform;
  platformUserId: string;
};
