/** English texts of recommendations. */
export const recommendEn = {
  'recommend.title': 'Recommended for you',
  'recommend.nothing': 'Nothing to recommend right now: you hold every published course.',
  'recommend.open': 'Open {n}',
  'recommend.buy': 'Buy {n}',
  'recommend.similar': 'Similar courses',
  'recommend.reason.finished': 'Because you finished {course}',
  'recommend.reason.took': 'Popular with members who took {course}',
  'recommend.reason.similar': 'Like {course}, which you took',
  'recommend.reason.popular_category': 'Popular in {category}',
  'recommend.reason.popular': 'Popular in the community',
  'digest.title': 'Your picks this week',
  'digest.footer': 'Weekly picks · /recommend for more',
  'command.recommend': 'Courses picked for you, with the reason for each',
  'command.recommend.page': 'Page',
} as const;
