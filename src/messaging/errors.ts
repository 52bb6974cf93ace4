import type { ErrorCode } from './protocol';

/** An expected refusal from a handler; its code reaches the page as {ok:false, error:{code}}. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The page-side form of a refused request (thrown by callWorker). */
export class WorkerError extends Error {
  override readonly name = 'WorkerError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
