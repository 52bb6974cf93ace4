// Turns the key parser's precise refusals into sentences. Parsing happens in the page as the user
// types (it is cheap and does no cryptography); deriving anything from the key is the worker's job.
import { parseKeyInput, type KeyInputError } from '../crypto/keyinput';
import { formatNumber, t } from './i18n';
import type { KeyInputRefusal, TypoHelp } from '../messaging/protocol';

export function describeKeyInputError(error: KeyInputError): string {
  switch (error.reason) {
    case 'empty':
      return t('keyInputEmpty');
    case 'length':
      return t('keyInputLength', [formatNumber(error.found), formatNumber(error.expected)]);
    case 'alphabet':
      if (error.hint === 'recipient') return t('keyInputRecipient');
      return t('keyInputAlphabet', [error.char, String(error.group)]);
    case 'checksum':
      return t('keyInputChecksum');
  }
}

/** The refusal for typed key text, or null when it has the shape of a key. */
export function keyTextProblem(text: string): string | null {
  const parsed = parseKeyInput(text);
  return parsed.ok ? null : describeKeyInputError(parsed);
}

/** For refusals reported by the worker (same reasons, without the parser's details). */
export function describeRefusal(reason: KeyInputRefusal): string {
  switch (reason) {
    case 'empty':
      return t('keyInputEmpty');
    case 'length':
      return t('keyInputLengthShort');
    case 'alphabet':
      return t('keyInputAlphabetShort');
    case 'checksum':
      return t('keyInputChecksum');
  }
}

/** "Group 7 looks wrong." / "Groups 7 and 8 look wrong." */
export function describeTypo(typo: TypoHelp): string {
  const [first, second] = typo.groups;
  if (first === undefined) return t('checkWrongKey');
  if (second === undefined || second === first) {
    return typo.kind === 'swap' ? t('typoSwapOneGroup', String(first)) : t('typoDigit', String(first));
  }
  return t('typoSwapTwoGroups', [String(first), String(second)]);
}
