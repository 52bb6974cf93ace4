// @vitest-environment happy-dom
// The import page with the real pipeline (parser, backup writer, fake IndexedDB for the MAC key);
// only the worker is faked, at the client.ts seam.
import { readFileSync } from 'node:fs';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { openBackup } from '../../src/backup/reader';
import { Outbox } from '../../src/backup/outbox';
import { titleOf } from '../../src/backup/titles';
import { BACKUP_FILE_NAME } from '../../src/import/file-name';
import { openChatSealDb } from '../../src/store/db';
import { ImportApp } from '../../src/ui/import/ImportApp';
import { clearKeys, SEED, storeTestKey } from '../import/helpers';
import { captureDownloads, configuredState, FakeWorker } from './fake-worker';

const worker = vi.hoisted(() => ({ current: null as null | { call: (type: never, payload: never) => Promise<unknown> } }));
vi.mock('../../src/messaging/client', () => ({
  callWorker: (type: never, payload: never) => worker.current!.call(type, payload),
}));

let fake: FakeWorker;
beforeEach(async () => {
  // The page stamps backups with the extension's version, from the manifest.
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ manifest_version: 3, name: 'ChatSeal', version: '0.1.0' });
  fake = new FakeWorker();
  worker.current = fake;
  const record = await storeTestKey('classic');
  fake.state = configuredState({ keyId: record.keyId, recipient: record.recipient, keyType: 'classic' });
});
afterEach(async () => {
  cleanup();
  await clearKeys();
});

function pick(name: string, fixture: string) {
  const bytes = readFileSync(`test/fixtures/whatsapp/${fixture}`);
  const file = new File([bytes], name);
  fireEvent.change(screen.getByLabelText('WhatsApp export file (.txt or .zip)'), { target: { files: [file] } });
}

describe('import page', () => {
  it('names the short "reading the file" step with a heading, and moves focus to it', async () => {
    render(<ImportApp />);
    await screen.findByRole('heading', { name: 'Choose a WhatsApp export' });
    let release!: () => void;
    const bytes = readFileSync('test/fixtures/whatsapp/sample-android.txt');
    const file = new File([bytes], 'WhatsApp Chat.txt');
    const gate = new Promise<void>((resolve) => (release = resolve));
    vi.spyOn(file, 'arrayBuffer').mockImplementation(async () => {
      await gate;
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    });
    fireEvent.change(screen.getByLabelText('WhatsApp export file (.txt or .zip)'), { target: { files: [file] } });
    const heading = await screen.findByRole('heading', { level: 2, name: 'Reading the file' });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(screen.getByRole('progressbar', { name: 'Reading the file…' })).toBeTruthy();
    release();
    await screen.findByRole('heading', { name: 'Which one is you?' });
  });

  it('asks who you are, shows the summary, and saves an encrypted backup named by date', async () => {
    const downloads = captureDownloads();
    render(<ImportApp />);
    await screen.findByRole('heading', { name: 'Choose a WhatsApp export' });
    pick('WhatsApp Chat - Priya Raman.zip', 'ios-media.zip');

    await screen.findByRole('heading', { name: 'Which one is you?' });
    expect(screen.getByRole('radio', { name: /Priya Raman/ })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Choose who you are, or “None of these”.');
    fireEvent.click(screen.getByRole('radio', { name: /Felix Braun/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));

    await screen.findByRole('heading', { name: 'Check the chat' });
    expect(screen.getByTestId('summary-messages').textContent).toBe('8');
    expect(screen.getByTestId('summary-media').textContent).toBe('2 files (206 bytes)');
    expect(screen.getByTestId('summary-unreadable').textContent).toBe('0');
    expect(screen.getByText('1 attachment names a file the export did not include.')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Encrypt and save backup' }));
    await screen.findByRole('heading', { name: 'Backup saved' });
    expect(downloads).toHaveLength(1);
    expect(downloads[0]!.name).toMatch(BACKUP_FILE_NAME);
    expect(screen.getByRole('status').textContent).toContain(downloads[0]!.name);

    const verified = await openBackup(() => downloads[0]!.blob.stream() as ReadableStream<Uint8Array>, [{ seed: SEED, type: 'classic' }], async () => undefined);
    expect(verified.entries.map((e) => e.name.replace(/[0-9a-f]{64}/, 'H'))).toEqual([
      expect.stringMatching(/^media\/H\.(jpg|opus)$/),
      expect.stringMatching(/^media\/H\.(jpg|opus)$/),
      'chat.json.gz',
      'manifest.json',
      'manifest.mac',
      'padding',
    ]);
    expect(verified.manifest).toMatchObject({ app: { version: '0.1.0' }, messages: { count: 8 } });

    fireEvent.click(screen.getByRole('button', { name: 'Save again' }));
    expect(downloads.map((d) => d.name)).toEqual([downloads[0]!.name, downloads[0]!.name]);

    // The same backup waits in the outbox for Google Drive, under the same name, and the worker was told.
    expect(screen.getByTestId('import-queued').textContent).toContain('goes to Google Drive when Google Drive is connected');
    const queued = await new Outbox(() => openChatSealDb()).list();
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ kind: 'backup', fileName: downloads[0]!.name, size: downloads[0]!.blob.size, messageCount: 8, state: 'waiting' });
    expect(fake.callsOf('outbox.kick')).toEqual([{}]);
    expect(await titleOf(queued[0]!.id)).toBe('Priya Raman');
  });

  it('reads a picked zip from the File in slices, never its whole arrayBuffer()', async () => {
    captureDownloads();
    render(<ImportApp />);
    await screen.findByRole('heading', { name: 'Choose a WhatsApp export' });
    const file = new File([readFileSync('test/fixtures/whatsapp/ios-media.zip')], 'WhatsApp Chat - Priya Raman.zip');
    const whole = vi.spyOn(file, 'arrayBuffer');
    fireEvent.change(screen.getByLabelText('WhatsApp export file (.txt or .zip)'), { target: { files: [file] } });
    await screen.findByRole('heading', { name: 'Which one is you?' });
    fireEvent.click(screen.getByRole('radio', { name: /Felix Braun/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: 'Check the chat' });
    fireEvent.click(screen.getByRole('button', { name: 'Encrypt and save backup' }));
    await screen.findByRole('heading', { name: 'Backup saved' });
    expect(whole).not.toHaveBeenCalled();
    // The file decides its date order here: no choice offered.
    expect(screen.queryByTestId('date-order')).toBeNull();
  });

  it('lets the user choose day-first or month-first when every day is 12 or less, showing what each reading gives', async () => {
    const downloads = captureDownloads();
    render(<ImportApp />);
    await screen.findByRole('heading', { name: 'Choose a WhatsApp export' });
    pick('WhatsApp Chat with Karim Haddad.txt', 'ambiguous-dates.txt');
    await screen.findByRole('heading', { name: 'Which one is you?' });
    fireEvent.click(screen.getByRole('radio', { name: /Sophie Martin/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: 'Check the chat' });

    const group = screen.getByRole('group', { name: 'Dates are' });
    const dayFirst = screen.getByRole('radio', { name: /^Day first \(26\/11\)/ }) as HTMLInputElement;
    const monthFirst = screen.getByRole('radio', { name: /^Month first \(11\/26\)/ }) as HTMLInputElement;
    // Each reading's first and last date, with month names, so the user can judge.
    expect(dayFirst.closest('label')!.textContent).toContain('Apr 3, 2026 to Apr 11, 2026');
    expect(monthFirst.closest('label')!.textContent).toContain('Mar 4, 2026 to Nov 4, 2026');
    // The browser's order (en-US here) was used, and the page says so instead of a bare warning.
    expect(monthFirst.checked).toBe(true);
    expect(group.textContent).toContain('They were read in your browser’s date order');
    expect(screen.queryByText(/Check that the dates look right/)).toBeNull();
    const dates = () => screen.getByText('Dates').nextElementSibling!.textContent!;
    expect(dates()).toMatch(/^Mar 4, 2026.* to Nov 4, 2026/);

    fireEvent.click(dayFirst);
    await waitFor(() => expect(dates()).toMatch(/^Apr 3, 2026.* to Apr 11, 2026/));
    expect((screen.getByRole('radio', { name: /^Day first/ }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByRole('group', { name: 'Dates are' }).textContent).toContain('They are read in the order you chose.');

    fireEvent.click(screen.getByRole('button', { name: 'Encrypt and save backup' }));
    await screen.findByRole('heading', { name: 'Backup saved' });
    let chat: { capture: { dateOrder: string; warnings: { code: string }[] }; messages: { timestamp: { value: string } }[] } | undefined;
    await openBackup(() => downloads[0]!.blob.stream() as ReadableStream<Uint8Array>, [{ seed: SEED, type: 'classic' }], async (entry) => {
      if (entry.name !== 'chat.json.gz') return;
      const text = await new Response(new Blob([entry.bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
      chat = JSON.parse(text);
    });
    expect(chat!.capture.dateOrder).toBe('dmy');
    expect(chat!.messages[0]!.timestamp.value).toBe('2026-04-03T09:15');
    expect(chat!.capture.warnings.map((w) => w.code)).toContain('date-order-chosen');
  });

  it('accepts "None of these"', async () => {
    captureDownloads();
    render(<ImportApp />);
    await screen.findByRole('heading', { name: 'Choose a WhatsApp export' });
    pick('WhatsApp Chat with Jonas Weber.txt', 'sample-android.txt');
    await screen.findByRole('heading', { name: 'Which one is you?' });
    fireEvent.click(screen.getByRole('radio', { name: 'None of these' }));
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: 'Check the chat' });
    expect(screen.getByText('You chose “None of these”, so the backup does not say which messages you sent.')).toBeTruthy();
  });

  it('explains a file that is not a WhatsApp export', async () => {
    render(<ImportApp />);
    await screen.findByRole('heading', { name: 'Choose a WhatsApp export' });
    const file = new File(['just some notes\nnothing else\n'], 'notes.txt');
    fireEvent.change(screen.getByLabelText('WhatsApp export file (.txt or .zip)'), { target: { files: [file] } });
    expect((await screen.findByRole('alert')).textContent).toMatch(/does not look like a WhatsApp chat export/);
  });

  it('without a key, sends the user to the options page', async () => {
    fake.state = { configured: false, pendingSetup: false };
    render(<ImportApp />);
    await screen.findByRole('heading', { name: 'Set up your backup key first' });
    const link = screen.getByRole('link', { name: 'Open ChatSeal settings' }) as HTMLAnchorElement;
    expect(link.getAttribute('href')).toMatch(/\/options\.html$/);
    expect(screen.queryByLabelText('WhatsApp export file (.txt or .zip)')).toBeNull();
  });

  it('shows a progress bar while encrypting', async () => {
    captureDownloads();
    render(<ImportApp />);
    await screen.findByRole('heading', { name: 'Choose a WhatsApp export' });
    pick('WhatsApp Chat - Priya Raman.zip', 'ios-media.zip');
    await screen.findByRole('heading', { name: 'Which one is you?' });
    fireEvent.click(screen.getByRole('radio', { name: /Felix Braun/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: 'Check the chat' });
    // Hold the key until the progress bar has been seen.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const answer = fake.handlers['backup.getKey']!;
    fake.on('backup.getKey', async (p) => {
      await held;
      return answer(p);
    });
    fireEvent.click(screen.getByRole('button', { name: 'Encrypt and save backup' }));
    await screen.findByRole('heading', { name: 'Encrypting…' });
    const bar = screen.getByLabelText('Encrypting the backup');
    expect(bar.tagName).toBe('PROGRESS');
    expect(bar.closest('[aria-live]')).not.toBeNull();
    release();
    await screen.findByRole('heading', { name: 'Backup saved' });
  });
});

describe('import page, drag and drop', () => {
  // Browsers define on<event> properties for drag events, which is how Preact picks the event name
  // ("dragover", not "DragOver"); happy-dom lacks them, so they are declared here as browsers have them.
  beforeAll(() => {
    for (const name of ['ondragover', 'ondragleave', 'ondrop']) {
      if (!(name in HTMLElement.prototype)) Object.defineProperty(HTMLElement.prototype, name, { value: null, writable: true, configurable: true });
    }
  });

  it('takes a file dropped on the drop zone', async () => {
    render(<ImportApp />);
    await screen.findByRole('heading', { name: 'Choose a WhatsApp export' });
    const zone = screen.getByText('Or drop the file here.').closest('.drop-zone')!;
    const file = new File([readFileSync('test/fixtures/whatsapp/sample-android.txt')], 'WhatsApp Chat with Jonas Weber.txt');
    fireEvent.dragOver(zone);
    await waitFor(() => expect(zone.classList.contains('active')).toBe(true));
    fireEvent.drop(zone, { dataTransfer: { files: [file] } });
    await screen.findByRole('heading', { name: 'Which one is you?' });
    expect(screen.getByRole('radio', { name: /Jonas Weber/ })).toBeTruthy();
  });
});
