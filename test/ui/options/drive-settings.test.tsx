// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DriveSettings } from '../../../src/ui/options/DriveSettings';
import { FakeWorker } from '../fake-worker';

const worker = vi.hoisted(() => ({ current: null as null | { call: (type: never, payload: never) => Promise<unknown> } }));
vi.mock('../../../src/messaging/client', () => ({
  callWorker: (type: never, payload: never) => worker.current!.call(type, payload),
}));

let fake: FakeWorker;
beforeEach(() => {
  fakeBrowser.reset();
  fake = new FakeWorker();
  worker.current = fake;
});
afterEach(cleanup);

describe('options: Google Drive', () => {
  it('shows the account and the folder; Disconnect revokes through the worker and says what it means', async () => {
    fake.drive = { status: 'connected', email: 'maya@example.com', connectedAt: '2026-03-05T10:00:00.000Z' };
    fake.on('drive.disconnect', () => ({ status: 'disconnected', previousEmail: 'maya@example.com' }));
    render(<DriveSettings />);
    expect((await screen.findByTestId('options-drive-account')).textContent).toBe('maya@example.com');
    expect(screen.getByText('ChatSeal Backups')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Disconnect' }));
    expect((await screen.findByText(/^Disconnected\./u)).textContent).toContain('Backups wait on this computer');
    expect(fake.callsOf('drive.disconnect')).toEqual([{}]);
    expect(screen.getByTestId('options-drive-account').textContent).toBe('Not connected');
    expect(screen.getByRole('button', { name: 'Connect Google Drive' })).toBeTruthy();
  });

  it('shows the redirect URL to register for a self-built OAuth client', async () => {
    vi.spyOn(fakeBrowser.identity, 'getRedirectURL').mockReturnValue('https://lnkaefdkfjahfdoadlheicdokmihjhnm.chromiumapp.org/');
    render(<DriveSettings />);
    expect((await screen.findByTestId('drive-redirect-url')).textContent).toBe('https://lnkaefdkfjahfdoadlheicdokmihjhnm.chromiumapp.org/');
  });

  it('without a client id, says Google Drive cannot be used and offers no button', async () => {
    fake.drive = { status: 'no-client-id' };
    render(<DriveSettings />);
    expect(await screen.findByText(/built without a Google sign-in/u)).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Connect Google Drive' })).toBeNull());
    expect(screen.queryByRole('button', { name: 'Disconnect' })).toBeNull();
  });
});
