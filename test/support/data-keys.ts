import { type DataKeys, installDataKeys, newDataKeyText, parseDataKeys } from '../../core/safety/sealed-values.ts';

/** This test file's data key: installed here, and given to the Lyceum processes it starts. */
export const TEST_DATA_KEY_TEXT = newDataKeyText('test');

export function installTestDataKeys(text = TEST_DATA_KEY_TEXT): DataKeys {
  const keys = parseDataKeys(text);
  if ('error' in keys) throw new Error(keys.error);
  installDataKeys(keys);
  return keys;
}
