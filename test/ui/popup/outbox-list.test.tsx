// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { deleteDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import englishMessages from '../../../public/_locales/en/messages.json';
import { Outbox, type OutboxReason } from '../../../src/backup/outbox';
import type { OutboxItemView } from '../../../src/messaging/protocol';
import { DB_NAME } from '../../../src/store/db';
import { formatDuration } from '../../../src/ui/popup/OutboxList';
import { REASON_TEXT } from '../../../src/ui/popup/outbox-words';
import { PopupApp } from '../../../src/ui/popup/PopupApp';
import { captureDownloads, configuredState, FakeWorker } from '../fake-worker';

const worker = vi.hoisted(() => ({ current: null as null | { call: (type: never, payload: never) => Promise<unknown> } }));
vi.mock('../../../src/messaging/client', () => ({
  callWorker: (type: never, payload: never) => worker.current!.call(type, payload),
}));

let fake: FakeWorker;
beforeEach(() => {
  fakeBrowser.reset();
  fake = new FakeWorker();
  fake.state = configuredState();
  fake.drive = { status: 'connected', email: 'maya@example.com', connectedAt: '2026-03-05T10:00:00.000Z' };
  worker.current = fake;
});
afterEach(async () => {
  cleanup();
  await deleteDB(DB_NAME);
});

function item(over: Partial<OutboxItemView> = {}): OutboxItemView {
  return {
    id: 'item-1',
    kind: 'backup',
    fileName: 'ChatSeal-2026-03-05-abcdefghij.age',
    size: 10_000_000,
    createdAt: '2026-03-05T09:00:00.000Z',
    state: 'waiting',
    progress: { confirmed: 0 },
    ...over,
  };
}

describe('popup: upload queue', () => {
  it('isolates a right-to-left title from the size after it (bdi)', async () => {
    fake.outbox = { items: [item({ title: 'Family عائلة' })], lastBackup: null };
    render(<PopupApp />);
    const row = await screen.findByRole('listitem', { name: 'Family عائلة' });
    const title = row.querySelector('.outbox-title')!;
    expect(title.querySelector('bdi')?.textContent).toBe('Family عائلة');
    expect(title.textContent).toMatch(/^Family عائلة · 10\s?MB$/u);
  });

  it('shows an upload with its progress bar, bytes, percent, speed and time left', async () => {
    fake.outbox = {
      items: [item({ state: 'uploading', title: 'Family', progress: { confirmed: 2_500_000, bytesPerSecond: 500_000, secondsLeft: 15 } })],
      lastBackup: null,
    };
    render(<PopupApp />);
    const row = await screen.findByRole('listitem', { name: 'Family' });
    expect(row.getAttribute('data-state')).toBe('uploading');
    expect(within(row).getByTestId('outbox-state').textContent).toBe('Uploading');
    expect((within(row).getByRole('progressbar', { name: 'Upload progress' }) as HTMLProgressElement).value).toBe(25);
    expect(within(row).getByTestId('outbox-progress').textContent).toMatch(/^2\.5\s?MB of 10\s?MB \(25%\) · 500\s?kB\/s, about 15 seconds left$/u);
    expect(within(row).getByRole('button', { name: 'Pause' })).toBeTruthy();
    expect(within(row).queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('names a backup by date when its title is no longer in memory', async () => {
    fake.outbox = { items: [item()], lastBackup: null };
    render(<PopupApp />);
    const row = await screen.findByTestId('outbox-item');
    expect(row.getAttribute('aria-label')).toMatch(/^Backup of .*2026/u);
  });

  it('waiting for a connection says so and offers no Retry; waiting after network trouble offers Retry and when it tries again', async () => {
    fake.outbox = {
      items: [item({ id: 'a', reason: 'not-connected', title: 'A' }), item({ id: 'b', reason: 'offline', retryAt: '2026-03-05T10:01:00.000Z', title: 'B' })],
      lastBackup: null,
    };
    render(<PopupApp />);
    const a = await screen.findByRole('listitem', { name: 'A' });
    expect(within(a).getByTestId('outbox-reason').textContent).toBe('Kept on this computer until Google Drive is connected.');
    expect(within(a).queryByRole('button', { name: 'Retry' })).toBeNull();
    const b = screen.getByRole('listitem', { name: 'B' });
    expect(within(b).getByTestId('outbox-reason').textContent).toMatch(/^Google Drive could not be reached\. .* Trying again at .*2026/u);
    expect(within(b).getByRole('button', { name: 'Retry' })).toBeTruthy();
  });

  it('a full Drive: says what happened, that the backup is safe and what to do, and Retry asks the worker', async () => {
    fake.outbox = { items: [item({ state: 'failed', reason: 'quota', progress: { confirmed: 4_000_000 } })], lastBackup: null };
    fake.on('outbox.retry', () => ({ items: [item({ state: 'uploading', progress: { confirmed: 4_000_000 } })], lastBackup: null }));
    render(<PopupApp />);
    const row = await screen.findByTestId('outbox-item');
    const reason = within(row).getByTestId('outbox-reason');
    expect(reason.getAttribute('role')).toBe('alert');
    expect(reason.textContent).toBe('Google Drive is full. Your backup is kept on this computer. Free some space in Google Drive, then press Retry.');
    expect(within(row).getByTestId('outbox-progress').textContent).toMatch(/\(40%\)/u);
    fireEvent.click(within(row).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(fake.callsOf('outbox.retry')).toEqual([{ id: 'item-1' }]));
    await waitFor(() => expect(screen.getByTestId('outbox-item').getAttribute('data-state')).toBe('uploading'));
  });

  it('Pause and Resume go to the worker', async () => {
    fake.outbox = { items: [item({ state: 'uploading' })], lastBackup: null };
    fake.on('outbox.pause', () => ({ items: [item({ state: 'paused' })], lastBackup: null }));
    fake.on('outbox.resume', () => ({ items: [item({ state: 'waiting' })], lastBackup: null }));
    render(<PopupApp />);
    fireEvent.click(await screen.findByRole('button', { name: 'Pause' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(fake.callsOf('outbox.resume')).toEqual([{ id: 'item-1' }]));
    expect(fake.callsOf('outbox.pause')).toEqual([{ id: 'item-1' }]);
  });

  it('Cancel asks first; "Keep it" changes nothing, "Remove backup" removes it', async () => {
    fake.outbox = { items: [item({ reason: 'not-connected' })], lastBackup: null };
    fake.on('outbox.cancel', () => {
      fake.outbox = { items: [], lastBackup: null };
      return fake.outbox;
    });
    render(<PopupApp />);
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('alert').textContent).toContain('It is not in Google Drive yet; save it as a file first');
    fireEvent.click(screen.getByRole('button', { name: 'Keep it' }));
    expect(fake.callsOf('outbox.cancel')).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    fireEvent.click(screen.getByRole('button', { name: 'Remove backup' }));
    await waitFor(() => expect(screen.queryByTestId('outbox-item')).toBeNull());
    expect(fake.callsOf('outbox.cancel')).toEqual([{ id: 'item-1' }]);
  });

  it('"Save as file" saves the queued ciphertext itself (read from the outbox) under its dated name', async () => {
    // happy-dom's Blob does not survive Node's structured clone, so the outbox read is stubbed here;
    // test/backup/outbox.test.ts shows the real store keeps the Blob byte for byte.
    const file = vi.spyOn(Outbox.prototype, 'file').mockImplementation(async (id) => (id === 'item-1' ? new Blob([new Uint8Array([1, 2, 3])]) : undefined));
    fake.outbox = { items: [item({ reason: 'not-connected' })], lastBackup: null };
    const saved = captureDownloads();
    render(<PopupApp />);
    fireEvent.click(await screen.findByRole('button', { name: 'Save as file' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(file).toHaveBeenCalledWith('item-1');
    expect(saved[0]!.name).toBe('ChatSeal-2026-03-05-abcdefghij.age');
    expect(new Uint8Array(await saved[0]!.blob.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('follows the worker while open (progress moves without a click)', async () => {
    fake.outbox = { items: [item({ state: 'uploading', progress: { confirmed: 1_000_000 } })], lastBackup: null };
    render(<PopupApp />);
    await screen.findByText(/\(10%\)/u);
    fake.outbox = { items: [item({ state: 'uploading', progress: { confirmed: 5_000_000 } })], lastBackup: null };
    await screen.findByText(/\(50%\)/u, {}, { timeout: 3000 });
  });

  it('has plain words for every reason a backup can wait or fail', () => {
    const reasons: OutboxReason[] = ['not-connected', 'signed-out', 'account-changed', 'no-client-id', 'offline', 'drive-busy', 'quota', 'forbidden', 'rejected', 'checksum', 'no-key', 'internal'];
    for (const reason of reasons) expect(REASON_TEXT[reason] in englishMessages, reason).toBe(true);
    expect(Object.keys(REASON_TEXT).sort()).toEqual([...reasons].sort());
  });

  it('says time left in one unit', () => {
    expect(formatDuration(15)).toBe('15 seconds');
    expect(formatDuration(600)).toBe('10 minutes');
    expect(formatDuration(3 * 3600)).toBe('3 hours');
  });
});
