import { describe, expect, it, vi } from 'vitest';
import type { ConnectionState } from '../../src/drive/connection';
import type { OutboxView } from '../../src/drive/manager';
import { CommandError } from '../../src/messaging/errors';
import { createDriveHandlers, type DriveHandlerDeps } from '../../src/messaging/drive-handlers';

const sender = {};
const VIEW: OutboxView = { items: [], lastBackup: null };
const CONNECTED: ConnectionState = { status: 'connected', email: 'maya@example.com', connectedAt: '2026-03-05T10:00:00.000Z' };

function setup() {
  const connection = {
    state: vi.fn(async (): Promise<ConnectionState> => ({ status: 'disconnected' })),
    connect: vi.fn(async () => ({ ok: true as const, state: CONNECTED })),
    confirmAccount: vi.fn(async () => CONNECTED),
    disconnect: vi.fn(async (): Promise<ConnectionState> => ({ status: 'disconnected', previousEmail: 'maya@example.com' })),
  };
  const manager = {
    view: vi.fn(async () => VIEW),
    kick: vi.fn(async () => undefined),
    pause: vi.fn(async () => undefined),
    resume: vi.fn(async () => undefined),
    retry: vi.fn(async () => undefined),
    cancel: vi.fn(async () => undefined),
    disconnected: vi.fn(),
    syncKeyFiles: vi.fn(async () => undefined),
  };
  const handlers = createDriveHandlers({ connection, manager } as unknown as DriveHandlerDeps);
  return { connection, manager, handlers };
}

describe('drive handlers', () => {
  it('a successful Connect mirrors key files and lets waiting uploads go', async () => {
    const { handlers, manager } = setup();
    expect(await handlers['drive.connect']({}, sender)).toEqual({ ok: true, state: CONNECTED });
    expect(manager.syncKeyFiles).toHaveBeenCalledTimes(1);
    expect(manager.kick).toHaveBeenCalledTimes(1);
  });

  it('a failed Connect starts nothing', async () => {
    const { handlers, manager, connection } = setup();
    connection.connect.mockResolvedValueOnce({ ok: false, reason: 'cancelled', detail: 'x' } as never);
    expect(await handlers['drive.connect']({}, sender)).toMatchObject({ ok: false, reason: 'cancelled' });
    expect(manager.kick).not.toHaveBeenCalled();
  });

  it('Disconnect stops the upload in flight first, then revokes, then marks the queue', async () => {
    const { handlers, manager, connection } = setup();
    const order: string[] = [];
    manager.disconnected.mockImplementation(() => order.push('stop'));
    connection.disconnect.mockImplementation(async () => {
      order.push('revoke');
      return { status: 'disconnected' };
    });
    manager.kick.mockImplementation(async () => {
      order.push('kick');
    });
    await handlers['drive.disconnect']({}, sender);
    expect(order).toEqual(['stop', 'revoke', 'kick']);
  });

  it('checks payloads: confirmAccount needs a boolean, queue actions an id', async () => {
    const { handlers, manager } = setup();
    await expect(handlers['drive.confirmAccount']({ useNew: 'yes' } as never, sender)).rejects.toBeInstanceOf(CommandError);
    await expect(handlers['outbox.pause']({} as never, sender)).rejects.toMatchObject({ code: 'bad-payload' });
    await expect(handlers['outbox.cancel']({ id: 'x'.repeat(101) }, sender)).rejects.toMatchObject({ code: 'bad-payload' });
    expect(manager.cancel).not.toHaveBeenCalled();
  });

  it.each(['pause', 'resume', 'retry', 'cancel'] as const)('outbox.%s acts on the item and answers with the new view', async (action) => {
    const { handlers, manager } = setup();
    expect(await handlers[`outbox.${action}`]({ id: 'item-1' }, sender)).toEqual(VIEW);
    expect(manager[action]).toHaveBeenCalledWith('item-1');
  });

  it('outbox.kick answers at once', async () => {
    const { handlers, manager } = setup();
    manager.kick.mockReturnValue(new Promise(() => undefined));
    expect(await handlers['outbox.kick']({}, sender)).toEqual({ ok: true });
  });
});
