// Failures in words. Each kind of error a page can meet has a table from its code to a message;
// errorText tries the tables it is given, then the worker's, then says what went wrong generically.
import { WorkerError } from '../messaging/errors';
import { t, type MessageKey } from './i18n';

/** The message for an error this table knows, or undefined. */
export type ErrorWords = (error: unknown) => MessageKey | undefined;

// A Map, not an object literal: a code is whatever the worker sent, and must never find a
// prototype property ("constructor").
const WORKER_ERROR_WORDS = new Map<string, MessageKey>([
  ['no-key', 'errorNoKey'],
  ['no-pending-key', 'errorNoPendingKey'],
  ['key-exists', 'errorKeyExists'],
  ['unreachable', 'errorUnreachable'],
  ['no-response', 'errorUnreachable'],
]);

const workerWords: ErrorWords = (error) => (error instanceof WorkerError ? WORKER_ERROR_WORDS.get(error.code) : undefined);

/** A sentence for a failure: known errors get their own words, others say what to do. */
export function errorText(error: unknown, words: readonly ErrorWords[] = []): string {
  for (const known of [...words, workerWords]) {
    const key = known(error);
    if (key) return t(key);
  }
  const detail = error instanceof Error ? error.message : String(error);
  return t('errorGeneric', detail);
}
