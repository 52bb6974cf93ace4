// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { ChatProbeReport, RequestMessage, TabCaptureStatus } from '../../src/messaging/protocol';
import { ExportThisChat, formatProbeReport } from '../../src/ui/popup/ExportThisChat';

const TAB = 17;
const status: TabCaptureStatus = { site: 'whatsapp', siteName: 'WhatsApp Web', experimental: true, chatOpen: true, capturing: false };
const probe: ChatProbeReport = {
  site: 'whatsapp',
  siteName: 'WhatsApp Web',
  experimental: true,
  chatOpen: true,
  anchors: [
    { name: 'message-row', required: true, form: 0, forms: 2 },
    { name: 'pre-plain-text', required: false, form: 1, forms: 2 },
    { name: 'history-gate', required: false, form: -1, forms: 3 },
    { name: 'chat-header', required: true, form: -1, forms: 1 },
  ],
  rows: { mounted: 1058, messages: 1040, days: 12, skipped: 3, pending: 2, broken: 1 },
  timestamps: { resolved: 1039, unresolved: 1 },
};

let answers: Record<string, unknown>;
let sent: { tabId: number; message: RequestMessage }[];
let close: ReturnType<typeof vi.fn>;

beforeEach(() => {
  fakeBrowser.reset();
  sent = [];
  answers = { 'capture.status': status, 'capture.probe': probe, 'capture.start': { ok: true } };
  vi.spyOn(fakeBrowser.tabs, 'query').mockResolvedValue([{ id: TAB }] as never);
  vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockImplementation((async (tabId: number, message: RequestMessage) => {
    sent.push({ tabId, message });
    if (!(message.type in answers)) throw new Error('Could not establish connection. Receiving end does not exist.');
    return { ok: true, result: answers[message.type] };
  }) as never);
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ version: '0.1.0' } as never);
  close = vi.fn();
  vi.spyOn(window, 'close').mockImplementation(close);
});
afterEach(cleanup);

describe('Export this chat (popup)', () => {
  it('shows nothing when the tab has no ChatSeal content script', async () => {
    answers = {};
    const { container } = render(<ExportThisChat />);
    await waitFor(() => expect(sent.map((s) => s.message.type)).toEqual(['capture.status']));
    expect(container.textContent).toBe('');
  });

  it('names the site as experimental and starts the capture in the active tab, then closes', async () => {
    render(<ExportThisChat />);
    expect(await screen.findByRole('heading', { name: 'WhatsApp Web (experimental)' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Export this chat' }));
    await waitFor(() => expect(close).toHaveBeenCalled());
    expect(sent.at(-1)).toEqual({ tabId: TAB, message: { type: 'capture.start', payload: {} } });
  });

  it('closes too when there is no key (the page opened the options page); says why otherwise', async () => {
    answers['capture.start'] = { ok: false, reason: 'no-key' };
    render(<ExportThisChat />);
    fireEvent.click(await screen.findByRole('button', { name: 'Export this chat' }));
    await waitFor(() => expect(close).toHaveBeenCalled());
    cleanup();
    close.mockClear();
    answers['capture.start'] = { ok: false, reason: 'busy' };
    render(<ExportThisChat />);
    fireEvent.click(await screen.findByRole('button', { name: 'Export this chat' }));
    expect(await screen.findByText('An encrypted export is already running in this tab.')).toBeTruthy();
    expect(close).not.toHaveBeenCalled();
  });

  it('without an open chat, or while capturing, cannot start', async () => {
    answers['capture.status'] = { ...status, chatOpen: false };
    render(<ExportThisChat />);
    const button = (await screen.findByRole('button', { name: 'Export this chat' })) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(screen.getByText('Open a chat in this tab first.')).toBeTruthy();
    cleanup();
    answers['capture.status'] = { ...status, capturing: true, experimental: false };
    render(<ExportThisChat />);
    expect(await screen.findByRole('heading', { name: 'WhatsApp Web' })).toBeTruthy();
    expect(((await screen.findByRole('button', { name: 'Export this chat' })) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByRole('status').textContent).toContain('running');
  });

  it('"Check this chat" shows a copyable report of counts, labelled with the site', async () => {
    const write = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: write }, configurable: true });
    render(<ExportThisChat />);
    fireEvent.click(await screen.findByRole('button', { name: 'Check this chat' }));
    const box = (await screen.findByLabelText(/Report \(counts only/)) as HTMLTextAreaElement;
    expect(box.readOnly).toBe(true);
    expect(box.value).toBe(formatProbeReport(probe, '0.1.0'));
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(write).toHaveBeenCalledWith(box.value));
    expect(await screen.findByText('Report copied.')).toBeTruthy();
  });
});

describe('formatProbeReport', () => {
  it('lists every anchor with the form found, rows and timestamps, in plain words', () => {
    expect(formatProbeReport(probe, '0.1.0')).toBe(
      [
        'ChatSeal 0.1.0 · Check this chat',
        'WhatsApp Web (experimental)',
        'Chat open: yes',
        'Page parts ChatSeal looks for:',
        '  message-row: found (form 1 of 2)',
        '  pre-plain-text: found in an older form (2 of 2)',
        '  history-gate: not found',
        '  chat-header: not found (needed: capture cannot work without it)',
        'Rows on screen: 1,058 — messages 1,040, day separators 12, skipped 3, not filled in yet 2, unreadable 1',
        'Dates and times: 1,039 worked out, 1 not',
      ].join('\n'),
    );
  });
});
