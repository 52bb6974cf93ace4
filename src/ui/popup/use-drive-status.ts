// The popup's view of Google Drive and the upload queue, asked of the worker every second while
// the popup is open (progress moves; a sign-in may finish in another window). The popup also holds
// a port open, so the worker knows a popup shows failures and raises no system notification.
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { POPUP_PORT } from '../../drive/browser-deps';
import { callWorker } from '../../messaging/client';
import type { ConnectionState, OutboxView } from '../../messaging/protocol';
import { errorText } from '../errors';

export const REFRESH_MS = 1000;

export function useDriveStatus() {
  const [connection, setConnection] = useState<ConnectionState | null>(null);
  const [outbox, setOutbox] = useState<OutboxView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    let port: { disconnect(): void } | undefined;
    try {
      port = browser.runtime.connect({ name: POPUP_PORT });
    } catch {
      // Without the port the worker may also notify; nothing else depends on it.
    }
    const refresh = async () => {
      try {
        const [c, o] = await Promise.all([callWorker('drive.getState', {}), callWorker('outbox.list', {})]);
        if (stopped) return;
        setConnection(c);
        setOutbox(o);
        setError(null);
      } catch (e) {
        if (!stopped) setError(errorText(e));
      }
    };
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
      port?.disconnect();
    };
  }, []);

  return { connection, setConnection, outbox, setOutbox, error };
}
