import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandStringOption,
  ApplicationCommandOptionType,
} from 'discord.js';
import type { MessageKey } from '../../core/i18n/index.ts';
import { notificationKinds } from '../../core/delivery/notification-kinds.ts';
import { studioLimits } from '../../core/studio/fields.ts';
import { type Command, described, inGuilds } from './command-text.ts';

const string = (name: string, key: MessageKey, limits: Partial<APIApplicationCommandStringOption> & { max_length: number }): APIApplicationCommandStringOption => ({ type: ApplicationCommandOptionType.String, name, ...described(key), ...limits });
const subcommand = (name: string, key: MessageKey, options: APIApplicationCommandBasicOption[] = []) => ({ type: ApplicationCommandOptionType.Subcommand as const, name, ...described(key), options });
const attachment = (name: string, key: MessageKey, required = false): APIApplicationCommandBasicOption => ({ type: ApplicationCommandOptionType.Attachment, name, ...described(key), required });
const integer = (name: string, key: MessageKey, min: number, max: number, required = false): APIApplicationCommandBasicOption => ({ type: ApplicationCommandOptionType.Integer, name, ...described(key), min_value: min, max_value: max, required });

const course = string('course', 'command.course.course', { required: true, autocomplete: true, max_length: 120 });
const lesson = integer('lesson', 'command.lesson.lesson', 1, studioLimits.lessonsPerCourse, true);
/** Limits mirror core's `courseFields`, so Discord refuses oversized text before Lyceum sees it. */
const courseFields = (titleRequired: boolean): APIApplicationCommandBasicOption[] => [
  string('title', 'command.course.title', { required: titleRequired, min_length: 2, max_length: studioLimits.title }),
  string('summary', 'command.course.summary', { max_length: studioLimits.summary }),
  string('description', 'command.course.description', { max_length: studioLimits.description }),
  string('category', 'command.course.category', { max_length: studioLimits.category }),
  string('tags', 'command.course.tags', { max_length: 200 }),
  { type: ApplicationCommandOptionType.String, name: 'level', ...described('command.course.level'), choices: (['beginner', 'intermediate', 'advanced'] as const).map((value) => ({ name: value, value })) },
  string('language', 'command.course.language', { min_length: 2, max_length: 7 }),
];
const lessonText = {
  title: (required: boolean) => string('title', 'command.lesson.title', { required, min_length: 1, max_length: studioLimits.title }),
  body: string('body', 'command.lesson.body', { max_length: studioLimits.lessonBody }),
  drip: integer('drip', 'command.lesson.drip', 0, 3650),
};

/**
 * The course studio's commands. Without options, `/course new` and `/lesson add|edit` open a
 * modal (the fields); files come as attachment options, since a modal's text inputs carry none.
 * Visible to everyone; core's RBAC decides who may author, review, rate and moderate.
 */
export const studioCommands: Command[] = [
  {
    name: 'course',
    ...inGuilds,
    ...described('command.course'),
    options: [
      subcommand('show', 'command.course.show', [string('name', 'command.course.name', { required: true, autocomplete: true, max_length: 100 })]),
      subcommand('new', 'command.course.new', courseFields(false)),
      subcommand('edit', 'command.course.edit', [course, ...courseFields(false), attachment('cover', 'command.course.cover')]),
      subcommand('submit', 'command.course.submit', [course]),
      subcommand('import', 'command.course.import', [attachment('file', 'command.course.file', true), { type: ApplicationCommandOptionType.Boolean, name: 'dry_run', ...described('command.course.dryRun') }]),
      subcommand('export', 'command.course.export', [course]),
      subcommand('archive', 'command.course.archive', [course]),
    ],
  },
  {
    name: 'lesson',
    ...inGuilds,
    ...described('command.lesson'),
    options: [
      subcommand('open', 'command.lesson.open', [course, { ...lesson, required: false }]),
      subcommand('add', 'command.lesson.add', [course, lessonText.title(false), lessonText.body, attachment('file', 'command.lesson.file'), lessonText.drip, integer('position', 'command.lesson.position', 1, studioLimits.lessonsPerCourse)]),
      subcommand('edit', 'command.lesson.edit', [course, lesson, lessonText.title(false), lessonText.body, attachment('file', 'command.lesson.file'), lessonText.drip, { type: ApplicationCommandOptionType.Boolean, name: 'clear_files', ...described('command.lesson.clearFiles') }]),
      subcommand('move', 'command.lesson.move', [course, lesson, integer('to', 'command.lesson.to', 1, studioLimits.lessonsPerCourse, true)]),
      subcommand('remove', 'command.lesson.remove', [course, lesson]),
    ],
  },
  {
    name: 'review',
    ...inGuilds,
    ...described('command.review'),
    options: [
      subcommand('list', 'command.review.list'),
      subcommand('approve', 'command.review.approve', [course]),
      subcommand('changes', 'command.review.changes', [course, string('comment', 'command.review.comment', { min_length: 3, max_length: 1000 })]),
    ],
  },
  {
    name: 'rate',
    ...inGuilds,
    ...described('command.rate'),
    options: [course, integer('score', 'command.rate.score', 1, 5, true), string('review', 'command.rate.review', { max_length: 1000 })],
  },
  {
    name: 'notifications',
    ...inGuilds,
    ...described('command.notifications'),
    options: [
      { type: ApplicationCommandOptionType.String, name: 'kind', ...described('command.notifications.kind'), choices: notificationKinds.map((value) => ({ name: value, value })) },
      { type: ApplicationCommandOptionType.String, name: 'state', ...described('command.notifications.state'), choices: [{ name: 'on', value: 'on' }, { name: 'off', value: 'off' }] },
      { type: ApplicationCommandOptionType.String, name: 'platform', ...described('command.notifications.platform'), choices: ['all', 'discord', 'telegram'].map((value) => ({ name: value, value })) },
    ],
  },
  {
    name: 'drip',
    ...inGuilds,
    ...described('command.drip'),
    options: [
      subcommand('status', 'command.drip.status', [{ type: ApplicationCommandOptionType.User, name: 'member', ...described('command.drip.member') }]),
      subcommand('release', 'command.drip.release', [{ type: ApplicationCommandOptionType.User, name: 'member', ...described('command.drip.member'), required: true }, course]),
    ],
  },
  {
    name: 'comment',
    ...inGuilds,
    ...described('command.comment'),
    options: [
      subcommand('reply', 'command.comment.reply', [string('comment', 'command.comment.id', { required: true, min_length: 6, max_length: 37 }), string('text', 'command.comment.text', { required: true, min_length: 1, max_length: 1000 })]),
      subcommand('hide', 'command.comment.hide', [string('comment', 'command.comment.id', { required: true, min_length: 6, max_length: 37 })]),
    ],
  },
];

/** The studio's options of /settings; limits mirror core's `studioSettingsInput`. */
export const studioSettingOptions: APIApplicationCommandBasicOption[] = [
  integer('upload_max_mb', 'command.settings.uploadMaxMb', 1, 50),
  integer('files_per_lesson', 'command.settings.filesPerLesson', 1, 10),
  string('blocked_words', 'command.settings.blockedWords', { min_length: 1, max_length: 1000 }),
];
