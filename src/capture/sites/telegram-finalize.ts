// The worker half shared by both Telegram adapters: the whole ordered item sequence becomes
// chatseal/1 messages. Decisions that need neighbours happen here: the day a row belongs to (from
// the day item before it), senders carried through a run of grouped rows, sender names known only
// by id on some rows, and reply keys (only for replied-to messages that are in this export).
import type { CapturedItem, CapturedMessage, FinalizeContext, Finalized } from '../adapter';
import type { Message, Participant, Sender, Timestamp, Warning } from '../../export/types';

/** Day item keys carry the calendar date they name: `<prefix>-day:YYYY-MM-DD`. */
export function dayKey(prefix: string, isoDate: string): string {
  return `${prefix}-day:${isoDate}`;
}

export function dateOfDayKey(key: string): string | null {
  const match = /-day:(\d{4}-\d{2}-\d{2})$/.exec(key);
  return match ? (match[1] ?? null) : null;
}

export interface TelegramFinalizeOptions {
  /** The row's own time, given the date of the day item above it (null when none was seen). */
  timestamp(message: CapturedMessage, day: string | null): Timestamp | null;
  timestampsAreLocal: boolean;
}

export function finalizeTelegram(
  items: readonly CapturedItem[],
  _context: FinalizeContext,
  options: TelegramFinalizeOptions,
): Finalized {
  const namesById = new Map<string, string>();
  const keyBySiteId = new Map<string, string>();
  for (const item of items) {
    if (item.type !== 'message') continue;
    const { sender, siteId } = item.message;
    if (sender?.id && sender.name && !namesById.has(sender.id)) namesById.set(sender.id, sender.name);
    if (siteId !== undefined) keyBySiteId.set(siteId, item.key);
  }

  const messages: Message[] = [];
  const participants: Participant[] = [];
  const seenParticipants = new Set<string>();
  let day: string | null = null;
  let previous: Message | null = null;
  let unknownSenders = 0;
  let undatedRows = 0;

  for (const item of items) {
    if (item.type === 'day') {
      day = dateOfDayKey(item.key);
      continue;
    }
    const captured = item.message;

    let timestamp = options.timestamp(captured, day);
    if (!timestamp) {
      undatedRows++;
      timestamp = previous
        ? { ...previous.timestamp, source: 'inferred' }
        : { value: day ?? '1970-01-01', precision: 'day', source: 'inferred' };
    }

    let sender: Sender | undefined;
    if (captured.sender) {
      const name = captured.sender.name || (captured.sender.id ? namesById.get(captured.sender.id) : undefined);
      if (name) sender = captured.sender.id ? { name, id: captured.sender.id } : { name };
    }
    if (!sender && captured.direction === 'in') {
      // A run of rows from one sender names the sender on its first row only.
      if (previous?.direction === 'in' && previous.sender) sender = previous.sender;
      else unknownSenders++;
    }
    if (sender && captured.direction === 'in') {
      const id = sender.id ?? `name:${sender.name}`;
      if (!seenParticipants.has(id)) {
        seenParticipants.add(id);
        participants.push(sender.id ? { name: sender.name, id: sender.id } : { name: sender.name });
      }
    }

    const message: Message = {
      key: item.key,
      ...(captured.siteId !== undefined ? { siteId: captured.siteId } : {}),
      timestamp,
      direction: captured.direction,
      ...(sender ? { sender } : {}),
      kind: captured.kind,
      ...(captured.text !== undefined ? { text: captured.text } : {}),
      ...(captured.textDirection !== undefined ? { textDirection: captured.textDirection } : {}),
    };
    const replyKey = captured.replyToSiteId !== undefined ? keyBySiteId.get(captured.replyToSiteId) : undefined;
    if (replyKey) message.replyTo = replyKey;
    if (captured.replyPreview) message.replyPreview = captured.replyPreview;
    if (captured.forwarded) message.forwarded = true;
    if (captured.forwardedFrom !== undefined) message.forwardedFrom = captured.forwardedFrom;
    if (captured.edited) message.edited = true;
    if (captured.reactions && captured.reactions.length > 0) message.reactions = captured.reactions;
    if (captured.links && captured.links.length > 0) message.links = captured.links;
    if (captured.attachments && captured.attachments.length > 0) message.attachments = captured.attachments;

    messages.push(message);
    previous = message;
  }

  const warnings: Warning[] = [];
  if (unknownSenders > 0) {
    warnings.push({
      code: 'sender-unknown',
      message: 'Some incoming messages did not show who sent them.',
      count: unknownSenders,
    });
  }
  if (undatedRows > 0) {
    warnings.push({
      code: 'timestamp-inferred',
      message: 'Some messages showed no time of their own; they carry the time of the message before.',
      count: undatedRows,
    });
  }
  return { messages, participants, warnings, timestampsAreLocal: options.timestampsAreLocal };
}
