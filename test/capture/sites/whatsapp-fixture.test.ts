// @vitest-environment happy-dom
// The WhatsApp fixture's generator and renderer against the adapter, without a browser: every row
// of a generated chat is drawn as the fixture page draws it, read by parseRow, finalized, and the
// result must equal the generator's ground truth. The same check the end-to-end test makes through
// the real extension, here for every locale, both data-id forms, group and direct chats, late
// content, hollowed rows and each anchor rename.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CapturedItem, CapturedMessage } from '../../../src/capture/adapter';
import type { Attachment, Message } from '../../../src/export/types';
import { whatsapp } from '../../../src/capture/sites/whatsapp';
import { completeMedia, generate, type Generated } from '../../fixtures/sites/whatsapp/generate.mjs';
import { hollowRow, renderItem, shellHtml } from '../../fixtures/sites/whatsapp/render.mjs';

const sha = async (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function draw(data: Generated, anchor = '', late = false) {
  document.body.innerHTML = `<div id="app">${shellHtml(data, anchor)}</div>`;
  const list = document.getElementById('wa-list')!;
  const blobs = new Map<string, Uint8Array>();
  for (const item of data.items) {
    const ctx = {
      late,
      blobUrl: (bytes: Uint8Array | Blob) => {
        const url = `blob:https://web.whatsapp.com/${crypto.randomUUID()}`;
        blobs.set(url, bytes as Uint8Array);
        return url;
      },
    };
    list.append(renderItem(document, item, ctx, { locale: data.locale, anchor }));
  }
  return blobs;
}

/** What the worker does with fetched media: attachments point at the stored bytes. */
async function capture(data: Generated, anchor = '') {
  const blobs = draw(data, anchor);
  const chat = whatsapp.openChat(document);
  if (!chat) return { chat, broken: 'open-chat', items: [] as CapturedItem[] };
  const items: CapturedItem[] = [];
  let broken: string | undefined;
  for (const row of chat.rows()) {
    const r = chat.parseRow(row);
    if (r.type === 'broken') {
      broken = r.anchor;
      break;
    }
    if (r.type === 'pending') throw new Error(`pending row ${r.key}`);
    if (r.type !== 'item') continue;
    if (r.item.type === 'message') {
      const stored = new Map<string, Attachment>();
      for (const m of r.media) {
        const bytes = blobs.get(m.url)!;
        const sha256 = await sha(bytes);
        stored.set(m.mediaKey, { mime: 'image/jpeg', size: bytes.length, sha256, path: `media/${sha256}.jpg`, status: 'captured' });
      }
      const message: CapturedMessage = {
        ...r.item.message,
        ...(r.item.message.attachments
          ? { attachments: r.item.message.attachments.map((a) => ({ ...a, ...(a.mediaKey ? stored.get(a.mediaKey) : {}) })) }
          : {}),
      };
      items.push({ ...r.item, message });
    } else items.push(r.item);
  }
  return { chat, broken, items };
}

const finalize = (items: CapturedItem[]) =>
  whatsapp.finalize(items, { timeZone: 'Europe/Berlin', reachedStart: true, capturedAt: '2026-11-26T10:00:00Z' });

describe('whatsapp fixture generator', () => {
  it('is deterministic and has every kind the issue names', () => {
    const a = generate({ seed: 7, total: 3000 });
    const b = generate({ seed: 7, total: 3000 });
    expect(a.items.length).toBeGreaterThan(3000);
    expect(a.messages).toEqual(b.messages);
    expect(a.messages).toHaveLength(3000);
    const m = a.messages;
    const kinds = new Set(m.map((x) => x.kind));
    expect([...kinds].sort()).toEqual(['deleted', 'media', 'system', 'text']);
    const types = new Set(m.flatMap((x) => x.attachments ?? []).map((x) => `${x.mediaType}:${x.status}`));
    expect([...types].sort()).toEqual(['document:not-loaded', 'image:captured', 'image:not-loaded', 'video:not-loaded', 'voice:not-loaded']);
    expect(m.some((x) => x.replyTo)).toBe(true);
    expect(m.some((x) => x.forwarded)).toBe(true);
    expect(m.some((x) => x.edited)).toBe(true);
    expect(m.some((x) => x.reactions?.length === 2)).toBe(true);
    expect(m.some((x) => x.textDirection === 'rtl')).toBe(true);
    expect(m.some((x) => x.links)).toBe(true);
    expect(m.some((x) => x.text?.includes('\n\n'))).toBe(true);
    expect(m.some((x) => x.timestamp.source === 'visible-time' && x.direction === 'out' && x.kind === 'media')).toBe(true);
    expect(new Set(m.map((x) => x.sender?.name).filter(Boolean)).size).toBeGreaterThanOrEqual(5);
    const days = m.map((x) => x.timestamp.value.slice(0, 10));
    expect(days[0]! < '2023-06-01' && days.at(-1)! > '2026-01-01').toBe(true);
    // Both Berlin daylight-saving nights of 2025: the skipped hour and the repeated one.
    expect(m.map((x) => x.timestamp.value)).toEqual(expect.arrayContaining(['2025-03-30T01:45', '2025-03-30T03:10', '2025-10-26T02:30', '2025-10-26T02:10']));
    expect(a.items.some((i) => i.type === 'system' && !i.id)).toBe(true);
  });
});

describe('whatsapp adapter over the drawn fixture equals the ground truth', () => {
  it.each([
    ['en-US', 'packed', 'group'],
    ['en-GB', 'bare', 'group'],
    ['pt-BR', 'bare', 'direct'],
    ['de-DE', 'packed', 'direct'],
    ['en-IN', 'bare', 'group'],
  ] as const)('%s %s %s', async (locale, idFormat, chat) => {
    const data = await completeMedia(generate({ seed: `${locale}-${idFormat}`, total: 500, locale, idFormat, chat }), sha);
    const { chat: view, broken, items } = await capture(data);
    expect(broken).toBeUndefined();
    expect(view!.title).toBe(data.conversation.title);
    expect(view!.id).toBe(data.conversation.id ?? '');
    const f = finalize(items);
    expect(f.warnings).toEqual([]);
    expect(f.participants).toEqual(data.conversation.participants);
    expect(f.messages.length).toBe(data.messages.length);
    for (let i = 0; i < f.messages.length; i++) expect(f.messages[i], `message ${i}`).toEqual(data.messages[i] as Message);
  });

  it('reads late rows as pending and hollowed rows as pending, never as empty messages', async () => {
    const data = generate({ seed: 3, total: 200 });
    draw(data, '', true);
    const chat = whatsapp.openChat(document)!;
    const results = chat.rows().map((r) => chat.parseRow(r));
    expect(results.filter((r) => r.type === 'broken')).toEqual([]);
    // Late rows miss their time, reactions, "Edited" and picture: every bubble is read again later,
    // never taken as finished without them.
    const rows = chat.rows();
    const bubbles = rows.flatMap((r, i) => (r.querySelector('.message-in, .message-out') ? [results[i]!] : []));
    expect(bubbles.length).toBeGreaterThan(100);
    for (const r of bubbles) expect(r).toEqual({ type: 'pending', key: expect.stringMatching(/^wa:/) });
    const message = rows.find((r) => r.querySelector('[data-id]') && r.querySelector('.message-in'))!;
    hollowRow(message as HTMLElement);
    expect(chat.parseRow(message)).toEqual({ type: 'pending', key: expect.stringMatching(/^wa:/) });
    // An emptied day chip is a row to come back to, under the key it has once it shows its label.
    const chip = rows.find((r) => {
      const res = chat.parseRow(r);
      return res.type === 'item' && res.item.type === 'day';
    })!;
    const drawn = chat.parseRow(chip);
    hollowRow(chip as HTMLElement);
    expect(chat.parseRow(chip)).toEqual({ type: 'pending', key: drawn.type === 'item' ? drawn.item.key : '?', optional: true });
  });
});

describe('anchor renames: a documented fallback gives the same messages, or the capture stops', () => {
  const FALLBACK = ['conversation', 'chat-title', 'message-list', 'message-row', 'message-text', 'emoji', 'quoted-message', 'author', 'forwarded', 'deleted', 'reactions', 'encryption-notice'];
  const STOP = ['message-id', 'direction', 'pre-plain-text'];

  it('covers every anchor in the list (history-gate and chat-header in the browser test)', () => {
    expect([...FALLBACK, ...STOP, 'history-gate', 'chat-header'].sort()).toEqual(whatsapp.anchors.map((a) => a.name).sort());
  });

  it.each(FALLBACK)('%s: fallback', async (anchor) => {
    const data = await completeMedia(generate({ seed: `rename-${anchor}`, total: 250 }), sha);
    const { broken, items } = await capture(data, anchor);
    expect(broken).toBeUndefined();
    expect(finalize(items).messages).toEqual(data.messages);
    const probe = whatsapp.probe(document);
    expect(probe[anchor], 'the probe sees the fallback form').toBeGreaterThan(0);
  });

  it.each(STOP)('%s: page changed', async (anchor) => {
    const data = generate({ seed: `rename-${anchor}`, total: 150 });
    const { broken } = await capture(data, anchor);
    expect(broken).toBe(anchor);
  });

  it('chat-header: no chat is found, so no button and no capture', () => {
    const data = generate({ seed: 'rename-header', total: 50 });
    draw(data, 'chat-header');
    expect(whatsapp.openChat(document)).toBeNull();
    expect(whatsapp.probe(document)['chat-header']).toBe(-1);
  });
});
