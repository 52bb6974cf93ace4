// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { useState } from 'preact/hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerError } from '../../src/messaging/errors';
import { BusyNote, Disclosure, Field, FormActions, OutcomeNotice, useSubmit, type SubmitSteps } from '../../src/ui/forms';

afterEach(cleanup);

function Harness(props: { steps: SubmitSteps; onBack?: () => void }) {
  const form = useSubmit();
  return (
    <form onSubmit={form.handle(props.steps)} aria-label="Harness">
      <Field label="Name" hint="As on your passport">
        {({ id, hintId }) => <input id={id} aria-describedby={hintId} disabled={form.busy} />}
      </Field>
      <OutcomeNotice outcome={form.outcome} />
      <FormActions submit="Send" busy={form.busy} onBack={props.onBack} />
      <BusyNote busy={form.busy} text="Sending…" />
    </form>
  );
}

describe('useSubmit and the form pieces', () => {
  it('a check refuses before any work, and nothing is disabled meanwhile', async () => {
    let ran = 0;
    render(<Harness steps={{ check: () => 'Type a name.', run: async () => void ran++ }} />);
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Type a name.');
    expect(ran).toBe(0);
    expect((screen.getByLabelText('Name') as HTMLInputElement).disabled).toBe(false);
    expect(screen.getByLabelText('Name').getAttribute('aria-describedby')).toBe(screen.getByText('As on your passport').id);
  });

  it('is busy while the work runs (status announced, buttons disabled), then shows its outcome', async () => {
    let finish!: () => void;
    const onBack = () => undefined;
    render(
      <Harness
        onBack={onBack}
        steps={{ run: () => new Promise((resolve) => (finish = () => resolve({ ok: true, text: 'Sent.' }))) }}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect((await screen.findByRole('status')).textContent).toBe('Sending…');
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Back' }) as HTMLButtonElement).disabled).toBe(true);
    finish();
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Sent.'));
    expect(screen.getByRole('status').className).toBe('notice success');
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('a returned sentence is a refusal; a thrown error gets errorText’s words', async () => {
    let n = 0;
    render(
      <Harness
        steps={{
          run: async () => {
            if (++n === 1) return 'Not like that.';
            throw new WorkerError('unreachable', 'gone');
          },
        }}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Not like that.');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/^ChatSeal’s background service did not answer/));
  });
});

describe('Disclosure', () => {
  function Toggle() {
    const [open, setOpen] = useState(false);
    return (
      <Disclosure label="Rotate key" open={open} onToggle={setOpen}>
        <p>Inside</p>
      </Disclosure>
    );
  }

  it('opens its panel below the button and says so', () => {
    render(<Toggle />);
    const button = screen.getByRole('button', { name: 'Rotate key' });
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByText('Inside')).toBeNull();
    fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByText('Inside').parentElement!.id).toBe(button.getAttribute('aria-controls'));
    fireEvent.click(button);
    expect(screen.queryByText('Inside')).toBeNull();
  });
});
