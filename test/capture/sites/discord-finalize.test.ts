import { describe, expect, it } from 'vitest';
import type { CapturedItem } from '../../../src/capture/adapter';
import { discordAdapter } from '../../../src/capture/sites/discord';
import { finalizeDiscord } from '../../../src/capture/sites/discord-finalize';
import { SCHEMA_VERSION, type ChatExport } from '../../../src/export/types';
import { validateExport } from '../../../src/export/validate';
import { loadFragment } from './discord-fragments';

const GUILD_URL = 'https://discord.com/channels/1154715232237797456/1154715233001148476';
const CONTEXT = { timeZone: 'Europe/Berlin', reachedStart: true };

function capturedItems(fragment: string, url: string): CapturedItem[] {
  const chat = discordAdapter.openChat(loadFragment(fragment, url))!;
  return chat.rows().flatMap((row) => {
    const result = chat.parseRow(row);
    return result.type === 'item' ? [result.item] : [];
  });
}

function asExport(result: ReturnType<typeof finalizeDiscord>): ChatExport {
  return {
    schema: SCHEMA_VERSION,
    source: { site: 'discord', url: GUILD_URL },
    conversation: { title: 'general', id: '1154715233001148476', participants: result.participants, isGroup: true },
    capture: {
      startedAt: '2026-11-26T10:00:00.000Z',
      finishedAt: '2026-11-26T10:01:00.000Z',
      reachedStart: true,
      stopReason: 'reached-start',
      timeZone: 'Europe/Berlin',
      timestampsAreLocal: result.timestampsAreLocal,
      warnings: result.warnings,
      unparsedLines: [],
      tool: { name: 'chatseal', version: '0.1.0' },
    },
    messages: result.messages,
  };
}

describe('finalizeDiscord', () => {
  const items = capturedItems('cozy.html', GUILD_URL);
  const result = finalizeDiscord(items, CONTEXT);
  const byKey = new Map(result.messages.map((m) => [m.key, m]));

  it('keeps the page order and produces a valid chatseal/1 document with instants (not local times)', () => {
    expect(result.messages.map((m) => m.key)).toEqual(items.map((i) => i.key));
    expect(result.timestampsAreLocal).toBe(false);
    expect(validateExport(asExport(result))).toEqual({ valid: true, errors: [] });
    expect(byKey.get('dc:1223753541353472001')!.timestamp).toEqual({
      value: '2024-03-30T21:59:40.500Z',
      precision: 'second',
      source: 'datetime-attr',
    });
  });

  it('carries the author and direction through grouped follow-ups, not across a system row', () => {
    expect(byKey.get('dc:1223753925132288002')).toMatchObject({ sender: { name: 'Alice', id: '300000000000000002' }, direction: 'in' });
    expect(byKey.get('dc:1223799051649024004')).toMatchObject({ sender: { name: 'Maya', id: '300000000000000001' }, direction: 'out' });
    expect(byKey.get('dc:1223907386327040008')).toMatchObject({ sender: { name: 'Alice' }, kind: 'sticker' });
    const pin = byKey.get('dc:1223907637985280009')!;
    expect(pin.sender).toBeUndefined();
    expect(pin.direction).toBe('system');
  });

  it('a reply whose target is in the export points at its key and drops the preview', () => {
    const reply = byKey.get('dc:1223798796845056003')!;
    expect(reply.replyTo).toBe('dc:1223753541353472001');
    expect(reply.replyPreview).toBeUndefined();
  });

  it('a reply whose target was not captured keeps the preview', () => {
    const withoutTarget = items.filter((i) => i.key !== 'dc:1223753541353472001');
    const reply = finalizeDiscord(withoutTarget, { ...CONTEXT, reachedStart: false }).messages.find((m) => m.key === 'dc:1223798796845056003')!;
    expect(reply.replyTo).toBeUndefined();
    expect(reply.replyPreview).toEqual({ sender: 'Alice', text: 'Hi 👋 everyone' });
  });

  it('attachments lose the capture-only media key', () => {
    expect(byKey.get('dc:1223799051649024004')!.attachments).toEqual([
      { name: 'sunset beach.png', mediaType: 'image', mime: 'image/png', status: 'not-loaded' },
    ]);
  });

  it('participants in order of first message, by user id, me marked', () => {
    expect(result.participants).toEqual([
      { name: 'Alice', id: '300000000000000002' },
      { name: 'Maya', id: '300000000000000001', isMe: true },
      { name: 'Sam' },
      { name: 'ليلى', id: '300000000000000004' },
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('a follow-up under a reply takes the author of the reply (not the quoted author)', () => {
    expect(byKey.get('dc:1223798796845056003')).toMatchObject({ sender: { name: 'Maya', id: '300000000000000001' }, direction: 'out', replyTo: 'dc:1223753541353472001' });
    expect(byKey.get('dc:1223799051649024004')).toMatchObject({ sender: { name: 'Maya', id: '300000000000000001' }, direction: 'out' });
  });

  it('a capture that did not reach the start and begins inside a group leaves the first follow-ups out, and says so', () => {
    // Stopped (or cut by a row it could not read) just below a group's header: nothing in the
    // capture tells who wrote the follow-up, so it is not kept with an empty author.
    const tail = items.slice(items.findIndex((i) => i.key === 'dc:1223753925132288002'));
    const partial = finalizeDiscord(tail, { ...CONTEXT, reachedStart: false });
    expect(partial.messages.map((m) => m.key)).toEqual(tail.slice(1).map((i) => i.key));
    expect(partial.messages[0]).toMatchObject({ key: 'dc:1223798796845056003', sender: { name: 'Maya' }, direction: 'out' });
    expect(partial.warnings).toEqual([expect.objectContaining({ code: 'sender-unknown-left-out', count: 1 })]);
    // The same below a reply whose row was not read.
    const afterReply = items.slice(items.findIndex((i) => i.key === 'dc:1223799051649024004'));
    const cut = finalizeDiscord(afterReply, { ...CONTEXT, reachedStart: false });
    expect(cut.messages[0]!.key).toBe('dc:1223799424942080005');
    expect(cut.messages.every((m) => m.sender !== undefined || m.kind === 'system')).toBe(true);
    expect(cut.warnings).toEqual([expect.objectContaining({ code: 'sender-unknown-left-out', count: 1 })]);
    expect(validateExport(asExport(cut))).toEqual({ valid: true, errors: [] });
  });

  it('a capture that reached the start keeps every message, even one whose author it cannot tell, and counts it', () => {
    const tail = items.slice(items.findIndex((i) => i.key === 'dc:1223753925132288002'));
    const whole = finalizeDiscord(tail, CONTEXT);
    expect(whole.messages.map((m) => m.key)).toEqual(tail.map((i) => i.key));
    expect(whole.messages[0]!.sender).toBeUndefined();
    expect(whole.warnings).toEqual([expect.objectContaining({ code: 'sender-unknown', count: 1 })]);
  });

  it('a compact page: names without ids, directions unknown, still valid', () => {
    const compact = finalizeDiscord(capturedItems('compact.html', 'https://discord.com/channels/1154715232237797456/1154715233001148480'), CONTEXT);
    expect(compact.participants).toEqual([{ name: 'Alice' }, { name: 'Maya' }]);
    expect(compact.messages.every((m) => m.direction === (m.kind === 'system' ? 'system' : 'unknown'))).toBe(true);
    expect(validateExport(asExport(compact)).errors).toEqual([]);
  });
});
