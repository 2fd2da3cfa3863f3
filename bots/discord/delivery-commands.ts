import { type APIApplicationCommandBasicOption, type APIApplicationCommandOption, ApplicationCommandOptionType, ChannelType } from 'discord.js';
import type { MessageKey } from '../../core/i18n/index.ts';
import { announcementLimits } from '../../core/delivery/announcements/content.ts';
import { type Command, described, inGuilds } from './command-text.ts';

const choices = (values: readonly string[]) => values.map((value) => ({ name: value, value }));
const string = (name: string, key: MessageKey, extra: Record<string, unknown> = {}): APIApplicationCommandBasicOption => ({ type: ApplicationCommandOptionType.String, name, ...described(key), ...extra }) as APIApplicationCommandBasicOption;
const subcommand = (name: string, key: MessageKey, options: APIApplicationCommandBasicOption[] = []) => ({ type: ApplicationCommandOptionType.Subcommand as const, name, ...described(key), options });
const announcement = string('announcement', 'command.announce.announcement', { min_length: 4, max_length: 37 });

/**
 * `/announce` and `/live`. `/announce send` without text opens a modal (a slash command option holds one line, an
 * announcement usually more); the file comes as an attachment option. Core's RBAC decides who
 * may announce.
 */
export const deliveryCommands: Command[] = [
  {
    name: 'announce',
    ...inGuilds,
    ...described('command.announce'),
    options: [
      subcommand('send', 'command.announce.send', [
        string('text', 'command.announce.text', { max_length: announcementLimits.text }),
        string('title', 'command.announce.title', { max_length: announcementLimits.title }),
        { type: ApplicationCommandOptionType.Attachment, name: 'file', ...described('command.announce.file') },
        string('audience', 'command.announce.audience', { choices: choices(['everyone', 'owners', 'grace', 'lapsed']) }),
        string('product', 'command.announce.product', { autocomplete: true, max_length: 120 }),
        string('course', 'command.announce.course', { autocomplete: true, max_length: 120 }),
        string('platform', 'command.announce.platform', { choices: choices(['discord', 'telegram']) }),
        string('at', 'command.announce.at', { max_length: 40 }),
      ]),
      subcommand('pause', 'command.announce.pause', [announcement]),
      subcommand('resume', 'command.announce.resume', [announcement]),
      subcommand('cancel', 'command.announce.cancel', [announcement]),
      subcommand('status', 'command.announce.status'),
    ],
  },
  {
    name: 'live',
    ...inGuilds,
    ...described('command.live'),
    options: [
      subcommand('schedule', 'command.live.schedule', [
        string('title', 'command.live.title', { required: true, max_length: 100 }),
        string('at', 'command.live.at', { required: true, max_length: 40 }),
        string('course', 'command.live.course', { autocomplete: true, max_length: 120 }),
        string('link', 'command.live.link', { max_length: 100 }),
        // Sent to core as "<guild id>/<channel id>", with `voice_channelBlocked` if it is no voice or stage channel.
        { type: ApplicationCommandOptionType.Channel, name: 'voice_channel', ...described('command.live.voiceChannel'), channel_types: [ChannelType.GuildVoice, ChannelType.GuildStageVoice] },
      ]),
      subcommand('list', 'command.live.list'),
      subcommand('cancel', 'command.live.cancel', [string('session', 'command.live.session', { required: true, min_length: 4, max_length: 37 })]),
    ],
  },
];

/** The delivery options of `/settings`. */
export const deliverySettingOptions: APIApplicationCommandOption[] = [
  // Sent to core as "<guild id>/<channel id>", with why the bot could not post there (if so).
  { type: ApplicationCommandOptionType.Channel, name: 'announcement_channel', ...described('command.settings.announcementChannel'), channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement] },
  string('paid_broadcast', 'command.settings.paidBroadcast', { choices: choices(['on', 'off']) }),
];
