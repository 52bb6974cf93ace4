// The `fields` partial-response syntax: `a,b/c,files(id,name),user` — a comma list of paths
// ('/' nests) where `x(...)` selects inside x and `*` selects everything at its level.
import { errors } from './errors.mjs';

/** @typedef {Map<string, FieldTree | true>} FieldTree */

/** @param {string} text @returns {FieldTree} */
export function parseFields(text) {
  let pos = 0;
  const fail = () => errors.invalidField(text);

  /** @returns {FieldTree} */
  function list(inParens) {
    /** @type {FieldTree} */
    const tree = new Map();
    for (;;) {
      skipSpace();
      const path = [name()];
      while (text[pos] === '/') {
        pos += 1;
        path.push(name());
      }
      skipSpace();
      /** @type {FieldTree | true} */
      let leaf = true;
      if (text[pos] === '(') {
        pos += 1;
        leaf = list(true);
        if (text[pos] !== ')') throw fail();
        pos += 1;
      }
      merge(tree, path, leaf);
      skipSpace();
      if (text[pos] === ',') {
        pos += 1;
        continue;
      }
      if (inParens ? text[pos] === ')' : pos === text.length) return tree;
      throw fail();
    }
  }
  function name() {
    const m = /^(\*|[A-Za-z_][A-Za-z0-9_.-]*)/.exec(text.slice(pos));
    if (!m) throw fail();
    pos += m[0].length;
    return m[0];
  }
  function skipSpace() {
    while (text[pos] === ' ') pos += 1;
  }
  if (text.trim() === '') throw fail();
  return list(false);
}

/** @param {FieldTree} tree @param {string[]} path @param {FieldTree | true} leaf */
function merge(tree, path, leaf) {
  const [head, ...rest] = path;
  const existing = tree.get(head);
  if (rest.length === 0) {
    if (leaf === true || existing === true) tree.set(head, true);
    else if (existing) for (const [k, v] of leaf) merge(existing, [k], v);
    else tree.set(head, leaf);
    return;
  }
  if (existing === true) return;
  const sub = existing ?? new Map();
  tree.set(head, sub);
  merge(sub, rest, leaf);
}

/**
 * Checks a selection against a schema: an object whose keys are the known fields, each `true`
 * (a leaf or a free-form map) or a nested schema (objects, or arrays of objects).
 * @param {FieldTree} tree @param {Record<string, unknown>} schema
 */
export function checkFields(tree, schema) {
  for (const [key, sub] of tree) {
    if (key === '*') continue;
    const known = schema[key];
    if (known === undefined) throw errors.invalidField(key);
    if (sub !== true && known !== true) checkFields(sub, /** @type {Record<string, unknown>} */ (known));
  }
}

/** @template T @param {T} value @param {FieldTree | true} tree @returns {T} */
export function pick(value, tree) {
  if (tree === true || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return /** @type {T} */ (value.map((v) => pick(v, tree)));
  if (tree.has('*')) return value;
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [key, sub] of tree) {
    const v = /** @type {Record<string, unknown>} */ (value)[key];
    if (v !== undefined) out[key] = pick(v, sub);
  }
  return /** @type {T} */ (out);
}

const USER = { kind: true, displayName: true, emailAddress: true, me: true, permissionId: true, photoLink: true };

export const FILE_SCHEMA = {
  kind: true,
  id: true,
  name: true,
  mimeType: true,
  description: true,
  parents: true,
  createdTime: true,
  modifiedTime: true,
  modifiedByMeTime: true,
  viewedByMeTime: true,
  trashed: true,
  explicitlyTrashed: true,
  starred: true,
  appProperties: true,
  properties: true,
  size: true,
  quotaBytesUsed: true,
  md5Checksum: true,
  sha1Checksum: true,
  sha256Checksum: true,
  headRevisionId: true,
  version: true,
  originalFilename: true,
  fullFileExtension: true,
  fileExtension: true,
  spaces: true,
  ownedByMe: true,
  owners: USER,
  lastModifyingUser: USER,
  webViewLink: true,
  webContentLink: true,
  iconLink: true,
  shared: true,
  viewersCanCopyContent: true,
  writersCanShare: true,
  capabilities: true,
};

export const FILE_LIST_SCHEMA = { kind: true, nextPageToken: true, incompleteSearch: true, files: FILE_SCHEMA };

export const ABOUT_SCHEMA = {
  kind: true,
  user: USER,
  storageQuota: { limit: true, usage: true, usageInDrive: true, usageInDriveTrash: true },
  maxUploadSize: true,
  appInstalled: true,
  canCreateDrives: true,
  importFormats: true,
  exportFormats: true,
};

export const DEFAULT_FILE_FIELDS = parseFields('kind,id,name,mimeType');
export const DEFAULT_LIST_FIELDS = parseFields('kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)');

/**
 * The selection to apply: the parsed `fields` parameter (checked against the schema), or the
 * default when it is absent.
 * @param {string | null} param @param {Record<string, unknown>} schema @param {FieldTree} fallback
 */
export function selection(param, schema, fallback) {
  if (param === null) return fallback;
  const tree = parseFields(param);
  checkFields(tree, schema);
  return tree;
}
