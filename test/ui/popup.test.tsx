// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { PopupApp } from '../../src/ui/popup/PopupApp';
import { configuredState, FakeWorker } from './fake-worker';

const worker = vi.hoisted(() => ({ current: null as null | { call: (type: never, payload: never) => Promise<unknown> } }));
vi.mock('../../src/messaging/client', () => ({
  callWorker: (type: never, payload: never) => worker.current!.call(type, payload),
}));

let fake: FakeWorker;
let close: ReturnType<typeof vi.fn>;
beforeEach(() => {
  fakeBrowser.reset();
  fake = new FakeWorker();
  worker.current = fake;
  close = vi.fn();
  vi.spyOn(window, 'close').mockImplementation(close);
});
afterEach(cleanup);

describe('popup', () => {
  it('without a key, offers setup, which opens the options page and closes the popup', async () => {
    const open = vi.spyOn(fakeBrowser.runtime, 'openOptionsPage').mockResolvedValue(undefined);
    render(<PopupApp />);
    fireEvent.click(await screen.findByRole('button', { name: 'Set up your backup key' }));
    await waitFor(() => expect(open).toHaveBeenCalledTimes(1));
    expect(close).toHaveBeenCalled();
  });

  it('with a key, shows the mode and a short key id', async () => {
    fake.state = configuredState({ mode: 'password' });
    render(<PopupApp />);
    expect((await screen.findByTestId('popup-key-status')).textContent).toBe('Protected by a password · key id 0f1e 2d3c');
    expect(screen.queryByRole('button', { name: 'Set up your backup key' })).toBeNull();
  });

  it('opens the import page in a tab from "Encrypt an export file…"', async () => {
    const create = vi.spyOn(fakeBrowser.tabs, 'create');
    render(<PopupApp />);
    fireEvent.click(await screen.findByRole('button', { name: 'Encrypt an export file…' }));
    await waitFor(() => expect(create).toHaveBeenCalledWith({ url: fakeBrowser.runtime.getURL('/import.html') }));
    expect(close).toHaveBeenCalled();
  });

  it.each([
    ['key', 'Time to check your 64-digit key', 'Check my key'],
    ['password', 'Time to check your password', 'Check my password'],
  ] as const)('%s mode, check due: a banner whose button opens the options page at the check', async (mode, text, button) => {
    const create = vi.spyOn(fakeBrowser.tabs, 'create');
    fake.state = configuredState({ mode, reminderDue: true });
    render(<PopupApp />);
    const banner = await screen.findByTestId('popup-reminder');
    expect(banner.getAttribute('role')).toBe('status');
    expect(banner.textContent).toContain(text);
    fireEvent.click(within(banner).getByRole('button', { name: button }));
    await waitFor(() => expect(create).toHaveBeenCalledWith({ url: fakeBrowser.runtime.getURL('/options.html#check') }));
    expect(close).toHaveBeenCalled();
  });

  it('no banner while no check is due, or without a key', async () => {
    fake.state = configuredState({ reminderDue: false });
    render(<PopupApp />);
    await screen.findByTestId('popup-key-status');
    expect(screen.queryByTestId('popup-reminder')).toBeNull();
    cleanup();
    fake.state = { configured: false, pendingSetup: false };
    render(<PopupApp />);
    await screen.findByRole('button', { name: 'Set up your backup key' });
    expect(screen.queryByTestId('popup-reminder')).toBeNull();
  });

  it('opens the options page from Settings', async () => {
    const open = vi.spyOn(fakeBrowser.runtime, 'openOptionsPage').mockResolvedValue(undefined);
    fake.state = configuredState();
    render(<PopupApp />);
    fireEvent.click(await screen.findByRole('button', { name: 'Settings' }));
    await waitFor(() => expect(open).toHaveBeenCalledTimes(1));
  });
});
