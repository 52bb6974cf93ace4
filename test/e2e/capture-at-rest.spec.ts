// Issue 3's data path and DESIGN.md's rule "plaintext stays in memory", for a real capture: after
// an Encrypted export, nothing the extension persisted (every IndexedDB record, including the
// outbox's ciphertext blob in 'outbox-files', storage.local and .sync, OPFS, Cache Storage, the extension pages'
// localStorage) holds the chat's title, a sender's name or a message's text, and the chat page's
// own storage got none of it either. The title does sit in storage.session (memory), which is
// also what proves the walk and the search would find it.
import { dumpPageStorage, dumpWorkerStorage } from '../helpers/storage-dump';
import { findText } from '../helpers/secrets';
import { expect, exportChat, fixtureUrl, setUpTestKey, test } from './capture-harness';

const CHAT = { total: 200, batch: 40, latency: 40, window: 60, gate: 'none' } as const;

test('after an Encrypted export, the chat title, names and texts are only in memory', async ({ ext, downloads, tmp }) => {
  const key = await setUpTestKey(ext);
  const run = await exportChat(ext, downloads, key, fixtureUrl('whatsapp', CHAT), tmp);
  expect(run.end.end).toBe('saved');
  const doc = run.doc!;
  const title = doc.conversation.title;
  const names = [...new Set(doc.messages.flatMap((m) => (m.sender?.name ? [m.sender.name] : [])))];
  // The longest texts: distinctive enough that finding one anywhere means it leaked.
  const texts = [...new Set(doc.messages.flatMap((m) => (m.text && m.text.length >= 24 ? [m.text] : [])))]
    .sort((a, b) => b.length - a.length)
    .slice(0, 25);
  expect(title.length).toBeGreaterThan(0);
  expect(names.length).toBeGreaterThan(0);
  expect(texts.length).toBeGreaterThan(10);
  const needles = [title, ...names, ...texts];

  const worker = await dumpWorkerStorage(await ext.currentWorker());
  // Positive control: the title is held in memory for the popup, so the walk does reach it.
  expect(findText(worker.session, [title]).length).toBeGreaterThan(0);
  const { session: _memory, ...atRest } = worker;
  expect(atRest.indexedDB.some((db) => db.stores.some((s) => s.name === 'outbox' && s.records.length > 0))).toBe(true);
  expect(atRest.indexedDB.some((db) => db.stores.some((s) => s.name === 'outbox-files' && s.records.length > 0))).toBe(true);
  expect(findText(atRest, needles).map((f) => `${f.at}: ${f.form}`)).toEqual([]);

  const pages = ext.context.pages().filter((p) => p.url().startsWith(`${ext.origin}/`));
  for (const page of pages) expect(findText(await dumpPageStorage(page), needles)).toEqual([]);
  // The chat page's own storage: the content script wrote nothing there.
  const chatStorage = await run.page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }]));
  expect(findText(chatStorage, needles)).toEqual([]);
});
