import type { limitsEn } from './limits-en.ts';

/** 频率限制的中文文本。 */
export const limitsZh: Record<keyof typeof limitsEn, string> = {
  'settings.rateLimits': '频率限制',
  'settings.rateLimit.commands': '每位成员每个命令：{seconds} 秒内 {points} 次',
  'settings.rateLimit.buttons': '每位成员每类按钮：{seconds} 秒内 {points} 次',
  'settings.rateLimit.creator': '所有者、创作者和工作人员合计：{seconds} 秒内 {points} 条命令',
  'settings.rateLimit.announce': '公告和直播：{seconds} 秒内 {points} 次',
  'settings.rateLimit.joins': '每个 Telegram 群拒绝的入群申请：{seconds} 秒内 {points} 个（超出的保持待处理）',
  'command.settings.rateLimits': '限制，格式为 名称=次数/秒，用逗号分隔（commands、buttons、creator、announce、joins），或 default',
};
