import type { privacyEn } from './privacy-en.ts';

/** 成员数据权利的中文文本。 */
export const privacyZh: Record<keyof typeof privacyEn, string> = {
  'privacy.exported': '你在 {community} 的数据',
  'privacy.exportBody': 'Lyceum 在这里保存的关于该成员的全部数据：来自 {tables} 张表的 {rows} 条记录，JSON 格式。',
  'help.privacy': '/privacy export：获取 Lyceum 在这里保存的关于你的全部数据',
  'command.privacy': '你在本社区的数据',
  'command.privacy.export': '获取 Lyceum 在这里保存的关于你的全部数据',
  'command.privacy.member': '所有者和创作者：提出请求的成员',
};
