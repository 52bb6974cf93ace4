// Turns refusals into sentences: the key parser's precise ones (parsing happens in the page as the
// user types; it is cheap and does no cryptography) and the worker's, which carry only a reason.
// Deriving anything from the key is the worker's job.
import { parseKeyInput, type KeyInputError } from '../crypto/keyinput';
import { formatNumber, t, type MessageKey } from './i18n';
import type { KeyInputRefusal, PasswordRefusal, SecretRefusal, TypoHelp } from '../messaging/protocol';

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

// The worker's key input refusals: the same reasons, without the parser's details.
const KEY_INPUT_REFUSAL_WORDS: Record<KeyInputRefusal, MessageKey> = {
  empty: 'keyInputEmpty',
  length: 'keyInputLengthShort',
  alphabet: 'keyInputAlphabetShort',
  checksum: 'keyInputChecksum',
};

export function describeRefusal(reason: KeyInputRefusal): string {
  return t(KEY_INPUT_REFUSAL_WORDS[reason]);
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

type Refusal = SecretRefusal | PasswordRefusal | 'keyring-damaged';

// Everything but the key parser's reasons and a wrong key (which may carry a typo hint). "empty"
// is both: here it is the password's (key text is checked in the page before it is sent).
type WordedRefusal = Exclude<Refusal, Exclude<KeyInputRefusal, 'empty'> | 'wrong-key'>;

const REFUSAL_WORDS: Record<WordedRefusal, MessageKey> = {
  'wrong-password': 'checkWrongPassword',
  'old-key': 'checkOldKey',
  'not-password-mode': 'errorNotPasswordMode',
  'key-file-damaged': 'checkKeyFileDamaged',
  'keyring-damaged': 'rotateKeyringDamaged',
  weak: 'passwordTooWeak',
  empty: 'passwordEmpty',
};

function isWorded(reason: Refusal): reason is WordedRefusal {
  return Object.hasOwn(REFUSAL_WORDS, reason);
}

/** Why the worker did not accept a typed key or password (or a new password), in words. */
export function refusalText(result: { reason: Refusal; typo?: TypoHelp }): string {
  const { reason } = result;
  if (reason === 'wrong-key') return result.typo ? `${t('checkWrongKey')} ${describeTypo(result.typo)}` : t('checkWrongKey');
  return isWorded(reason) ? t(REFUSAL_WORDS[reason]) : describeRefusal(reason);
}
