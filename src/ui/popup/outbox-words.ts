// Plain words for why a backup waits or failed, with what the user can do; the popup's rows and the
// worker's system notification say the same sentence.
import type { OutboxReason } from '../../backup/outbox';
import type { ConnectFailure } from '../../drive/connection';
import { t, type MessageKey } from '../i18n';

export const REASON_TEXT: Record<OutboxReason, MessageKey> = {
  'not-connected': 'outboxReasonNotConnected',
  'signed-out': 'outboxReasonSignedOut',
  'account-changed': 'outboxReasonAccountChanged',
  'no-client-id': 'outboxReasonNoClientId',
  offline: 'outboxReasonOffline',
  'drive-busy': 'outboxReasonDriveBusy',
  quota: 'outboxReasonQuota',
  forbidden: 'outboxReasonForbidden',
  rejected: 'outboxReasonRejected',
  checksum: 'outboxReasonChecksum',
  'no-key': 'outboxReasonNoKey',
  internal: 'outboxReasonInternal',
};

export function reasonText(reason: OutboxReason): string {
  return t(REASON_TEXT[reason]);
}

export const CONNECT_FAILURE_TEXT: Record<ConnectFailure, MessageKey> = {
  'no-client-id': 'driveNoClientId',
  cancelled: 'driveConnectCancelled',
  denied: 'driveConnectDenied',
  'scope-missing': 'driveConnectScopeMissing',
  'client-rejected': 'driveConnectClientRejected',
  network: 'driveConnectNetwork',
  failed: 'driveConnectFailed',
};
