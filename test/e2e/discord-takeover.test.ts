import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { supportConversations, supportTickets } from '../../core/db/schema/index.ts';
import { eventually } from '../support/queues.ts';
import type { SimMessage } from '../sim/discord/types.ts';
import { type DiscordClub, startDiscordClub } from './discord-club.ts';

type Embed = { title?: string; description?: string; fields?: Array<{ name: string; value: string }> };
const textOf = (message: SimMessage) =>
  [message.content, ...message.embeds.map((embed: Embed) => [embed.title, embed.description, ...(embed.fields ?? []).map((field) => `${field.name}: ${field.value}`)].filter(Boolean).join('\n'))].filter(Boolean).join('\n');
const customIdOf = (message: SimMessage, label: string): string => {
  const button = message.components.flatMap((row: { components: Array<{ label?: string; custom_id?: string }> }) => row.components).find((component) => component.label === label);
  if (!button?.custom_id) throw new Error(`no button ${label}`);
  return button.custom_id;
};

/**
 * The human takeover on Discord: a member asks for a person in DMs, the ticket opens as a
 * private thread in the staff channel (staff added, the staff role pinged), a staff member claims
 * it with its button, replies flow both ways through the support worker, the assistant is quiet
 * until /handback, and /close stores the transcript and gets the member's rating.
 */
describe('Discord human takeover', () => {
  let club: DiscordClub;
  let staffChannel: string;
  let staffRole: string;
  let thread: string;

  beforeAll(async () => {
    club = await startDiscordClub(['mia']);
    const { sim, guildId, creator } = club;
    staffChannel = sim.createTextChannel(guildId, 'staff').id;
    staffRole = sim.createRole(guildId, { name: 'Staff' }).id;
    const set = await (await sim.user(creator).slashCommand(guildId, 'settings', { support_channel: staffChannel, support_role: staffRole })).reply();
    expect(textOf(set)).toContain(`Discord: private threads in channel ${staffChannel}, pinging role ${staffRole}`);
    await (await sim.user(club.members.mia!).slashCommand(guildId, 'help')).reply();
  });
  afterAll(() => club?.close());

  const mia = () => club.sim.user(club.members.mia!);
  const botDms = () => mia().dmMessages().filter((message) => message.authorId === club.sim.botUser.id).map(textOf);
  const nextDm = (match: RegExp) => eventually(async () => botDms().find((text) => match.test(text)));
  const threadTexts = () => club.sim.channelMessages(thread).filter((message) => message.authorId === club.sim.botUser.id).map(textOf);

  it('opens a private thread with the summary, the staff role pinged, when a member asks for a person', async () => {
    await mia().sendDm('can I talk to a human please');
    await nextDm(/^I've passed this to the team \(ticket #[0-9a-f]{8}\)/);
    // The staff Lyceum knows (the creator) are added to the thread right after it opens.
    const created = await eventually(async () => club.sim.threads(club.guildId).find((candidate) => candidate.members.includes(club.creator)));
    thread = created.id;
    expect(created).toMatchObject({ type: 12, parentId: staffChannel, invitable: false });
    const summary = await eventually(async () => club.sim.channelMessages(thread).find((message) => message.authorId === club.sim.botUser.id && message.content.includes('intent: human_agent')));
    expect(summary.content).toMatch(new RegExp(`^<@&${staffRole}> ticket #[0-9a-f]{8} · discord · intent: human_agent\\n> can I talk to a human please`));
    await (await club.sim.user(club.creator).clickButton(summary, customIdOf(summary, 'Claim'))).reply();
    await nextDm(/^olivia from the team is here now/);
  });

  it('relays both ways while staff hold it, and the assistant says nothing', async () => {
    const before = botDms().length;
    await mia().sendDm('what courses do you have?');
    await eventually(async () => (threadTexts().includes('mia: what courses do you have?') ? true : undefined));
    await club.sim.user(club.creator).sendMessage(thread, 'Try SQL for Analysts first.');
    await nextDm(/^olivia \(team\): Try SQL for Analysts first\.$/);
    expect(botDms()).toHaveLength(before + 1);
  });

  it('hands back with /handback in the thread, then /close gets the rating', async () => {
    await (await club.sim.user(club.creator).slashCommand(club.guildId, 'handback', {}, { channelId: thread })).reply();
    await nextDm(/^The team handed you back to me/);
    await mia().sendDm('what courses do you have?');
    await nextDm(/^Courses/);

    await (await club.sim.user(club.creator).slashCommand(club.guildId, 'close', { resolution: 'suggested SQL for Analysts' }, { channelId: thread })).reply();
    await nextDm(/^Your ticket is closed: suggested SQL for Analysts/);
    const rating = mia().dmMessages().find((message) => message.content.startsWith('Your ticket is closed'))!;
    expect(textOf(await (await mia().clickButton(rating, customIdOf(rating, '★★★★★'))).reply())).toBe('Thanks for rating us!');
    const db = club.world.database.db;
    const [ticket] = await db.select().from(supportTickets);
    expect(ticket).toMatchObject({ status: 'closed', resolution: 'suggested SQL for Analysts' });
    expect(ticket!.transcript).toContain('olivia (staff): Try SQL for Analysts first.');
    const [conversation] = await db.select().from(supportConversations).where(eq(supportConversations.id, ticket!.conversationId));
    expect(conversation).toMatchObject({ status: 'closed', csatScore: 5, handoffPlatform: 'discord', handoffThreadId: thread });
  });
});
