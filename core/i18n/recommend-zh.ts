import type { recommendEn } from './recommend-en.ts';

/** 推荐的中文文本。 */
export const recommendZh: Record<keyof typeof recommendEn, string> = {
  'recommend.title': '为你推荐',
  'recommend.nothing': '暂时没有可推荐的：所有已发布的课程你都有了。',
  'recommend.open': '打开 {n}',
  'recommend.buy': '购买 {n}',
  'recommend.similar': '相似课程',
  'recommend.reason.finished': '因为你学完了《{course}》',
  'recommend.reason.took': '学过《{course}》的成员也喜欢',
  'recommend.reason.similar': '与你学过的《{course}》相似',
  'recommend.reason.popular_category': '{category} 中的热门课程',
  'recommend.reason.popular': '社区热门课程',
  'digest.title': '本周为你挑选',
  'digest.footer': '每周推荐 · 更多请用 /recommend',
  'command.recommend': '为你挑选的课程，附推荐理由',
  'command.recommend.page': '页码',
};
