import { type APIApplicationCommandBasicOption, ApplicationCommandOptionType } from 'discord.js';
import { exportMetrics } from '../../core/analytics/stats-command.ts';
import type { MessageKey } from '../../core/i18n/index.ts';
import { type Command, described, inGuilds } from './command-text.ts';

const choices = (values: readonly string[]) => values.map((value) => ({ name: value, value }));
const string = (name: string, key: MessageKey, extra: Record<string, unknown> = {}): APIApplicationCommandBasicOption => ({ type: ApplicationCommandOptionType.String, name, ...described(key), ...extra }) as APIApplicationCommandBasicOption;
const integer = (name: string, key: MessageKey, min: number, max: number): APIApplicationCommandBasicOption => ({ type: ApplicationCommandOptionType.Integer, name, ...described(key), min_value: min, max_value: max });
const subcommand = (name: string, key: MessageKey, options: APIApplicationCommandBasicOption[] = []) => ({ type: ApplicationCommandOptionType.Subcommand as const, name, ...described(key), options });
const period = string('period', 'command.stats.period', { max_length: 40 });
const code = (required: boolean) => string('code', 'command.coupon.code', { required, min_length: 3, max_length: 32 });

/** `/coupon` and `/stats`; limits mirror core's inputs, and core's RBAC decides who may use them. */
export const growthCommands: Command[] = [
  {
    name: 'coupon',
    ...inGuilds,
    ...described('command.coupon'),
    options: [
      subcommand('create', 'command.coupon.create', [
        code(true),
        integer('percent', 'command.coupon.percent', 1, 100),
        string('amount', 'command.coupon.amount', { max_length: 10 }),
        string('currency', 'command.coupon.currency', { min_length: 3, max_length: 3 }),
        string('duration', 'command.coupon.duration', { choices: choices(['once', 'repeating', 'forever']) }),
        integer('months', 'command.coupon.months', 1, 36),
        integer('limit', 'command.coupon.limit', 1, 1_000_000),
        string('eligible', 'command.coupon.eligible', { choices: choices(['anyone', 'new', 'returning', 'existing']) }),
        string('expires', 'command.coupon.expires', { max_length: 40 }),
        string('products', 'command.coupon.products', { max_length: 500 }),
      ]),
      subcommand('list', 'command.coupon.list'),
      subcommand('disable', 'command.coupon.disable', [code(true)]),
      subcommand('share', 'command.coupon.share', [code(true)]),
    ],
  },
  {
    name: 'dashboard',
    ...inGuilds,
    ...described('command.dashboard'),
    options: [subcommand('open', 'command.dashboard.open'), subcommand('revoke', 'command.dashboard.revoke')],
  },
  {
    name: 'stats',
    ...inGuilds,
    ...described('command.stats'),
    options: [
      ...(['overview', 'revenue', 'members', 'courses', 'announcements'] as const).map((view) => subcommand(view, `command.stats.${view}`, [period])),
      subcommand('course', 'command.stats.course', [string('course', 'command.stats.courseName', { required: true, autocomplete: true, max_length: 120 }), period]),
      subcommand('export', 'command.stats.export', [string('metric', 'command.stats.metric', { required: true, choices: choices(Object.keys(exportMetrics)) }), string('course', 'command.stats.courseName', { autocomplete: true, max_length: 120 }), period]),
    ],
  },
];
