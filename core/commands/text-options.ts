/**
 * Options of a command typed as text (Telegram, the console): `key:value` pairs, quoted values
 * with spaces (`category:"Data Science"`), and free words that fill the command's main option,
 * as Discord's first string option would. Values stay text: the command's schema validates them.
 */
export function parseTextOptions(command: string, argument: string): Record<string, string> {
  const options: Record<string, string> = {};
  const words: string[] = [];
  for (const match of argument.matchAll(/(\w+):"([^"]*)"|(\w+):(\S+)|(\S+)/g)) {
    const [, quotedKey, quotedValue, key, value, word] = match;
    if (quotedKey) options[quotedKey] = quotedValue ?? '';
    else if (key) options[key] = value ?? '';
    else if (word) words.push(word);
  }
  const freeText = words.join(' ');
  const option = freeText ? mainOption(command, freeText) : undefined;
  if (option && options[option] === undefined) options[option] = freeText;
  return options;
}

function mainOption(command: string, freeText: string): string | undefined {
  switch (command) {
    case 'courses':
      return 'query';
    case 'course':
      return 'name';
    case 'setup':
      return /^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$/.test(freeText) ? 'code' : 'name';
    default:
      return undefined;
  }
}
