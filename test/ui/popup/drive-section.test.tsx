// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { PopupApp } from '../../../src/ui/popup/PopupApp';
import { configuredState, FakeWorker } from '../fake-worker';

const worker = vi.hoisted(() => ({ current: null as null | { call: (type: never, payload: never) => Promise<unknown> } }));
vi.mock('../../../src/messaging/client', () => ({
  callWorker: (type: never, payload: never) => worker.current!.call(type, payload),
}));

let fake: FakeWorker;
beforeEach(() => {
  fakeBrowser.reset();
  fake = new FakeWorker();
  fake.state = configuredState();
  worker.current = fake;
});
afterEach(cleanup);

const CONNECTED = { status: 'connected', email: 'maya@example.com', name: 'Maya Example', connectedAt: '2026-03-05T10:00:00.000Z' } as const;

describe('popup: Google Drive', () => {
  it('not connected: says backups wait here, and Connect starts the sign-in in the worker and shows the e-mail', async () => {
    fake.on('drive.connect', () => {
      fake.drive = CONNECTED;
      return { ok: true, state: CONNECTED };
    });
    render(<PopupApp />);
    expect(await screen.findByText(/Backups wait, encrypted, on this computer/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Connect Google Drive' }));
    expect((await screen.findByTestId('drive-account')).textContent).toBe('Connected as maya@example.com');
    expect(fake.callsOf('drive.connect')).toEqual([{}]);
    expect(screen.queryByRole('button', { name: 'Connect Google Drive' })).toBeNull();
  });

  it('says in plain words when the sign-in was cancelled or refused', async () => {
    fake.on('drive.connect', () => ({ ok: false, reason: 'cancelled', detail: 'closed' }));
    render(<PopupApp />);
    fireEvent.click(await screen.findByRole('button', { name: 'Connect Google Drive' }));
    expect((await screen.findByText(/Signing in was cancelled/)).textContent).toContain('Nothing changed');
    fake.on('drive.connect', () => ({ ok: false, reason: 'denied', detail: 'access_denied' }));
    fireEvent.click(screen.getByRole('button', { name: 'Connect Google Drive' }));
    expect(await screen.findByText(/Google Drive access was not allowed/)).toBeTruthy();
  });

  it('without an OAuth client id in the build, says so and offers no Connect button', async () => {
    fake.drive = { status: 'no-client-id' };
    render(<PopupApp />);
    expect(await screen.findByText(/built without a Google sign-in \(an OAuth client id\)/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Connect Google Drive' })).toBeNull();
  });

  it('signed out: asks to sign in again, naming the account', async () => {
    fake.drive = { status: 'signed-out', email: 'maya@example.com' };
    render(<PopupApp />);
    expect(await screen.findByText(/needs you to sign in again \(maya@example.com\)/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sign in again' })).toBeTruthy();
  });

  it('a different account: asks before mixing backups, and passes the answer on', async () => {
    fake.drive = { status: 'confirm-account', email: 'work@example.org', previousEmail: 'maya@example.com' };
    fake.on('drive.confirmAccount', (p) => (p.useNew ? { ...CONNECTED, email: 'work@example.org' } : { status: 'disconnected', previousEmail: 'maya@example.com' }));
    render(<PopupApp />);
    const question = await screen.findByTestId('drive-confirm-account');
    expect(question.textContent).toContain('You signed in as work@example.org, but your earlier backups went to the Google Drive of maya@example.com');
    fireEvent.click(within(question).getByRole('button', { name: 'Keep using maya@example.com' }));
    await waitFor(() => expect(fake.callsOf('drive.confirmAccount')).toEqual([{ useNew: false }]));
    expect(within(question).getByRole('button', { name: 'Use work@example.org from now on' })).toBeTruthy();
  });

  it('shows the last backup: when and size, and the title only while the worker still holds it', async () => {
    fake.drive = CONNECTED;
    const last = { at: '2026-03-05T10:00:00.000Z', size: 2_100_000, kind: 'backup', fileName: 'ChatSeal-2026-03-05-abcdefghij.age', itemId: 'x', driveFileId: 'f1' } as const;
    fake.outbox = { items: [], lastBackup: { ...last, title: 'Family' } };
    render(<PopupApp />);
    const line = await screen.findByTestId('last-backup');
    expect(line.textContent).toMatch(/^Last backup: “Family”, .*2026.*, 2\.1\s?MB$/u);
    cleanup();
    fake.outbox = { items: [], lastBackup: last };
    render(<PopupApp />);
    expect((await screen.findByTestId('last-backup')).textContent).toMatch(/^Last backup: .*2026.*, 2\.1\s?MB$/u);
    expect((await screen.findByTestId('last-backup')).textContent).not.toContain('“');
  });
});
