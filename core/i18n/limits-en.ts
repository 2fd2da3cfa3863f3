/** English texts of rate limits. */
export const limitsEn = {
  'settings.rateLimits': 'Rate limits',
  'settings.rateLimit.commands': 'A member, per command: {points} per {seconds} s',
  'settings.rateLimit.buttons': 'A member, per kind of button: {points} per {seconds} s',
  'settings.rateLimit.creator': 'Owners, creators and staff together: {points} commands per {seconds} s',
  'settings.rateLimit.announce': 'Announcements and live sessions: {points} per {seconds} s',
  'settings.rateLimit.joins': 'Telegram join requests declined per chat: {points} per {seconds} s (beyond: left pending)',
  'command.settings.rateLimits': 'name=uses/seconds, comma-separated (commands, buttons, creator, announce, joins), or default',
} as const;
