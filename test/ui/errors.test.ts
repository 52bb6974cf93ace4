import { describe, expect, it } from 'vitest';
import { WorkerError } from '../../src/messaging/errors';
import { errorText, type ErrorWords } from '../../src/ui/errors';

describe('errorText', () => {
  it('words the worker codes pages meet, and says what to do for the rest', () => {
    expect(errorText(new WorkerError('no-key', 'x'))).toBe('No backup key is set up yet. Set one up on this page first.');
    expect(errorText(new WorkerError('unreachable', 'x'))).toBe(errorText(new WorkerError('no-response', 'y')));
    expect(errorText(new WorkerError('unreachable', 'x'))).toMatch(/^ChatSeal’s background service did not answer/);
    expect(errorText(new WorkerError('internal', 'disk full'))).toBe('Something went wrong: disk full. Nothing was changed; try again.');
    expect(errorText(new Error('boom'))).toBe('Something went wrong: boom. Nothing was changed; try again.');
    expect(errorText('plain')).toBe('Something went wrong: plain. Nothing was changed; try again.');
  });

  it('never takes a code for a property of the table', () => {
    expect(errorText(new WorkerError('constructor', 'odd'))).toBe('Something went wrong: odd. Nothing was changed; try again.');
    expect(errorText(new WorkerError('__proto__', 'odd'))).toBe('Something went wrong: odd. Nothing was changed; try again.');
  });

  it('tries the tables it is given first, in order', () => {
    const none: ErrorWords = () => undefined;
    const fileWords: ErrorWords = (e) => (e instanceof RangeError ? 'importErrorBadZip' : undefined);
    expect(errorText(new RangeError('x'), [none, fileWords])).toMatch(/zip/i);
    expect(errorText(new WorkerError('no-key', 'x'), [fileWords])).toMatch(/^No backup key is set up yet/);
  });
});
