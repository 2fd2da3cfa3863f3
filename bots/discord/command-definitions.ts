import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandStringOption,
  ApplicationCommandOptionType,
  PermissionFlagsBits,
} from 'discord.js';
import { type Command, type CommandTextKey, described, inGuilds, localized } from './command-text.ts';
import { studioCommands, studioSettingOptions } from './studio-commands.ts';
import { supportCommands, supportSettingOptions } from './support-commands.ts';
import { deliveryCommands, deliverySettingOptions } from './delivery-commands.ts';
import { growthCommands } from './growth-commands.ts';
import { privacyCommands } from './privacy-commands.ts';


const text = (name: string, key: CommandTextKey, limits: Partial<APIApplicationCommandStringOption> = {}): APIApplicationCommandStringOption => ({
  type: ApplicationCommandOptionType.String,
  name,
  ...described(key),
  ...limits,
});
const productRef = text('product', 'command.product.product', { required: true, autocomplete: true, max_length: 100 });
const intervalChoices = (['none', 'week', 'month', 'year'] as const).map((value) => {
  const { en, localizations } = localized(value === 'none' ? 'interval.none' : `interval.${value}`);
  return { name: en, name_localizations: localizations, value };
});

/** Options shared by /product create and /product edit; limits mirror core's `manageProductInput`. */
const productFields = {
  name: (required: boolean) => text('name', 'command.product.name', { required, min_length: 2, max_length: 80 }),
  price: (required: boolean) => text('price', 'command.product.price', { required, min_length: 1, max_length: 10 }),
  currency: text('currency', 'command.product.currency', { min_length: 3, max_length: 3 }),
  description: text('description', 'command.product.description', { max_length: 500 }),
  trial: { type: ApplicationCommandOptionType.Integer, name: 'trial', ...described('command.product.trial'), min_value: 0, max_value: 365 },
  trialCard: { type: ApplicationCommandOptionType.Boolean, name: 'trial_card', ...described('command.product.trialCard') },
  endAction: {
    type: ApplicationCommandOptionType.String,
    name: 'end_action',
    ...described('command.product.endAction'),
    choices: (['remove', 'kick', 'keep'] as const).map((value) => ({ name: value, value })),
  },
} satisfies Record<string, APIApplicationCommandBasicOption | ((required: boolean) => APIApplicationCommandBasicOption)>;

/** `/product list|create|edit|archive`. Visible to everyone; core refuses members (RBAC lives there). */
const productCommand: Command = {
  name: 'product',
  ...inGuilds,
  ...described('command.product'),
  options: [
    { type: ApplicationCommandOptionType.Subcommand, name: 'list', ...described('command.product.list') },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'create',
      ...described('command.product.create'),
      options: [
        productFields.name(true),
        productFields.price(true),
        { type: ApplicationCommandOptionType.String, name: 'interval', ...described('command.product.interval'), choices: intervalChoices },
        productFields.currency,
        { type: ApplicationCommandOptionType.Integer, name: 'stars', ...described('command.product.stars'), min_value: 1, max_value: 100_000 },
        productFields.trial,
        productFields.trialCard,
        productFields.endAction,
        text('courses', 'command.product.courses', { max_length: 500 }),
        // Sent to core as "<guild id>/<role id>", with why the bot could not manage it (if so).
        { type: ApplicationCommandOptionType.Role, name: 'role', ...described('command.product.role') },
        text('chat', 'command.product.chat', { min_length: 5, max_length: 26 }),
        productFields.description,
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'edit',
      ...described('command.product.edit'),
      options: [
        productRef,
        productFields.name(false),
        productFields.price(false),
        productFields.currency,
        // 0 is how a Discord integer option says "no Stars price" (core's `stars: 'none'`).
        { type: ApplicationCommandOptionType.Integer, name: 'stars', ...described('command.product.starsEdit'), min_value: 0, max_value: 100_000 },
        productFields.trial,
        productFields.trialCard,
        productFields.endAction,
        productFields.description,
      ],
    },
    { type: ApplicationCommandOptionType.Subcommand, name: 'archive', ...described('command.product.archive'), options: [productRef] },
  ],
};

/**
 * The slash commands of every guild, registered per guild (bulk overwrite, so registering twice
 * changes nothing). Names stay English on every client; descriptions follow the user's language.
 * Option limits mirror the core's input schemas so Discord rejects oversized text before we see it.
 */
export const guildCommands: Command[] = [
  {
    name: 'courses',
    ...inGuilds,
    ...described('command.courses'),
    options: [
      text('category', 'command.courses.category', { autocomplete: true, max_length: 60 }),
      text('query', 'command.courses.query', { max_length: 100 }),
    ],
  },
  ...studioCommands,
  ...deliveryCommands,
  ...growthCommands,
  ...privacyCommands,
  { name: 'help', ...inGuilds, ...described('command.help') },
  {
    name: 'buy',
    ...inGuilds,
    ...described('command.buy'),
    options: [text('product', 'command.buy.product', { autocomplete: true, max_length: 100 }), text('code', 'command.buy.code', { min_length: 3, max_length: 32 })],
  },
  { name: 'my', ...inGuilds, ...described('command.my') },
  { name: 'recommend', ...inGuilds, ...described('command.recommend'), options: [{ type: ApplicationCommandOptionType.Integer, name: 'page', ...described('command.recommend.page'), min_value: 1, max_value: 100 }] },
  { name: 'link', ...inGuilds, ...described('command.link'), options: [text('code', 'command.link.code', { min_length: 8, max_length: 9 })] },
  { name: 'cancel', ...inGuilds, ...described('command.cancel'), options: [text('product', 'command.cancel.product', { max_length: 100 })] },
  { name: 'sales', ...inGuilds, ...described('command.sales') },
  {
    name: 'refund',
    ...inGuilds,
    ...described('command.refund'),
    options: [
      text('order', 'command.refund.order', { required: true, min_length: 8, max_length: 37 }),
      text('reason', 'command.refund.reason', { required: true, min_length: 3, max_length: 500 }),
    ],
  },
  productCommand,
  {
    name: 'access',
    ...inGuilds,
    ...described('command.access'),
    options: [
      { type: ApplicationCommandOptionType.Subcommand, name: 'retry', ...described('command.access.retry') },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'audit',
        ...described('command.access.audit'),
        options: [{ type: ApplicationCommandOptionType.String, name: 'mode', ...described('command.access.auditMode'), choices: [{ name: 'apply', value: 'apply' }, { name: 'undo', value: 'undo' }] }],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'status',
        ...described('command.access.status'),
        options: [{ type: ApplicationCommandOptionType.User, name: 'member', ...described('command.access.member'), required: true }],
      },
    ],
  },
  ...supportCommands,
  {
    name: 'settings',
    ...inGuilds,
    ...described('command.settings'),
    options: [
      { type: ApplicationCommandOptionType.Integer, name: 'grace_days', ...described('command.settings.graceDays'), min_value: 0, max_value: 30 },
      { type: ApplicationCommandOptionType.String, name: 'grace_access', ...described('command.settings.graceAccess'), choices: [{ name: 'keep', value: 'keep' }, { name: 'role', value: 'role' }] },
      // Sent to core as "<guild id>/<role id>", with why the bot could not manage it (if so).
      { type: ApplicationCommandOptionType.Role, name: 'grace_role', ...described('command.settings.graceRole') },
      ...supportSettingOptions,
      ...studioSettingOptions,
      ...deliverySettingOptions,
      text('rate_limits', 'command.settings.rateLimits', { max_length: 200 }),
    ],
  },
  {
    name: 'grant',
    ...inGuilds,
    ...described('command.grant'),
    options: [
      { type: ApplicationCommandOptionType.User, name: 'member', ...described('command.grant.member'), required: true },
      text('product', 'command.grant.product', { required: true, autocomplete: true, max_length: 100 }),
      { type: ApplicationCommandOptionType.Integer, name: 'days', ...described('command.grant.days'), min_value: 1, max_value: 3650 },
    ],
  },
  {
    name: 'revoke',
    ...inGuilds,
    ...described('command.revoke'),
    options: [
      { type: ApplicationCommandOptionType.User, name: 'member', ...described('command.grant.member'), required: true },
      text('product', 'command.grant.product', { required: true, autocomplete: true, max_length: 100 }),
      text('reason', 'command.revoke.reason', { required: true, min_length: 3, max_length: 500 }),
    ],
  },
  {
    name: 'setup',
    ...inGuilds,
    ...described('command.setup'),
    // Hidden from members without Manage Server by default; the core checks again either way,
    // because server admins can change who sees a command.
    default_member_permissions: PermissionFlagsBits.ManageGuild.toString(),
    options: [
      text('name', 'command.setup.name', { min_length: 2, max_length: 80 }),
      text('code', 'command.setup.code', { min_length: 8, max_length: 9 }),
    ],
  },
];
