// The options page: first-run setup when there is no key, key management when there is one.
// State comes from the worker on load and after every change; the page keeps no key material
// beyond what a setup step is showing.
import { useEffect, useState } from 'preact/hooks';
import { callWorker } from '../../messaging/client';
import type { KeyMode, KeySecret, KeyStateView, PendingKeyView, Settings } from '../../messaging/protocol';
import { Notice, Page, useStepFocus } from '../components';
import { errorText } from '../errors';
import { t } from '../i18n';
import { BackupsOn } from './BackupsOn';
import { CHECK_FIELD_SELECTOR } from './CheckKey';
import { wantsCheck } from './links';
import { KeySetup } from './KeySetup';
import { Manage } from './Manage';
import { SetupFlow, type SetupMethod } from './SetupFlow';

type View =
  | { name: 'loading' }
  | { name: 'failed'; message: string }
  | { name: 'setup'; resume?: PendingKeyView }
  | { name: 'rotate'; current: KeySecret }
  /** A rotation's new key, shown before the page was reloaded and not yet confirmed. */
  | { name: 'rotate-resumed'; pending: PendingKeyView }
  | { name: 'done'; mode: KeyMode; keyId: string; rotated: boolean }
  | { name: 'manage'; rotateOpen?: boolean };

/** Where the page starts: a key the worker is still showing comes back (the same key, not a new one). */
async function firstView(state: KeyStateView): Promise<View> {
  const waiting = state.configured ? state.rotationPending : state.pendingSetup;
  const pending = waiting ? await callWorker('key.getPendingSetup', {}) : null;
  if (state.configured) return pending ? { name: 'rotate-resumed', pending } : { name: 'manage' };
  return pending ? { name: 'setup', resume: pending } : { name: 'setup' };
}

export function OptionsApp() {
  const [view, setView] = useState<View>({ name: 'loading' });
  const [state, setState] = useState<KeyStateView | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // Opened for "Check my key" (the popup's reminder): the first manage view opens that form.
  const [checkRequested, setCheckRequested] = useState(() => wantsCheck(location.hash));

  async function refresh(): Promise<KeyStateView> {
    const [nextState, nextSettings] = await Promise.all([callWorker('key.getState', {}), callWorker('settings.get', {})]);
    setState(nextState);
    setSettings(nextSettings);
    return nextState;
  }

  useEffect(() => {
    refresh()
      .then(firstView)
      .then(setView, (e: unknown) => setView({ name: 'failed', message: errorText(e) }));
  }, []);

  useStepFocus(view.name === 'loading' ? null : view.name, checkRequested && view.name === 'manage' ? CHECK_FIELD_SELECTOR : undefined);
  useEffect(() => {
    if (view.name !== 'loading' && view.name !== 'manage') setCheckRequested(false);
  }, [view.name]);

  async function finishSetup(method: SetupMethod, rotated: boolean) {
    try {
      const s = await refresh();
      if (!s.configured) {
        setView({ name: 'setup' });
        return;
      }
      setView({ name: 'done', mode: method === 'password' ? 'password' : 'key', keyId: s.keyId, rotated });
    } catch (e) {
      setView({ name: 'failed', message: errorText(e) });
    }
  }

  /** Saves a settings change; the control that made it says "Saved." (or why not) beside itself. */
  async function changeSettings(patch: Partial<Settings>): Promise<void> {
    setNotice(null);
    setSettings(await callWorker('settings.set', patch));
    // The reminder setting decides whether a check is due.
    if ('reminderEnabled' in patch || 'reminderIntervalDays' in patch) await refresh();
  }

  async function afterTurnOff() {
    await refresh().catch(() => undefined);
    setNotice(t('turnedOff'));
    setView({ name: 'setup' });
  }

  let body;
  switch (view.name) {
    case 'loading':
      body = <p role="status">{t('loading')}</p>;
      break;
    case 'failed':
      body = <Notice kind="error">{view.message}</Notice>;
      break;
    case 'setup':
      body = (
        <SetupFlow
          defaultKeyType={settings?.newKeyType ?? 'pq'}
          resume={view.resume}
          onDone={(method) => {
            setNotice(null);
            void finishSetup(method, false);
          }}
        />
      );
      break;
    case 'rotate':
      body = (
        <SetupFlow
          rotateFrom={view.current}
          defaultKeyType={settings?.newKeyType ?? 'pq'}
          onDone={(method) => void finishSetup(method, true)}
          onCancel={() => {
            void callWorker('key.cancelSetup', {}).catch(() => undefined);
            setView({ name: 'manage' });
          }}
        />
      );
      break;
    case 'rotate-resumed':
      body = (
        <KeySetup
          keyType={view.pending.keyType}
          resume={view.pending}
          onStartOver={() => {
            void refresh().catch(() => undefined);
            setNotice(t('rotateStartedOver'));
            setView({ name: 'manage', rotateOpen: true });
          }}
          onDone={() => void finishSetup('key', true)}
        />
      );
      break;
    case 'done':
      body = <BackupsOn mode={view.mode} keyId={view.keyId} rotated={view.rotated} onContinue={() => setView({ name: 'manage' })} />;
      break;
    case 'manage':
      body =
        state?.configured && settings ? (
          <Manage
            state={state}
            settings={settings}
            onSettingsChange={changeSettings}
            onChecked={() => void refresh()}
            onRotateProved={(current) => {
              setNotice(null);
              setView({ name: 'rotate', current });
            }}
            onTurnedOff={() => void afterTurnOff()}
            rotateOpen={view.rotateOpen ?? false}
            checkOpen={checkRequested}
          />
        ) : (
          <p role="status">{t('loading')}</p>
        );
      break;
  }

  return (
    <Page title={t('optionsTitle')}>
      <div aria-live="polite">{notice && <p class="notice">{notice}</p>}</div>
      {body}
    </Page>
  );
}
