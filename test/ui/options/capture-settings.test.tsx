// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Settings } from '../../../src/messaging/protocol';
import { CaptureSettings, localToday } from '../../../src/ui/options/CaptureSettings';
import { OptionsApp } from '../../../src/ui/options/OptionsApp';
import { configuredState, DEFAULT_TEST_SETTINGS, FakeWorker } from '../fake-worker';

const worker = vi.hoisted(() => ({ current: null as null | { call: (type: never, payload: never) => Promise<unknown> } }));
vi.mock('../../../src/messaging/client', () => ({
  callWorker: (type: never, payload: never) => worker.current!.call(type, payload),
}));

let fake: FakeWorker;
beforeEach(() => {
  fake = new FakeWorker();
  worker.current = fake;
});
afterEach(cleanup);

/** The component with a store of its own: saves land in `saved`, and the props follow. */
function renderSettings(initial: Partial<Settings> = {}) {
  const saved: Partial<Settings>[] = [];
  let settings: Settings = { ...DEFAULT_TEST_SETTINGS, ...initial };
  const view = render(<CaptureSettings settings={settings} onChange={onChange} />);
  async function onChange(patch: Partial<Settings>) {
    saved.push(patch);
    settings = { ...settings, ...patch };
    view.rerender(<CaptureSettings settings={settings} onChange={onChange} />);
  }
  return { saved };
}

const group = () => screen.getByRole('group', { name: 'History range' });

describe('options: Capture', () => {
  it('is a section of the options page once a key exists, and saves "Capture images" through the worker', async () => {
    fake.state = configuredState();
    render(<OptionsApp />);
    const section = (await screen.findByRole('heading', { name: 'Capture' })).closest('section')!;
    const images = within(section).getByRole('checkbox', { name: 'Capture images' }) as HTMLInputElement;
    expect(images.checked).toBe(true);
    expect(images.getAttribute('aria-describedby')).toBeTruthy();
    fireEvent.click(images);
    await waitFor(() => expect(fake.callsOf('settings.set')).toEqual([{ captureImages: false }]));
    await waitFor(() => expect(within(images.closest('.setting-row') as HTMLElement).getByRole('status').textContent).toBe('Saved.'));
    expect(images.checked).toBe(false);
    expect((within(section).getByRole('radio', { name: 'All history' }) as HTMLInputElement).checked).toBe(true);
  });

  it('all history is the default; "only messages since" saves once a day is chosen', async () => {
    const { saved } = renderSettings();
    expect((within(group()).getByRole('radio', { name: 'All history' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.queryByLabelText('First day')).toBeNull();
    fireEvent.click(within(group()).getByRole('radio', { name: 'Only messages since a date' }));
    // No day yet: nothing saved, and the page says what is missing.
    expect(within(group()).getByRole('alert').textContent).toBe('Choose the first day to capture.');
    expect(saved).toEqual([]);
    const date = screen.getByLabelText('First day') as HTMLInputElement;
    expect(date.type).toBe('date');
    expect(date.max).toBe(localToday());
    fireEvent.change(date, { target: { value: '2024-03-12' } });
    await waitFor(() => expect(saved).toEqual([{ historySince: '2024-03-12' }]));
    await waitFor(() => expect(within(group()).getByRole('status').textContent).toBe('Saved.'));
    expect(within(group()).queryByRole('alert')).toBeNull();

    fireEvent.click(within(group()).getByRole('radio', { name: 'All history' }));
    await waitFor(() => expect(saved).toEqual([{ historySince: '2024-03-12' }, { historySince: null }]));
    expect(screen.queryByLabelText('First day')).toBeNull();
  });

  it('shows a stored day, and refuses a day in the future without saving it', async () => {
    const { saved } = renderSettings({ historySince: '2023-01-05' });
    expect((within(group()).getByRole('radio', { name: 'Only messages since a date' }) as HTMLInputElement).checked).toBe(true);
    const date = screen.getByLabelText('First day') as HTMLInputElement;
    expect(date.value).toBe('2023-01-05');
    const next = new Date();
    next.setDate(next.getDate() + 2);
    fireEvent.change(date, { target: { value: localToday(next) } });
    expect(within(group()).getByRole('alert').textContent).toBe('Choose a day that is not in the future.');
    expect(date.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(date, { target: { value: '' } });
    expect(within(group()).getByRole('alert').textContent).toBe('Choose the first day to capture.');
    expect(saved).toEqual([]);
  });

  it('Capture images off is saved and shown', async () => {
    const { saved } = renderSettings({ captureImages: false });
    const images = screen.getByRole('checkbox', { name: 'Capture images' }) as HTMLInputElement;
    expect(images.checked).toBe(false);
    fireEvent.click(images);
    await waitFor(() => expect(saved).toEqual([{ captureImages: true }]));
    expect(images.checked).toBe(true);
  });
});
