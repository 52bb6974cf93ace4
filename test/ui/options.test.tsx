// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { digitsToSeed, seedToIdentity } from '../../src/crypto/keys';
import { OptionsApp } from '../../src/ui/options/OptionsApp';
import type { PendingKeyView } from '../../src/messaging/protocol';
import { captureDownloads, configuredState, DIGITS, FakeWorker, GROUPS, KEY_ID, pendingKey } from './fake-worker';

const worker = vi.hoisted(() => ({ current: null as null | { call: (type: never, payload: never) => Promise<unknown> } }));
vi.mock('../../src/messaging/client', () => ({
  callWorker: (type: never, payload: never) => worker.current!.call(type, payload),
}));

let fake: FakeWorker;
beforeEach(() => {
  fake = new FakeWorker();
  worker.current = fake;
});
afterEach(cleanup);

const type = (field: HTMLElement, value: string) => fireEvent.input(field, { target: { value } });
const SLOW = { timeout: 5000 }; // the password policy loads zxcvbn's dictionaries on first use

async function startSetup(method: RegExp) {
  render(<OptionsApp />);
  await screen.findByRole('heading', { name: 'Protect your backups' });
  fireEvent.click(screen.getByRole('radio', { name: method }));
  fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
}

describe('first run', () => {
  it('explains who holds the key and offers the three ways, 64-digit key first', async () => {
    render(<OptionsApp />);
    await screen.findByRole('heading', { name: 'Protect your backups' });
    expect(screen.getByText(/If you lose your 64-digit key or password, nobody — not ChatSeal, not Google — can restore your backups/)).toBeTruthy();
    const key = screen.getByRole('radio', { name: /Use a 64-digit key \(recommended\)/ }) as HTMLInputElement;
    const password = screen.getByRole('radio', { name: /Use a password/ }) as HTMLInputElement;
    const existing = screen.getByRole('radio', { name: /I already have a key/ }) as HTMLInputElement;
    expect([key.checked, password.checked, existing.checked]).toEqual([true, false, false]);
    expect((screen.getByRole('radio', { name: /Post-quantum/ }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole('radio', { name: /Classic \(works with age 1.1\)/ }) as HTMLInputElement).checked).toBe(false);
  });
});

describe('focus', () => {
  it('moves focus to each step’s heading, which only script can focus (no Tab stop)', async () => {
    render(<OptionsApp />);
    const first = await screen.findByRole('heading', { name: 'Protect your backups' });
    await waitFor(() => expect(document.activeElement).toBe(first));
    expect(first.getAttribute('tabindex')).toBe('-1');
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('list', { name: 'Your 64-digit key, in 16 groups of 4' });
    const heading = screen.getByRole('heading', { name: 'Your 64-digit key' });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(heading.getAttribute('tabindex')).toBe('-1');
  });
});

describe('64-digit key setup', () => {
  it('shows the key in 16 groups, asks for two groups back, and only then says backups are on', async () => {
    await startSetup(/Use a 64-digit key/);
    await screen.findByRole('heading', { name: 'Your 64-digit key' });
    expect(fake.callsOf('key.beginSetup')).toEqual([{ keyType: 'pq' }]);
    const groups = within(screen.getByRole('list', { name: 'Your 64-digit key, in 16 groups of 4' })).getAllByRole('listitem');
    expect(groups.map((g) => g.getAttribute('data-group'))).toEqual(GROUPS);
    expect(groups[6]!.getAttribute('aria-label')).toBe(`Group 7: ${GROUPS[6]!.split('').join(' ')}`);
    expect(screen.queryByRole('heading', { name: 'Backups are on' })).toBeNull();

    screen.getByRole('group', { name: 'Type groups 3 and 11 to confirm you saved it' });
    type(screen.getByLabelText('Group 3'), GROUPS[2]!);
    type(screen.getByLabelText('Group 11'), '0000');
    fireEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Group 11 does not match your key. Look at what you saved and try again.');
    expect(screen.queryByRole('heading', { name: 'Backups are on' })).toBeNull();

    type(screen.getByLabelText('Group 11'), GROUPS[10]!.toUpperCase());
    fireEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    await screen.findByRole('heading', { name: 'Backups are on' });
    expect(fake.callsOf('key.confirmSetup').at(-1)).toEqual({ answers: [GROUPS[2], GROUPS[10]!.toUpperCase()] });
    expect(screen.getByText(/0f1e 2d3c 4b5a 6978/)).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    await screen.findByRole('heading', { name: 'Backup key' });
  });

  it('makes a classic key when chosen under Advanced', async () => {
    render(<OptionsApp />);
    await screen.findByRole('heading', { name: 'Protect your backups' });
    fireEvent.click(screen.getByRole('radio', { name: /Classic/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: 'Your 64-digit key' });
    expect(fake.callsOf('key.beginSetup')).toEqual([{ keyType: 'classic' }]);
  });

  it('downloads a recovery kit holding this key, and copies the key', async () => {
    const downloads = captureDownloads();
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await startSetup(/Use a 64-digit key/);
    await screen.findByRole('heading', { name: 'Your 64-digit key' });

    fireEvent.click(screen.getByRole('button', { name: 'Download recovery kit' }));
    expect(downloads.map((d) => d.name)).toEqual([`ChatSeal-recovery-kit-${KEY_ID}.html`]);
    const kit = await downloads[0]!.blob.text();
    expect(kit).toContain(`data-digits="${DIGITS}"`);
    expect(kit).toContain(pendingKey().identity);
    expect(kit).toContain('ChatSeal will never ask you for this key.');

    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(GROUPS.join(' ')));
    await screen.findByText(/Key copied/);
    expect(screen.getByRole('button', { name: 'Print' })).toBeTruthy();
  });

  it('drops the shown key when the user goes back', async () => {
    await startSetup(/Use a 64-digit key/);
    await screen.findByRole('heading', { name: 'Your 64-digit key' });
    fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    await screen.findByRole('heading', { name: 'Protect your backups' });
    expect(fake.callsOf('key.cancelSetup')).toHaveLength(1);
    expect(document.body.textContent).not.toContain(GROUPS[0]! + GROUPS[1]!);
  });
});

describe('a reloaded page during setup or rotation', () => {
  const keyGroups = () =>
    within(screen.getByRole('list', { name: 'Your 64-digit key, in 16 groups of 4' }))
      .getAllByRole('listitem')
      .map((g) => g.getAttribute('data-group'));
  const OTHER_DIGITS = 'fedcba9876543210'.repeat(4);
  const otherKey = (): PendingKeyView => ({
    ...pendingKey(),
    digits: OTHER_DIGITS,
    groups: OTHER_DIGITS.match(/.{4}/g)!,
    keyId: 'ffffeeeeddddcccc',
    confirmGroups: [1, 16],
  });

  it('shows the same key and the same two groups again instead of making a new one', async () => {
    fake.state = { configured: false, pendingSetup: true };
    fake.on('key.getPendingSetup', () => pendingKey());
    render(<OptionsApp />);
    await screen.findByRole('heading', { name: 'Your 64-digit key' });
    expect(fake.callsOf('key.beginSetup')).toHaveLength(0);
    expect(keyGroups()).toEqual(GROUPS);
    expect(screen.getByText(/This is the same key ChatSeal showed you before this page was reloaded/).closest('[role=status]')).toBeTruthy();
    screen.getByRole('group', { name: 'Type groups 3 and 11 to confirm you saved it' });
    expect(screen.getByRole('button', { name: 'Back' })).toBeTruthy();

    type(screen.getByLabelText('Group 3'), GROUPS[2]!);
    type(screen.getByLabelText('Group 11'), GROUPS[10]!);
    fireEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    await screen.findByRole('heading', { name: 'Backups are on' });
    expect(fake.callsOf('key.confirmSetup')).toEqual([{ answers: [GROUPS[2], GROUPS[10]] }]);
    expect(fake.callsOf('key.cancelSetup')).toHaveLength(0);
  });

  it('"Start over with a new key" drops the shown key and shows a new one', async () => {
    fake.state = { configured: false, pendingSetup: true };
    fake.on('key.getPendingSetup', () => pendingKey('classic'));
    fake.on('key.beginSetup', () => otherKey());
    render(<OptionsApp />);
    await screen.findByRole('heading', { name: 'Your 64-digit key' });
    fireEvent.click(screen.getByRole('button', { name: 'Start over with a new key' }));
    await waitFor(() => expect(keyGroups()).toEqual(otherKey().groups));
    expect(fake.callsOf('key.cancelSetup')).toHaveLength(1);
    // The same kind of key as the one dropped.
    expect(fake.callsOf('key.beginSetup')).toEqual([{ keyType: 'classic' }]);
    expect(fake.calls.findIndex((c) => c.type === 'key.cancelSetup')).toBeLessThan(fake.calls.findIndex((c) => c.type === 'key.beginSetup'));
    screen.getByRole('group', { name: 'Type groups 1 and 16 to confirm you saved it' });
    // A key made now is not a resumed one.
    expect(screen.queryByText(/before this page was reloaded/)).toBeNull();
    expect(screen.queryByRole('button', { name: 'Start over with a new key' })).toBeNull();
  });

  it('a pending rotation comes back with its new key; confirming finishes the rotation', async () => {
    fake.state = configuredState({ rotationPending: true });
    fake.on('key.getPendingSetup', () => otherKey());
    fake.on('key.confirmSetup', (p) => {
      if (p.answers[0] !== OTHER_DIGITS.slice(0, 4) || p.answers[1] !== OTHER_DIGITS.slice(60)) return { ok: false, wrongGroups: [1, 16] };
      fake.state = configuredState({ keyId: otherKey().keyId, olderKeyIds: [KEY_ID] });
      return { ok: true, keyId: otherKey().keyId };
    });
    render(<OptionsApp />);
    await screen.findByRole('heading', { name: 'Your 64-digit key' });
    expect(keyGroups()).toEqual(otherKey().groups);
    expect(screen.getByText(/This is the new key ChatSeal showed you before this page was reloaded; your current key stays in use/)).toBeTruthy();
    // Nothing to go back to: the page no longer knows the current key.
    expect(screen.queryByRole('button', { name: 'Back' })).toBeNull();
    type(screen.getByLabelText('Group 1'), OTHER_DIGITS.slice(0, 4));
    type(screen.getByLabelText('Group 16'), OTHER_DIGITS.slice(60));
    fireEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    await screen.findByRole('heading', { name: 'Backups are on' });
    expect(screen.getByText(/Older backups still open with it/).textContent).toContain('ffff eeee dddd cccc');
    expect(fake.callsOf('key.rotate')).toHaveLength(0);
  });

  it('starting a pending rotation over goes back to "Rotate key", which needs the current key again', async () => {
    fake.state = configuredState({ rotationPending: true });
    fake.on('key.getPendingSetup', () => otherKey());
    render(<OptionsApp />);
    await screen.findByRole('heading', { name: 'Your 64-digit key' });
    fireEvent.click(screen.getByRole('button', { name: 'Start over with a new key' }));
    await screen.findByRole('heading', { name: 'Backup key' });
    expect(fake.callsOf('key.cancelSetup')).toHaveLength(1);
    expect(screen.getByText(/That new key was discarded; your current key is still in use/)).toBeTruthy();
    const form = screen.getByRole('form', { name: 'Rotate key' });
    expect(screen.getByRole('button', { name: 'Rotate key' }).getAttribute('aria-expanded')).toBe('true');
    type(within(form).getByLabelText('Your current 64-digit key'), DIGITS);
    fireEvent.click(within(form).getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: 'Choose your new key' });
  });

  it('without a pending key the page starts at the beginning', async () => {
    fake.state = { configured: false, pendingSetup: true };
    // The key expired between the two requests (e.g. the browser restarted).
    render(<OptionsApp />);
    await screen.findByRole('heading', { name: 'Protect your backups' });
    expect(fake.callsOf('key.getPendingSetup')).toHaveLength(1);
  });
});

describe('password setup', () => {
  it('rates the password live, refuses a weak one with the reason, and needs it typed twice', async () => {
    await startSetup(/Use a password/);
    await screen.findByRole('heading', { name: 'Choose a password' });
    expect(screen.getByText(/Anyone who gets that file can try guesses offline/)).toBeTruthy();

    type(screen.getByLabelText('Password'), 'sunshine1');
    // The requirement and this password's estimate, side by side, at the same attacker rate.
    const refusal = await screen.findByText(/^Too weak for a key file that could be stolen\./, undefined, SLOW);
    expect(refusal.textContent).toContain(
      'ChatSeal requires a password that takes at least 10¹⁶ guesses to find (about 317 years for a well-equipped attacker). ' +
        'This one could be guessed in less than a second.',
    );
    expect(refusal.textContent).toMatch(/Add more words, or use a suggested passphrase\.$/);
    const meter = screen.getByLabelText('Password strength') as HTMLMeterElement;
    expect(meter.tagName).toBe('METER');
    expect(Number(meter.getAttribute('value'))).toBeLessThan(Number(meter.getAttribute('high')));
    fireEvent.click(screen.getByRole('button', { name: 'Turn on backups' }));
    // The refusal names the verdict and where the reason is; the reason itself is shown once.
    expect((await screen.findByRole('alert', undefined, SLOW)).textContent).toBe(
      'Choose a stronger password: this one is too weak (why is under the strength meter).',
    );
    expect(screen.getAllByText(/Too weak for a key file that could be stolen/)).toHaveLength(1);
    expect(document.body.textContent!.split('This one could be guessed in').length - 1).toBe(1);
    expect(fake.callsOf('key.setupWithPassword')).toHaveLength(0);

    const strong = 'my grandmother kept eleven blue herons by the old mill pond';
    type(screen.getByLabelText('Password'), strong);
    type(screen.getByLabelText('Type the password again'), strong + 'x');
    fireEvent.click(screen.getByRole('button', { name: 'Turn on backups' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('The two passwords do not match.'), SLOW);

    type(screen.getByLabelText('Type the password again'), strong);
    fireEvent.click(screen.getByRole('button', { name: 'Turn on backups' }));
    await screen.findByRole('heading', { name: 'Backups are on' }, SLOW);
    expect(fake.callsOf('key.setupWithPassword')).toEqual([{ password: strong, keyType: 'pq', generated: false }]);
    expect(screen.getByRole('button', { name: 'Download key file' })).toBeTruthy();
  });

  it('suggests a passphrase from the worker, fills the field and marks it generated', async () => {
    await startSetup(/Use a password/);
    await screen.findByRole('heading', { name: 'Choose a password' });
    fireEvent.click(screen.getByRole('button', { name: 'Suggest a passphrase' }));
    await waitFor(() => expect(fake.suggested).toHaveLength(1));
    const passphrase = fake.suggested[0]!;
    await waitFor(() => expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe(passphrase));
    expect(passphrase.split('-').length).toBeGreaterThanOrEqual(6);
    expect((screen.getByLabelText('Password') as HTMLInputElement).type).toBe('text');
    expect(await screen.findByText('Strong enough: a passphrase of random words.', undefined, SLOW)).toBeTruthy();
    type(screen.getByLabelText('Type the password again'), passphrase);
    fireEvent.click(screen.getByRole('button', { name: 'Turn on backups' }));
    await screen.findByRole('heading', { name: 'Backups are on' }, SLOW);
    expect(fake.callsOf('key.setupWithPassword')).toEqual([{ password: passphrase, keyType: 'pq', generated: true }]);
  });

  it('downloads the key file after setup', async () => {
    const downloads = captureDownloads();
    await startSetup(/Use a password/);
    await screen.findByRole('heading', { name: 'Choose a password' });
    fireEvent.click(screen.getByRole('button', { name: 'Suggest a passphrase' }));
    await waitFor(() => expect((screen.getByLabelText('Password') as HTMLInputElement).value).not.toBe(''));
    type(screen.getByLabelText('Type the password again'), (screen.getByLabelText('Password') as HTMLInputElement).value);
    fireEvent.click(screen.getByRole('button', { name: 'Turn on backups' }));
    await screen.findByRole('heading', { name: 'Backups are on' }, SLOW);
    fireEvent.click(screen.getByRole('button', { name: 'Download key file' }));
    await waitFor(() => expect(downloads.map((d) => d.name)).toEqual([`ChatSeal-key-file-${KEY_ID}.age`]));
    expect(await downloads[0]!.blob.text()).toBe('age-encryption');
  });
});

describe('I already have a key', () => {
  it('refuses malformed input at once, shows the key id to compare, and saves with the chosen type', async () => {
    await startSetup(/I already have a key/);
    await screen.findByRole('heading', { name: 'Use your existing key' });
    const field = screen.getByLabelText('Your 64-digit key');
    type(field, DIGITS.slice(1));
    expect(await screen.findByText('That is 63 digits; a key has 64.')).toBeTruthy();
    expect(fake.callsOf('key.previewExisting')).toHaveLength(0);
    type(field, `${DIGITS.slice(0, 10)}o${DIGITS.slice(11)}`);
    expect(await screen.findByText(/“o” in group 3 cannot be part of a key/)).toBeTruthy();

    type(field, GROUPS.join(' ').toUpperCase());
    expect((await screen.findByTestId('existing-key-id')).textContent).toBe('0f1e 2d3c 4b5a 6978');
    expect(screen.getByText(/compare it with the key id on your recovery kit/)).toBeTruthy();
    fireEvent.click(screen.getByRole('radio', { name: /Classic/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Use this key' }));
    await screen.findByRole('heading', { name: 'Backups are on' });
    expect(fake.callsOf('key.setupExisting')).toEqual([{ keyText: GROUPS.join(' ').toUpperCase(), keyType: 'classic' }]);
  });

  it('the key type choice says nothing of age versions outside its "What is the difference?" disclosure', async () => {
    await startSetup(/I already have a key/);
    const heading = await screen.findByRole('heading', { name: 'Use your existing key' });
    const step = heading.closest('section')!;
    const help = within(step).getByText('What is the difference?').closest('details')!;
    expect(help.open).toBe(false);
    expect(help.textContent).toMatch(/age 1\.3 or later/);
    // Outside the disclosure: no "age 1.3", no version talk in the radios' hints.
    const outside = [...step.querySelectorAll('p, label, legend')].filter((el) => !help.contains(el));
    for (const el of outside) expect(el.textContent, el.outerHTML).not.toMatch(/age 1\.3|older versions of the age tool/);
    expect(screen.getByText(/If you are not sure, keep Post-quantum\./)).toBeTruthy();
    // The radios keep the names the UI map gives them.
    expect(screen.getByRole('radio', { name: 'Post-quantum (recommended)' })).toBeTruthy();
    expect(screen.getByRole('radio', { name: 'Classic (works with age 1.1)' })).toBeTruthy();
  });

  it('selects the type an age identity carries', async () => {
    fake.on('key.previewExisting', () => ({ ok: true, keyId: KEY_ID, keyType: 'classic' }));
    await startSetup(/I already have a key/);
    await screen.findByRole('heading', { name: 'Use your existing key' });
    type(screen.getByLabelText('Your 64-digit key'), seedToIdentity(digitsToSeed(DIGITS), 'classic'));
    await screen.findByTestId('existing-key-id');
    await waitFor(() => expect((screen.getByRole('radio', { name: /Classic/ }) as HTMLInputElement).checked).toBe(true));
  });
});

describe('managing a key', () => {
  it('shows the key, a due reminder, and checks the key with typo help', async () => {
    fake.state = configuredState({ reminderDue: true, lastCheckedAt: null });
    fake.on('key.check', () => ({ ok: false, reason: 'wrong-key', typo: { groups: [7], kind: 'digit' } }));
    render(<OptionsApp />);
    await screen.findByRole('heading', { name: 'Backup key' });
    expect(screen.getByTestId('reminder-banner').textContent).toContain('Do you still have your 64-digit key?');
    expect(screen.getByTestId('key-id').textContent).toBe('0f1e 2d3c 4b5a 6978');
    expect(screen.getByText('Post-quantum (recommended)', { selector: 'dd' })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Check my key' }));
    const form = screen.getByRole('form', { name: 'Check my key' });
    type(within(form).getByLabelText('Your 64-digit key'), DIGITS);
    fireEvent.click(within(form).getByRole('button', { name: 'Check' }));
    expect((await screen.findByRole('alert')).textContent).toBe('That is not your key. Group 7 looks wrong: one digit there seems mistyped.');
    expect(fake.callsOf('key.check')).toEqual([{ keyText: DIGITS }]);
  });

  it('says in plain text that the recovery kit can only be made while a key is shown, and what to do instead', async () => {
    fake.state = configuredState();
    render(<OptionsApp />);
    await screen.findByRole('heading', { name: 'Recovery kit' });
    expect(screen.getByText(/a recovery kit can only be made while a key is shown: when it is set up, or when you rotate/)).toBeTruthy();
    expect(screen.getByText(/Use “Check my key” above .* Use “Rotate key” to make a new key and save its kit\./)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Download recovery kit' })).toBeNull();
  });

  it('password mode: the recovery kit section explains there is none, with no button', async () => {
    fake.state = configuredState({ mode: 'password' });
    render(<OptionsApp />);
    await screen.findByRole('heading', { name: 'Recovery kit' });
    expect(screen.getByText(/A recovery kit is made only for a 64-digit key/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Download recovery kit' })).toBeNull();
  });

  it('saves the reminder and Advanced settings, each saying "Saved." beside its own control', async () => {
    fake.state = configuredState();
    render(<OptionsApp />);
    await screen.findByRole('heading', { name: 'Backup key' });
    const reminder = screen.getByRole('checkbox', { name: 'Remind me every two weeks to check my key' });
    fireEvent.click(reminder);
    await waitFor(() => expect(fake.callsOf('settings.set')).toEqual([{ reminderEnabled: false }]));
    const row = reminder.closest('.setting-row') as HTMLElement;
    await waitFor(() => expect(within(row).getByRole('status').textContent).toBe('Saved.'));
    expect(within(row).getByRole('status').closest('[aria-live="polite"]')).toBeTruthy();
    // Only there: not at the top of the page, not beside the other settings.
    expect(screen.getAllByText('Saved.')).toHaveLength(1);
    // The reminder decides whether a check is due: the state is read again.
    await waitFor(() => expect(fake.callsOf('key.getState').length).toBeGreaterThanOrEqual(2));

    expect((screen.getByLabelText('Age recipient (for experts)') as HTMLInputElement).value).toBe('age1pq1examplerecipient');
    const timeout = screen.getByLabelText('Forget an unlocked key after');
    fireEvent.change(timeout, { target: { value: '30' } });
    await waitFor(() => expect(within(timeout.closest('.setting-row') as HTMLElement).getByRole('status').textContent).toBe('Saved.'));
    fireEvent.click(screen.getByRole('radio', { name: /Classic/ }));
    const group = screen.getByRole('group', { name: 'Key type for new keys' });
    await waitFor(() => expect(within(group).getByRole('status').textContent).toBe('Saved.'));
    expect(fake.callsOf('settings.set')).toEqual([{ reminderEnabled: false }, { unlockTimeoutMinutes: 30 }, { newKeyType: 'classic' }]);
  });

  it('a setting shows the user\'s choice at once, while the save is still under way, and keeps it', async () => {
    fake.state = configuredState();
    render(<OptionsApp />);
    await screen.findByRole('heading', { name: 'Backup key' });
    const reminder = screen.getByRole('checkbox', { name: 'Remind me every two weeks to check my key' }) as HTMLInputElement;
    const row = reminder.closest('.setting-row') as HTMLElement;
    fireEvent.click(reminder);
    await waitFor(() => expect(within(row).getByRole('status').textContent).toBe('Saved.'));
    expect(reminder.checked).toBe(false);

    // The second change re-renders the row (its "Saved." goes away) before the worker answers: a
    // controlled checkbox must not snap back to the stored value meanwhile.
    let release!: () => void;
    const answered = new Promise<void>((r) => (release = r));
    fake.on('settings.set', async (patch) => {
      await answered;
      return (fake.settings = { ...fake.settings, ...patch });
    });
    fireEvent.click(reminder);
    await waitFor(() => expect(fake.callsOf('settings.set')).toEqual([{ reminderEnabled: false }, { reminderEnabled: true }]));
    await waitFor(() => expect(within(row).queryByRole('status')).toBeNull());
    expect(reminder.checked).toBe(true);
    release();
    await waitFor(() => expect(within(row).getByRole('status').textContent).toBe('Saved.'));
    expect(reminder.checked).toBe(true);
  });

  it('a setting that was not saved says so beside its control, and shows the stored value again', async () => {
    fake.state = configuredState();
    fake.on('settings.set', () => {
      throw new Error('disk full');
    });
    render(<OptionsApp />);
    await screen.findByRole('heading', { name: 'Backup key' });
    const reminder = screen.getByRole('checkbox', { name: 'Remind me every two weeks to check my key' });
    fireEvent.click(reminder);
    const alert = await within(reminder.closest('.setting-row') as HTMLElement).findByRole('alert');
    expect(alert.textContent).toContain('disk full');
    expect(screen.queryByText('Saved.')).toBeNull();
    expect((reminder as HTMLInputElement).checked).toBe(true);
  });

  it.each(['key', 'password'] as const)('opened for a check (#check, %s): the check form is open and its field has focus', async (mode) => {
    fake.state = configuredState({ mode, reminderDue: true });
    window.location.hash = '#check';
    try {
      render(<OptionsApp />);
      const form = await screen.findByRole('form', { name: mode === 'key' ? 'Check my key' : 'Check my password' });
      const field = within(form).getByLabelText(mode === 'key' ? 'Your 64-digit key' : 'Your password');
      await waitFor(() => expect(document.activeElement).toBe(field));
    } finally {
      window.location.hash = '';
    }
  });

  it('without #check, the check form starts closed and focus is on the heading', async () => {
    fake.state = configuredState({ reminderDue: true });
    render(<OptionsApp />);
    const heading = await screen.findByRole('heading', { name: 'Backup key' });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(screen.queryByRole('form', { name: 'Check my key' })).toBeNull();
  });

  it('turns off only after DELETE is typed', async () => {
    fake.state = configuredState();
    render(<OptionsApp />);
    await screen.findByRole('heading', { name: 'Backup key' });
    fireEvent.click(screen.getByRole('button', { name: 'Turn off' }));
    expect(screen.getByText('This deletes your key from this computer.')).toBeTruthy();
    const del = screen.getByRole('button', { name: 'Delete my key from this computer' }) as HTMLButtonElement;
    expect(del.disabled).toBe(true);
    type(screen.getByLabelText('Type DELETE to confirm'), 'delete');
    expect(del.disabled).toBe(true);
    type(screen.getByLabelText('Type DELETE to confirm'), 'DELETE');
    expect(del.disabled).toBe(false);
    fireEvent.click(del);
    await screen.findByRole('heading', { name: 'Protect your backups' });
    expect(fake.callsOf('key.turnOff')).toEqual([{ confirm: 'DELETE' }]);
    expect(screen.getByText('Your key was deleted from this computer. Backups are off.')).toBeTruthy();
  });

  it('changes the password (password mode)', async () => {
    fake.state = configuredState({ mode: 'password' });
    fake.on('key.changePassword', (p) => (p.currentPassword === 'old one' ? { ok: true } : { ok: false, reason: 'wrong-password' }));
    render(<OptionsApp />);
    await screen.findByRole('heading', { name: 'Backup key' });
    expect(screen.getByRole('button', { name: 'Check my password' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
    const form = screen.getByRole('form', { name: 'Change password' });
    type(within(form).getByLabelText('Current password'), 'wrong');
    const next = 'seven purple otters negotiate with the harbour master at dawn';
    type(within(form).getByLabelText('New password'), next);
    type(within(form).getByLabelText('Type the password again'), next);
    fireEvent.click(within(form).getByRole('button', { name: 'Save new password' }));
    expect((await screen.findByRole('alert', undefined, SLOW)).textContent).toBe('That is not your password.');
    type(within(form).getByLabelText('Current password'), 'old one');
    fireEvent.click(within(form).getByRole('button', { name: 'Save new password' }));
    expect(await screen.findByText('Your password was changed.', undefined, SLOW)).toBeTruthy();
    expect(fake.callsOf('key.changePassword').at(-1)).toEqual({ currentPassword: 'old one', newPassword: next, generated: false });
  });

  it('rotates: proves the current key, then runs the setup for a new one', async () => {
    fake.state = configuredState();
    fake.on('key.rotate', (p) => ({ ok: true, keyId: 'aaaabbbbccccdddd', pending: { ...pendingKey(p.keyType), keyId: 'aaaabbbbccccdddd' } }));
    render(<OptionsApp />);
    await screen.findByRole('heading', { name: 'Backup key' });
    fireEvent.click(screen.getByRole('button', { name: 'Rotate key' }));
    const form = screen.getByRole('form', { name: 'Rotate key' });
    type(within(form).getByLabelText('Your current 64-digit key'), DIGITS);
    fireEvent.click(within(form).getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: 'Choose your new key' });
    expect(fake.callsOf('key.check')).toEqual([{ keyText: DIGITS }]);
    expect(screen.queryByRole('radio', { name: /I already have a key/ })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: 'Your 64-digit key' });
    expect(fake.callsOf('key.rotate')).toEqual([{ current: { keyText: DIGITS }, mode: 'key', keyType: 'pq' }]);
    type(screen.getByLabelText('Group 3'), GROUPS[2]!);
    type(screen.getByLabelText('Group 11'), GROUPS[10]!);
    fireEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    await screen.findByRole('heading', { name: 'Backups are on' });
    expect(screen.getByText(/Older backups still open with it/)).toBeTruthy();
  });

  it('refuses to start a rotation with a wrong current key', async () => {
    fake.state = configuredState();
    fake.on('key.check', () => ({ ok: false, reason: 'old-key' }));
    render(<OptionsApp />);
    await screen.findByRole('heading', { name: 'Backup key' });
    fireEvent.click(screen.getByRole('button', { name: 'Rotate key' }));
    type(screen.getByLabelText('Your current 64-digit key'), DIGITS);
    fireEvent.click(within(screen.getByRole('form', { name: 'Rotate key' })).getByRole('button', { name: 'Continue' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/one of your older keys/);
    expect(screen.queryByRole('heading', { name: 'Choose your new key' })).toBeNull();
    expect(fake.callsOf('key.rotate')).toHaveLength(0);
  });
});

describe('failures', () => {
  it('says what to do when the worker does not answer', async () => {
    const { WorkerError } = await import('../../src/messaging/errors');
    fake.on('key.getState', () => {
      throw new WorkerError('unreachable', 'Could not establish connection.');
    });
    render(<OptionsApp />);
    expect((await screen.findByRole('alert')).textContent).toBe('ChatSeal’s background service did not answer. Reload this page and try again.');
  });
});
