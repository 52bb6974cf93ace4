// Loads a saved Discord fragment (test/fixtures/sites/discord/fragments) into a happy-dom window
// at a discord.com channel URL. Indentation between tags is dropped, as React renders none.
import fs from 'node:fs';
import path from 'node:path';
import { Window } from 'happy-dom';

export const FRAGMENTS = path.resolve(import.meta.dirname, '../../fixtures/sites/discord/fragments');

export function loadFragment(name: string, url: string): Document {
  const html = fs.readFileSync(path.join(FRAGMENTS, name), 'utf8');
  const window = new Window({ url, settings: { disableJavaScriptEvaluation: true, disableCSSFileLoading: true, disableIframePageLoading: true } });
  const doc = window.document as unknown as Document;
  doc.open();
  doc.write(html);
  doc.close();
  dropIndentation(doc.documentElement);
  return doc;
}

function dropIndentation(node: Node): void {
  for (const child of Array.from(node.childNodes)) {
    if (child.nodeType === 3 && /^\s*\n\s*$/.test(child.nodeValue ?? '')) child.remove();
    else dropIndentation(child);
  }
}

export function rowById(doc: Document, messageId: string): Element {
  const row =
    doc.querySelector(`li[id$="-${messageId}"]`) ??
    doc.querySelector(`[data-list-item-id$="-${messageId}"]`)?.closest('li');
  if (!row) throw new Error(`no row ${messageId}`);
  return row;
}
