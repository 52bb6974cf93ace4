// WhatsApp Web (web.whatsapp.com): finds the open chat and its rows; rows are read by
// whatsapp-row.ts in the page, the whole chat is finalized by whatsapp-finalize.ts in the worker.
import { pageIdentity, type ChatView, type SiteAdapter } from '../adapter';
import { ANCHORS, WORDS } from './whatsapp-anchors';
import { finalizeWhatsApp } from './whatsapp-finalize';
import {
  deletedForm,
  forwardedForm,
  idElement,
  isEncryptionNotice,
  isGateText,
  isUnavailableText,
  parseDataId,
  parseRow,
  reactionButton,
} from './whatsapp-row';

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

function conversationOf(doc: Document): { el: Element; form: number } | null {
  const main = doc.querySelector('#main');
  if (main) return { el: main, form: 0 };
  for (const list of Array.from(doc.querySelectorAll('[role="application"]'))) {
    for (let el = list.parentElement; el; el = el.parentElement) {
      if (Array.from(el.children).some((c) => c.tagName === 'HEADER')) return { el, form: 1 };
    }
  }
  return null;
}

function listOf(conversation: Element): { el: Element; form: number } | null {
  const app = conversation.querySelector('[role="application"]');
  if (app) return { el: app, form: 0 };
  const area = conversation.querySelector('.copyable-area');
  return area ? { el: area, form: 1 } : null;
}

const ROW = '[role="row"]';

function rowsOf(list: Element): { rows: Element[]; form: number } {
  const rows = Array.from(list.querySelectorAll(ROW));
  if (rows.length > 0) return { rows, form: 0 };
  // Fallback: the list's own children (rows may sit one level down in a wrapper).
  const children = Array.from(list.children);
  const flat = children.length === 1 && children[0]!.children.length > 1 ? Array.from(children[0]!.children) : children;
  return { rows: flat, form: flat.length > 0 ? 1 : -1 };
}

function titleOf(header: Element): { title: string; form: number } {
  const auto = Array.from(header.querySelectorAll('span[dir="auto"]')).find((s) => norm(s.textContent ?? '') !== '');
  if (auto) return { title: titleText(auto), form: 0 };
  const titled = header.querySelector('span[title]');
  if (titled) return { title: norm(titled.getAttribute('title') ?? ''), form: 1 };
  return { title: '', form: -1 };
}

function titleText(el: Element): string {
  let out = '';
  for (const node of Array.from(el.childNodes)) {
    if (node.nodeType === 3) out += node.nodeValue ?? '';
    else if (node.nodeType === 1) {
      const child = node as Element;
      out += child.tagName === 'IMG' ? (child.getAttribute('data-plain-text') ?? child.getAttribute('alt') ?? '') : titleText(child);
    }
  }
  return norm(out);
}

/** The nearest element at or above the list that scrolls vertically (no stable selector exists). */
function scrollerOf(list: Element, firstRow: Element | undefined): HTMLElement {
  const view = list.ownerDocument.defaultView;
  // From a row up: the older list form (.copyable-area) sits above the scroller, not inside it.
  for (let el: Element | null = firstRow ?? list; el; el = el.parentElement) {
    const style = view?.getComputedStyle(el);
    const overflow = style?.overflowY ?? (el as HTMLElement).style?.overflowY;
    if ((overflow === 'auto' || overflow === 'scroll') && el instanceof (view?.HTMLElement ?? HTMLElement)) return el;
    if (el.id === 'main') break;
  }
  return (list.parentElement ?? list) as HTMLElement;
}

function chatIdentity(rows: Iterable<Element>, header: Element): { id: string; isGroup?: boolean } {
  for (const row of rows) {
    const v = idElement(row)?.getAttribute('data-id');
    const chat = v ? parseDataId(v)?.chat : undefined;
    if (chat) return { id: chat, isGroup: chat.endsWith('@g.us') };
  }
  // Bare ids name no chat. A group's header lists its members ("Alice, Bob, You").
  const members = header.querySelector('span[title*=", "]');
  return { id: '', ...(members ? { isGroup: true } : {}) };
}

/**
 * The rows above the oldest message: the start's encryption notice, the history gate and the
 * "use your phone" notice sit there, above every row with an id (hollowed rows keep theirs). These
 * checks run several times a batch: walking from the first row, not listing all 20,000 rows of a
 * long chat, keeps them from growing with it.
 */
function topRows(list: Element): Element[] {
  const out: Element[] = [];
  for (const row of rowsFrom(list)) {
    if (idElement(row) !== null) break;
    out.push(row);
  }
  return out;
}

/** The rows from the first on, as querySelectorAll lists them, found one by one as they are asked for. */
function* rowsFrom(list: Element): Generator<Element> {
  const first = list.querySelector(ROW);
  if (first === null) {
    yield* rowsOf(list).rows;
    return;
  }
  for (let row: Element | null = first; row !== null; row = nextRow(list, row)) yield row;
}

/** The row after `row` in document order, not looking inside `row`. */
function nextRow(list: Element, row: Element): Element | null {
  for (let el: Element | null = row; el !== null && el !== list; el = el.parentElement) {
    for (let next = el.nextElementSibling; next !== null; next = next.nextElementSibling) {
      if (next.matches(ROW)) return next;
      const inner = next.querySelector(ROW);
      if (inner !== null) return inner;
    }
  }
  return null;
}

function findGate(top: Element[]): HTMLElement | null {
  for (const row of top) {
    if (!isGateText(row.textContent ?? '')) continue;
    return (row.querySelector('[role="button"]') ?? row) as HTMLElement;
  }
  return null;
}

export const whatsapp: SiteAdapter = {
  site: 'whatsapp',
  name: 'WhatsApp Web',
  anchors: ANCHORS,

  matches(url: URL): boolean {
    return url.hostname === 'web.whatsapp.com';
  },

  openChat(doc: Document): ChatView | null {
    const conversation = conversationOf(doc)?.el;
    const header = conversation?.querySelector('header');
    const list = conversation ? listOf(conversation)?.el : undefined;
    if (!conversation || !header || !list) return null;
    const rows = () => rowsOf(list).rows;
    const { id, isGroup } = chatIdentity(rowsFrom(list), header);
    const title = titleOf(header).title;
    return {
      id,
      title,
      // Bare ids name no chat: the title tells chats apart.
      identity: pageIdentity(id, title),
      ...(isGroup !== undefined ? { isGroup } : {}),
      header,
      scroller: scrollerOf(list, rowsFrom(list).next().value ?? undefined),
      rows,
      parseRow,
      loading: () => conversation.querySelector('[role="progressbar"]') !== null,
      atStart: () => topRows(list).some((r) => isEncryptionNotice(r)),
      historyGate: () => findGate(topRows(list)),
      historyUnavailable: () => {
        const row = topRows(list).find((r) => isUnavailableText(r.textContent ?? ''));
        return row ? norm(row.textContent ?? '') : null;
      },
    };
  },

  probe(doc: Document): Record<string, number> {
    const found: Record<string, number> = Object.fromEntries(ANCHORS.map((a) => [a.name, -1]));
    const conversation = conversationOf(doc);
    if (!conversation) return found;
    found.conversation = conversation.form;
    const header = conversation.el.querySelector('header');
    if (header) {
      found['chat-header'] = 0;
      found['chat-title'] = titleOf(header).form;
    }
    const list = listOf(conversation.el);
    if (!list) return found;
    found['message-list'] = list.form;
    const { rows, form } = rowsOf(list.el);
    found['message-row'] = form;
    const scope = list.el;
    const has = (selector: string) => scope.querySelector(selector) !== null;
    const first = (...selectors: string[]) => selectors.findIndex(has);
    found['message-id'] = first('[data-id]');
    found.direction = first('.message-in, .message-out');
    found['pre-plain-text'] = first('[data-pre-plain-text]');
    found['message-text'] = first('[data-testid="selectable-text"]', 'span.selectable-text');
    found.emoji = first('img.emoji', 'img[data-plain-text]');
    found['quoted-message'] = first('.quoted-mention', WORDS.quoted.map((w) => `[aria-label="${w}"]`).join(', '));
    found.author = first('[data-testid="author"]', '[testid="author"]');
    found.forwarded = forwardedForm(scope);
    found.deleted = deletedForm(scope);
    const button = reactionButton(scope, null);
    found.reactions = button ? (/reaction/i.test(button.getAttribute('aria-label') ?? '') ? 0 : 1) : -1;
    found['history-gate'] = findGate(topRows(list.el)) ? 0 : -1;
    const notice = rows.find((r) => !idElement(r) && isEncryptionNotice(r));
    found['encryption-notice'] = notice ? (notice.querySelector('[data-icon="lock-small"]') ? 0 : 1) : -1;
    return found;
  },

  finalize: finalizeWhatsApp,
};

export default whatsapp;
