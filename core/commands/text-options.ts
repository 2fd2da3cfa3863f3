/**
 * Options of a command typed as text (Telegram, the console): `key:value` pairs, quoted values
 * with spaces (`category:"Data Science"`), and free words that fill the command's main option,
 * as Discord's first string option would. Values stay text: the command's schema validates them.
 */
export function parseTextOptions(command: string, argument: string): Record<string, string> {
  const options: Record<string, string> = {};
  const words: string[] = [];
  // A web address (`https://…`) is a word, not a `https` option.
  for (const match of argument.matchAll(/(\w+):"([^"]*)"|(\w+):(?!\/\/)(\S+)|(\S+)/g)) {
    const [, quotedKey, quotedValue, key, value, word] = match;
    if (quotedKey) options[quotedKey] = quotedValue ?? '';
    else if (key) options[key] = value ?? '';
    else if (word) words.push(word);
  }
  // `/product edit pro price:59`, `/refund 1a2b3c4d changed my mind`, `/grant Mia pro`,
  // `/faq remove 1a2b3c4d`: the first words are the sub-command, order, member, product or entry;
  // the rest fills the main option (`/claim 1a2b3c4d`, `/close refunded the order`).
  let leadingCount = 0;
  for (const leading of leadingOptions(command, words, options)) {
    if (words.length && options[leading] === undefined) {
      options[leading] = words.shift()!;
      leadingCount += 1;
    }
  }
  const freeText = KEEPS_LINES.has(command) ? (words.length ? keptLines(argument, leadingCount) : '') : words.join(' ');
  const option = freeText ? mainOption(command, freeText, options.action) : undefined;
  if (option && options[option] === undefined) options[option] = freeText;
  return options;
}

/** Commands whose free text is Markdown: its line breaks and spacing are kept as typed. */
const KEEPS_LINES = new Set(['announce']);

/** The free words as typed (after the `leading` sub-command words), without the `key:value` options among them. */
function keptLines(argument: string, leading: number): string {
  const withoutOptions = argument.replace(/(?<!\S)(?:(\w+):"([^"]*)"|(\w+):(?!\/\/)(\S+))/g, '');
  return withoutOptions.replace(new RegExp(`^\\s*(?:\\S+\\s+){${leading}}`), '').trim();
}

function mainOption(command: string, freeText: string, action: string | undefined): string | undefined {
  switch (command) {
    case 'live':
      return action === 'schedule' ? 'title' : action === 'cancel' ? 'session' : undefined;
    case 'stats':
      return 'period';
    case 'recommend':
      return 'page';
    case 'announce':
      return !action || action === 'send' ? 'text' : action === 'status' ? undefined : 'announcement';
    case 'courses':
      return 'query';
    case 'course':
      return action === 'new' ? 'title' : action && action !== 'show' ? 'course' : 'name';
    case 'lesson':
      return action === 'add' ? 'title' : undefined;
    case 'review':
      return action === 'changes' ? 'comment' : 'course';
    case 'rate':
      return 'review';
    case 'comment':
      return 'text';
    case 'setup':
      return /^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$/.test(freeText) ? 'code' : 'name';
    case 'link':
      return 'code';
    case 'buy':
    case 'cancel':
    case 'product':
      return 'product';
    case 'refund':
    case 'revoke':
      return 'reason';
    case 'access':
      return freeText === 'apply' || freeText === 'undo' ? 'mode' : 'member';
    case 'claim':
    case 'handback':
      return 'ticket';
    case 'close':
      return 'resolution';
    case 'tickets':
      return 'view';
    case 'audit':
      return 'what';
    default:
      return undefined;
  }
}

const LIVE_ACTIONS = new Set(['schedule', 'list', 'cancel']);
const STATS_ACTIONS = new Set(['overview', 'revenue', 'members', 'courses', 'course', 'announcements', 'export']);
const ANNOUNCE_ACTIONS = new Set(['send', 'pause', 'resume', 'cancel', 'status']);
const AUDIT_ACTIONS = new Set(['list', 'export']);
const COURSE_ACTIONS = new Set(['show', 'new', 'edit', 'submit', 'import', 'export', 'archive']);

/** `/course edit sql-basics`, `/coupon create SPRING percent:20`, `/lesson move sql-basics 3 to:1`, `/privacy delete @mia`, `/audit export access.`, `/review changes sql-basics needs a summary`, `/rate sql-basics 5 great`. */
function leadingOptions(command: string, words: string[], options: Record<string, string>): string[] {
  if (command === 'course') return COURSE_ACTIONS.has(words[0] ?? '') || options.action ? ['action'] : [];
  if (command === 'lesson') return (options.action ?? words[0]) === 'add' ? ['action', 'course'] : ['action', 'course', 'lesson'];
  if (command === 'review') return (options.action ?? words[0]) === 'changes' ? ['action', 'course'] : words.length ? ['action'] : [];
  if (command === 'rate') return ['course', 'score'];
  if (command === 'comment') return ['action', 'comment'];
  if (command === 'notifications') return ['kind', 'state', 'platform'];
  if (command === 'drip') return (options.action ?? words[0]) === 'release' ? ['action', 'member', 'course'] : ['action', 'member'];
  if (command === 'product' || command === 'access') return ['action'];
  if (command === 'coupon') return ['action', 'code'];
  if (command === 'dashboard') return ['action'];
  if (command === 'privacy') return ['action', 'member'];
  if (command === 'audit') return AUDIT_ACTIONS.has(words[0] ?? '') || options.action ? ['action'] : [];
  if (command === 'stats') {
    if (!STATS_ACTIONS.has(words[0] ?? '') && !options.action) return [];
    const action = options.action ?? words[0];
    return action === 'export' ? ['action', 'metric'] : action === 'course' ? ['action', 'course'] : ['action'];
  }
  if (command === 'live') return LIVE_ACTIONS.has(words[0] ?? '') || options.action ? ['action'] : [];
  if (command === 'announce') return ANNOUNCE_ACTIONS.has(words[0] ?? '') || options.action ? ['action'] : [];
  if (command === 'faq') return ['action', 'entry'];
  if (command === 'refund') return ['order'];
  if (command === 'grant' || command === 'revoke') return ['member', 'product'];
  return [];
}
