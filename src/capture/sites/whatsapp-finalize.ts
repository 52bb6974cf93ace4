// The whole captured WhatsApp chat (oldest first) -> chatseal/1 messages. Runs once, in the
// worker, because these decisions need every row: whether dates are day or month first, which
// day a row without data-pre-plain-text belongs to (the day chip above it), who sent a grouped row
// that shows no sender, and which earlier message a quote points at.
import type { CapturedItem, CapturedMessage, FinalizeContext, Finalized } from '../adapter';
import type { Attachment, Message, Participant, Timestamp, Warning } from '../../export/types';
import { decideDateOrder, type DateOrder, type DateParts } from '../../export/date-order';
import {
  isoDate,
  isoMinute,
  localDate,
  parseClock,
  parseDayLabel,
  parsePrePlainText,
  resolveRelative,
  type DayLabel,
  type PrePlainText,
} from './whatsapp-time';

interface Row {
  message: CapturedMessage;
  ppt?: PrePlainText;
  /** Index of the day group (the chip above), -1 before the first chip. */
  group: number;
}

interface Group {
  label?: DayLabel;
  date?: string;
}

function browserLocale(): string {
  const nav = (globalThis as { navigator?: { language?: string } }).navigator;
  return nav?.language || 'en-US';
}

const ORDER_WORDS: Record<DateOrder, string> = { dmy: 'day/month/year', mdy: 'month/day/year', ymd: 'year-month-day' };

export function finalizeWhatsApp(items: readonly CapturedItem[], context: FinalizeContext): Finalized {
  const warnings: Warning[] = [];
  const groups: Group[] = [];
  const rows: Row[] = [];
  let badHeaders = 0;
  for (const item of items) {
    if (item.type === 'day') {
      const label = parseDayLabel(item.label);
      groups.push(label ? { label } : {});
      continue;
    }
    const raw = item.message.time.prePlainText;
    const ppt = raw !== undefined ? parsePrePlainText(raw) : undefined;
    if (raw !== undefined && !ppt) badHeaders++;
    rows.push({ message: item.message, ...(ppt ? { ppt } : {}), group: groups.length - 1 });
  }

  // Day or month first, from every date the chat writes with digits.
  const parts: DateParts[] = [];
  for (const r of rows) if (r.ppt) parts.push(r.ppt.date);
  for (const g of groups) if (g.label?.kind === 'date') parts.push(g.label.parts);
  const decision = decideDateOrder(parts, browserLocale());
  const order = decision.order;
  if (decision.warning) {
    warnings.push({
      code: decision.warning.code,
      message:
        decision.warning.code === 'date-order-conflict'
          ? `Some dates in this chat only read as day/month and others only as month/day; they were read as ${ORDER_WORDS[order]}.`
          : decision.warning.code === 'date-order-inferred'
            ? `No day in this chat is above 12; dates were read as ${ORDER_WORDS[order]} because the other order would put messages out of time order.`
            : `No day in this chat is above 12, so dates read both ways; they were read as ${ORDER_WORDS[order]}, the order of this browser's language.`,
    });
  }

  // Each day group's date: its chip, else any message in it that carries a full date, else (for
  // "Today", "Monday") counted back from the day of the capture.
  const today = context.capturedAt ? localDate(new Date(context.capturedAt), context.timeZone) : undefined;
  const pptDate = (r: Row) => (r.ppt ? isoDate(r.ppt.date, order) : undefined);
  for (const [i, g] of groups.entries()) {
    if (g.label?.kind === 'date') g.date = isoDate(g.label.parts, order);
    g.date ??= rows.filter((r) => r.group === i).map(pptDate).find((d) => d !== undefined);
    if (!g.date && g.label && g.label.kind !== 'date' && today) g.date = resolveRelative(g.label, today);
  }
  const beforeFirstChip = rows.filter((r) => r.group === -1).map(pptDate).find((d) => d !== undefined);
  const groupDate = (r: Row) => (r.group >= 0 ? groups[r.group]?.date : beforeFirstChip);

  // A row without a header takes its day from the chip above it, which is right only when no chip
  // between was missed. Rows are in time order, so the headers around it bound its day: when the
  // next header in its group names another day than the one before it, a day separator is
  // missing in between and the row's day is not known (never the older day carried forward).
  const dates = rows.map(pptDate);
  const unsure = new Set<number>();
  /** Rows whose day the headers around them prove (the same day before and after). */
  const dayOf = new Map<number, string>();
  for (const [i, r] of rows.entries()) {
    if (r.ppt || groupDate(r) === undefined) continue;
    let before = groupDate(r);
    for (let j = i - 1; j >= 0 && rows[j]!.group === r.group; j--) {
      if (dates[j] !== undefined) {
        before = dates[j];
        break;
      }
    }
    let after: string | undefined;
    for (let j = i + 1; j < rows.length && rows[j]!.group === r.group; j++) {
      if (dates[j] !== undefined) {
        after = dates[j];
        break;
      }
    }
    if (after !== undefined && after === before) dayOf.set(i, before);
    else if (before !== groupDate(r) || after !== undefined) unsure.add(i);
  }
  const rowDay = (i: number, r: Row) => dayOf.get(i) ?? groupDate(r);

  // Who "me" is: the name WhatsApp writes in the header of your own messages.
  const meName = rows.find((r) => r.message.direction === 'out' && r.ppt)?.ppt?.sender;
  const messages: Message[] = [];
  const participants: Participant[] = [];
  const seen = new Set<string>();
  let lastIncoming: string | undefined;
  let lastDate: string | undefined;
  let inferred = 0;
  let unknownDay = 0;
  for (const [i, r] of rows.entries()) {
    const m = r.message;
    let timestamp: Timestamp | undefined;
    const date = r.ppt ? pptDate(r) : undefined;
    if (r.ppt && date) timestamp = { value: isoMinute(date, r.ppt.time), precision: 'minute', source: 'pre-plain-text' };
    if (!timestamp && unsure.has(i) && lastDate) {
      unknownDay++;
      timestamp = { value: lastDate, precision: 'day', source: 'inferred' };
    }
    const day = rowDay(i, r);
    const clock = m.time.visibleTime !== undefined ? parseClock(m.time.visibleTime) : undefined;
    if (!timestamp && day && clock) timestamp = { value: isoMinute(day, clock), precision: 'minute', source: 'visible-time' };
    if (!timestamp && day) timestamp = { value: day, precision: 'day', source: 'day-separator' };
    if (!timestamp) {
      const near = lastDate ?? rows.map((x) => groupDate(x) ?? pptDate(x)).find((d) => d !== undefined);
      inferred++;
      timestamp = { value: near ?? '1970-01-01', precision: 'day', source: 'inferred' };
    }
    lastDate = timestamp.value.slice(0, 10);

    let sender: string | undefined;
    if (m.direction === 'out') sender = r.ppt?.sender ?? meName ?? m.sender?.name;
    else if (m.direction === 'in') {
      sender = r.ppt?.sender ?? m.sender?.name ?? lastIncoming ?? rows.find((x) => x.message.direction === 'in' && x.ppt)?.ppt?.sender;
      if (sender) lastIncoming = sender;
    }
    if (sender && !seen.has(sender)) {
      seen.add(sender);
      participants.push(m.direction === 'out' ? { name: sender, isMe: true } : { name: sender });
    }

    const replyTo = m.replyPreview ? findQuoted(messages, m.replyPreview, meName) : undefined;
    const attachments = m.attachments?.map(({ mediaKey: _mediaKey, ...a }): Attachment => a);
    messages.push({
      key: m.key,
      ...(m.siteId !== undefined ? { siteId: m.siteId } : {}),
      timestamp,
      direction: m.direction,
      ...(sender !== undefined ? { sender: { name: sender } } : {}),
      kind: m.kind,
      ...(m.text !== undefined ? { text: m.text } : {}),
      ...(m.textDirection !== undefined ? { textDirection: m.textDirection } : {}),
      ...(replyTo !== undefined ? { replyTo } : {}),
      ...(m.replyPreview !== undefined ? { replyPreview: m.replyPreview } : {}),
      ...(m.forwarded ? { forwarded: true } : {}),
      ...(m.forwardedFrom !== undefined ? { forwardedFrom: m.forwardedFrom } : {}),
      ...(m.edited ? { edited: true } : {}),
      ...(m.reactions && m.reactions.length > 0 ? { reactions: m.reactions } : {}),
      ...(m.links && m.links.length > 0 ? { links: m.links } : {}),
      ...(attachments && attachments.length > 0 ? { attachments } : {}),
    });
  }
  if (badHeaders > 0) {
    warnings.push({
      code: 'unreadable-header',
      message: `${badHeaders} message header(s) could not be read; their times come from the bubble and the day above them.`,
      count: badHeaders,
    });
  }
  if (unknownDay > 0) {
    warnings.push({
      code: 'date-unknown',
      message: `${unknownDay} message(s) without a header stand between days whose day separator was not captured; their day is not known, so they carry the day of the message before them (as a day only, not a time).`,
      count: unknownDay,
    });
  }
  if (inferred > 0) {
    warnings.push({
      code: 'date-inferred',
      message: `${inferred} message(s) showed no day; they were given the day of the message before them.`,
      count: inferred,
    });
  }
  return { messages, participants, warnings, dateOrder: order, timestampsAreLocal: true };
}

/**
 * The message a quote shows: WhatsApp's quote carries no id, only the quoted sender and text, so
 * the nearest earlier message with that text (and that sender, or yours when the quote says
 * "You" in the page's language) is the one.
 */
function findQuoted(earlier: readonly Message[], preview: { sender?: string; text?: string }, meName: string | undefined): string | undefined {
  if (!preview.text) return undefined;
  const names = new Set(earlier.filter((m) => m.direction === 'in' && m.sender).map((m) => m.sender!.name));
  for (let i = earlier.length - 1; i >= 0; i--) {
    const m = earlier[i]!;
    if (m.text !== preview.text) continue;
    if (preview.sender === undefined || m.sender?.name === preview.sender) return m.key;
    if (m.direction === 'out' && (preview.sender === meName || !names.has(preview.sender))) return m.key;
  }
  return undefined;
}
