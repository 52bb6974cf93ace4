import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createTitles, forgetTitle, MAX_TITLE_CHARS, rememberTitle, titleOf } from '../../src/backup/titles';
import { memorySessionStore } from '../../src/keys/session';

describe('titles', () => {
  it('keeps a title per outbox id in storage.session, never in storage.local', async () => {
    fakeBrowser.reset();
    await rememberTitle('item-1', '  Family group  ');
    expect(await titleOf('item-1')).toBe('Family group');
    expect(await titleOf('item-2')).toBeUndefined();
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
    expect(await fakeBrowser.storage.session.get(null)).toEqual({ 'title.item-1': 'Family group' });
    await forgetTitle('item-1');
    expect(await titleOf('item-1')).toBeUndefined();
  });

  it('shortens long titles and ignores empty ones', async () => {
    const store = memorySessionStore();
    const t = createTitles(store);
    await t.rememberTitle('a', 'x'.repeat(MAX_TITLE_CHARS + 50));
    expect((await t.titleOf('a'))?.length).toBe(MAX_TITLE_CHARS);
    await t.rememberTitle('b', '   ');
    expect(await t.titleOf('b')).toBeUndefined();
  });
});
