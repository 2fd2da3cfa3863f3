import type { Database } from '../core/db/client.ts';
import { communities, courses, lessons, platformSpaces } from '../core/db/schema/index.ts';

const topicsEn = ['Python', 'TypeScript', 'SQL', 'Data Analysis', 'Machine Learning', 'UI Design', 'Figma', 'SEO',
  'Email Marketing', 'Copywriting', 'Pricing', 'Community Building', 'Product Discovery', 'Growth Loops', 'Go',
  'Rust', 'Kubernetes', 'Photography', 'Video Editing', 'Public Speaking'];
const topicsZh = ['增长黑客', '用户增长', '内容运营', '文案写作', '品牌设计', '数据分析', '机器学习', '短视频运营',
  '社群运营', '产品经理', 'Python 编程', '私域流量'];
const formsEn = ['for Beginners', 'in Practice', 'Masterclass', 'Fundamentals', 'Deep Dive', 'Bootcamp', 'Crash Course'];
const formsZh = ['入门', '实战', '训练营', '进阶', '方法论', '30 天挑战'];
const categories = ['Programming', 'Data', 'Design', 'Growth', 'Business', 'Writing', 'Product', 'Media'];
const levels = ['beginner', 'intermediate', 'advanced'] as const;

/**
 * A community with `count` generated courses (about a third in Chinese), three lessons each,
 * plus a second community so every query also has to filter by tenant.
 */
export async function seedLargeCatalog(db: Database, count: number): Promise<{ communityId: string; spaceId: string }> {
  const [community] = await db.insert(communities).values({ slug: 'bench', name: 'Bench Academy' }).returning();
  const [other] = await db.insert(communities).values({ slug: 'bench-other', name: 'Other Academy' }).returning();
  const spaceId = 'bench-space';
  await db.insert(platformSpaces).values({ communityId: community!.id, platform: 'console', kind: 'console', externalId: spaceId });
  for (const [communityId, total] of [[community!.id, count], [other!.id, Math.round(count / 10)]] as const) {
    for (let start = 0; start < total; start += 1000) {
      const batch = Array.from({ length: Math.min(1000, total - start) }, (_, offset) => generated(communityId, start + offset));
      const rows = await db.insert(courses).values(batch).returning({ id: courses.id });
      await db.insert(lessons).values(
        rows.flatMap((row) =>
          [1, 2, 3].map((position) => ({ communityId, courseId: row.id, position, title: `Lesson ${position}` })),
        ),
      );
    }
  }
  await db.execute('analyze');
  return { communityId: community!.id, spaceId };
}

function generated(communityId: string, n: number) {
  const chinese = n % 3 === 0;
  const topics = chinese ? topicsZh : topicsEn;
  const forms = chinese ? formsZh : formsEn;
  const topic = topics[n % topics.length]!;
  const form = forms[Math.floor(n / topics.length) % forms.length]!;
  const title = chinese ? `${topic}${form} 第 ${n} 期` : `${topic} ${form} #${n}`;
  return {
    communityId,
    slug: `course-${n}`,
    title,
    summary: chinese ? `${topic}的系统课程，第 ${n} 期。` : `A practical course on ${topic.toLowerCase()}, edition ${n}.`,
    category: categories[n % categories.length]!,
    tags: [topic.toLowerCase().split(' ')[0]!, chinese ? '中文' : 'english'],
    level: levels[n % levels.length]!,
    language: chinese ? 'zh' : 'en',
    status: n % 17 === 0 ? ('draft' as const) : ('published' as const),
  };
}
