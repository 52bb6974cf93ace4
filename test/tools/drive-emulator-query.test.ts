// The local Drive's q parser and `fields` selection, unit by unit.
import { describe, expect, it } from 'vitest';
import { FILE_LIST_SCHEMA, checkFields, parseFields, pick } from '../../tools/drive-emulator/fields.mjs';
import { matches, parseQuery, type QueryFile } from '../../tools/drive-emulator/query.mjs';

const file = (over: Partial<QueryFile> = {}): QueryFile => ({
  name: 'ChatSeal-2026-11-26-k3f9.age',
  mimeType: 'application/octet-stream',
  parents: ['folder1'],
  trashed: false,
  createdTime: '2026-11-26T10:00:00.000Z',
  modifiedTime: '2026-11-26T11:00:00.000Z',
  owner: 'maya@example.com',
  appProperties: { chatsealKind: 'backup' },
  ...over,
});
const ctx = { rootId: 'root0', email: 'maya@example.com' };
const q = (text: string, f = file()) => matches(parseQuery(text), f, ctx);

describe('q parser', () => {
  it('parses clauses, and/or/not and parentheses with and binding tighter than or', () => {
    expect(parseQuery("name = 'a' or name = 'b' and trashed = false")).toEqual({
      type: 'or',
      items: [
        { type: 'cmp', field: 'name', op: '=', value: 'a' },
        {
          type: 'and',
          items: [
            { type: 'cmp', field: 'name', op: '=', value: 'b' },
            { type: 'cmp', field: 'trashed', op: '=', value: false },
          ],
        },
      ],
    });
    expect(parseQuery("not ('p' in parents)")).toEqual({ type: 'not', item: { type: 'in', field: 'parents', value: 'p' } });
    expect(parseQuery("name = 'x' AND trashed = FALSE")).toMatchObject({ type: 'and' });
  });

  it('reads escaped quotes and backslashes in string literals', () => {
    expect(parseQuery("name = 'it\\'s a \\\\ path'")).toEqual({ type: 'cmp', field: 'name', op: '=', value: "it's a \\ path" });
  });

  it('matches names exactly with =, and by word prefix with contains', () => {
    expect(q("name = 'ChatSeal-2026-11-26-k3f9.age'")).toBe(true);
    expect(q("name = 'chatseal-2026-11-26-k3f9.age'")).toBe(false);
    expect(q("name != 'other'")).toBe(true);
    expect(q("name contains 'ChatSeal'")).toBe(true);
    expect(q("name contains 'chatseal-2026'")).toBe(true);
    expect(q("name contains 'k3f9'")).toBe(true);
    expect(q("name contains 'Seal'")).toBe(false);
  });

  it('matches parents (with the root alias), owners, trashed, mimeType and appProperties', () => {
    expect(q("'folder1' in parents")).toBe(true);
    expect(q("'root' in parents", file({ parents: ['root0'] }))).toBe(true);
    expect(q("'me' in owners")).toBe(true);
    expect(q("'maya@example.com' in owners and trashed = false")).toBe(true);
    expect(q('trashed = true')).toBe(false);
    expect(q("mimeType = 'application/octet-stream'")).toBe(true);
    expect(q("mimeType contains 'octet'")).toBe(true);
    expect(q("appProperties has { key='chatsealKind' and value='backup' }")).toBe(true);
    expect(q("appProperties has { key='chatsealKind' and value='keyring' }")).toBe(false);
    expect(q("properties has { key='chatsealKind' and value='backup' }")).toBe(false);
  });

  it('compares times, reading a time without a zone as UTC', () => {
    expect(q("modifiedTime > '2026-11-26T10:30:00'")).toBe(true);
    expect(q("modifiedTime < '2026-11-26T10:30:00'")).toBe(false);
    expect(q("createdTime >= '2026-11-26T10:00:00Z'")).toBe(true);
    expect(q("createdTime = '2026-11-26T12:00:00+02:00'")).toBe(true);
  });

  it('refuses what Drive refuses', () => {
    for (const bad of ['', "name = 'x", "name = 'x' or", "(name = 'x'", 'trashed = 1', "name > 'a'", "bogus = 'x'", "'x' in children", "modifiedTime > 'yesterday'", "name = 'a' name = 'b'"]) {
      expect(() => parseQuery(bad), bad).toThrow();
    }
  });
});

describe('fields', () => {
  it('parses nested selections and paths, merging repeats', () => {
    const t = parseFields('nextPageToken, files(id,name,appProperties),files/size,user/emailAddress');
    expect([...t.keys()]).toEqual(['nextPageToken', 'files', 'user']);
    const files = t.get('files');
    expect(files instanceof Map && [...files.keys()]).toEqual(['id', 'name', 'appProperties', 'size']);
  });

  it('picks only what was asked, through arrays, with * for everything', () => {
    const body = { kind: 'drive#fileList', nextPageToken: 't', files: [{ id: '1', name: 'a', size: '3', appProperties: { k: 'v' } }] };
    expect(pick(body, parseFields('files(id,appProperties)'))).toEqual({ files: [{ id: '1', appProperties: { k: 'v' } }] });
    expect(pick(body, parseFields('files(*)'))).toEqual({ files: body.files });
    expect(pick(body, parseFields('*'))).toEqual(body);
    expect(pick(body, parseFields('nextPageToken,files/name'))).toEqual({ nextPageToken: 't', files: [{ name: 'a' }] });
  });

  it('refuses malformed selections and unknown fields', () => {
    for (const bad of ['', 'files(id', 'files)', 'a,,b', 'files(id)x']) expect(() => parseFields(bad), bad).toThrow();
    expect(() => checkFields(parseFields('files(id,nope)'), FILE_LIST_SCHEMA)).toThrow(/Invalid field selection nope/);
    expect(() => checkFields(parseFields('files(appProperties/anything)'), FILE_LIST_SCHEMA)).not.toThrow();
  });
});
