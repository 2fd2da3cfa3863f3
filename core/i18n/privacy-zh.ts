import type { privacyEn } from './privacy-en.ts';

/** 成员数据权利的中文文本。 */
export const privacyZh: Record<keyof typeof privacyEn, string> = {
  'privacy.exported': '你在 {community} 的数据',
  'privacy.exportBody': 'Lyceum 在这里保存的关于该成员的全部数据：来自 {tables} 张表的 {rows} 条记录，JSON 格式。',
  'privacy.deleteTitle': '删除你在 {community} 的数据？',
  'privacy.deleteWarning': '这会删除你在这里的资料、学习进度、评论、评分和客服对话，并结束你的成员身份。购买记录以"已删除的成员"保留在账目中，不含任何能识别你的信息。此操作无法撤销。',
  'privacy.deleteWarningFor': '这会删除该成员在这里的资料、学习进度、评论、评分和客服对话，并结束其成员身份。购买记录以"已删除的成员"保留在账目中。此操作无法撤销。',
  'privacy.deleteConfirm': '永久删除',
  'privacy.cancelFirst': '这里仍有可能向该成员扣费的订阅：请先取消（/cancel），再删除。',
  'privacy.deleted': '完成：你在 {community} 的数据已删除。',
  'privacy.deletedFor': '完成：该成员在 {community} 的数据已删除。',
  'help.privacy': '/privacy export|delete：获取或删除 Lyceum 在这里保存的关于你的全部数据',
  'command.privacy': '你在本社区的数据',
  'command.privacy.export': '获取 Lyceum 在这里保存的关于你的全部数据',
  'command.privacy.member': '所有者和创作者：提出请求的成员',
  'command.privacy.delete': '删除 Lyceum 在这里保存的关于你的数据（会先确认）',
};
