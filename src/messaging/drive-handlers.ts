// The worker's answers to the popup's and pages' Drive and outbox commands: connection state,
// sign-in, the different-account question, Disconnect, and the queue's Pause / Resume / Retry /
// Cancel. Payloads are checked like every page command's (page-handlers.ts); results are the
// connection's and manager's plain-JSON views.
import type { DriveConnection } from '../drive/connection';
import type { UploadManager } from '../drive/manager';
import { CommandError } from './errors';
import type { DriveRequestType } from './protocol';
import type { PageHandlers } from './router';

export interface DriveHandlerDeps {
  connection: Pick<DriveConnection, 'state' | 'connect' | 'confirmAccount' | 'disconnect'>;
  manager: Pick<UploadManager, 'view' | 'kick' | 'pause' | 'resume' | 'retry' | 'cancel' | 'disconnected' | 'syncKeyFiles'>;
}

function itemId(payload: unknown): string {
  const id = (payload as Record<string, unknown> | null)?.id;
  if (typeof id !== 'string' || id === '' || id.length > 100) throw new CommandError('bad-payload', 'id must be an outbox item id');
  return id;
}

export function createDriveHandlers({ connection, manager }: DriveHandlerDeps): Pick<PageHandlers, DriveRequestType> {
  /** After a connection change: mirror key files when connected, and let waiting uploads go (or say why not). */
  const afterConnectionChange = () => {
    void manager.syncKeyFiles().catch(() => undefined);
    void manager.kick().catch(() => undefined);
  };
  return {
    'drive.getState': () => connection.state(),

    'drive.connect': async () => {
      const result = await connection.connect();
      if (result.ok) afterConnectionChange();
      return result;
    },

    'drive.confirmAccount': async (payload) => {
      const useNew = (payload as Record<string, unknown> | null)?.useNew;
      if (typeof useNew !== 'boolean') throw new CommandError('bad-payload', 'useNew must be true or false');
      const state = await connection.confirmAccount(useNew);
      afterConnectionChange();
      return state;
    },

    'drive.disconnect': async () => {
      manager.disconnected();
      const state = await connection.disconnect();
      afterConnectionChange();
      return state;
    },

    'outbox.list': () => manager.view(),

    'outbox.kick': () => {
      void manager.kick().catch(() => undefined);
      return { ok: true as const };
    },

    'outbox.pause': async (payload) => {
      await manager.pause(itemId(payload));
      return manager.view();
    },

    'outbox.resume': async (payload) => {
      await manager.resume(itemId(payload));
      return manager.view();
    },

    'outbox.retry': async (payload) => {
      await manager.retry(itemId(payload));
      return manager.view();
    },

    'outbox.cancel': async (payload) => {
      await manager.cancel(itemId(payload));
      return manager.view();
    },
  };
}
