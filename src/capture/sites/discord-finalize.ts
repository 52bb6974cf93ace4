// The worker's half of the Discord adapter: the captured rows, oldest first, become chatseal/1
// messages. Discord times are instants (<time datetime> in UTC), kept as the page gives them
// (`2024-03-31T00:59:30.123Z`, precision second), so timestampsAreLocal is false. Grouped
// follow-ups carry the author (and direction) of the row above them; replies point at the
// replied message's key when that message is in the export, else keep the quote's preview.
// A capture that did not reach the start may begin inside a group, below a header it never read
// (stopped, a history range, a row it could not read): those first follow-ups are left out, with
// a warning, rather than kept without the author the chat shows for them.
import type { Message, Participant, Sender, Warning } from '../../export/types';
import type { CapturedItem, CapturedMessage, FinalizeContext, Finalized } from '../adapter';
import { messageKey } from './discord-dom';

export function finalizeDiscord(items: readonly CapturedItem[], context: FinalizeContext): Finalized {
  const all = items.flatMap((item) => (item.type === 'message' ? [item.message] : []));
  const orphans = context.reachedStart ? 0 : leadingOrphans(all);
  const captured = all.slice(orphans);
  const keys = new Set(captured.map((m) => m.key));
  const messages: Message[] = [];
  const participants = new Map<string, Participant>();
  let author: { sender: Sender; direction: Message['direction'] } | null = null;
  let withoutSender = 0;

  for (const m of captured) {
    let sender = m.sender;
    let direction = m.direction;
    if (m.kind === 'system') {
      // A system row ends a group: the next author's row shows its header again.
      author = null;
    } else if (sender) {
      author = { sender, direction };
    } else if (author) {
      sender = author.sender;
      direction = author.direction;
    } else {
      withoutSender++;
    }
    messages.push(toMessage(m, sender, direction, keys));
    if (sender) {
      const id = sender.id ? `id:${sender.id}` : `name:${sender.name}`;
      const known = participants.get(id);
      if (!known) {
        participants.set(id, { name: sender.name, ...(sender.id ? { id: sender.id } : {}), ...(direction === 'out' ? { isMe: true } : {}) });
      } else if (direction === 'out' && !known.isMe) {
        known.isMe = true;
      }
    }
  }

  const warnings: Warning[] = [];
  if (orphans > 0) {
    warnings.push({
      code: 'sender-unknown-left-out',
      message: `${orphans} messages at the top of the capture continue a group whose first message was not captured; they were left out because their author is unknown`,
      count: orphans,
    });
  }
  if (withoutSender > 0) {
    warnings.push({
      code: 'sender-unknown',
      message: `${withoutSender} messages at the top of the capture continue a group whose first message was not captured; their author is unknown`,
      count: withoutSender,
    });
  }
  return { messages, participants: [...participants.values()], warnings, timestampsAreLocal: false };
}

/**
 * How many messages at the top belong to a group whose header row is not in the capture: every
 * message before the first one that shows its author, up to the last follow-up without one (a
 * system row among them is older than a message left out, so it goes too: never a gap).
 */
function leadingOrphans(messages: readonly CapturedMessage[]): number {
  let orphans = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.sender) break;
    if (m.kind !== 'system') orphans = i + 1;
  }
  return orphans;
}

function toMessage(
  m: CapturedMessage,
  sender: Sender | undefined,
  direction: Message['direction'],
  keys: ReadonlySet<string>,
): Message {
  const { time, replyToSiteId, replyPreview, attachments, sender: _sender, direction: _direction, ...rest } = m;
  const value = time.datetime;
  if (!value) throw new Error(`Discord message ${m.key} has no datetime`);
  const message: Message = {
    key: rest.key,
    ...(rest.siteId !== undefined ? { siteId: rest.siteId } : {}),
    timestamp: { value, precision: 'second', source: 'datetime-attr' },
    direction,
    ...(sender ? { sender } : {}),
    kind: rest.kind,
  };
  const { key: _key, siteId: _siteId, kind: _kind, ...fields } = rest;
  Object.assign(message, fields);
  const replyKey = replyToSiteId !== undefined ? messageKey(replyToSiteId) : undefined;
  if (replyKey !== undefined && keys.has(replyKey) && replyKey !== m.key) message.replyTo = replyKey;
  else if (replyPreview) message.replyPreview = replyPreview;
  if (attachments) message.attachments = attachments.map(({ mediaKey: _mediaKey, ...a }) => a);
  return message;
}
