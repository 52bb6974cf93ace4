// The files.list `q` language (https://developers.google.com/drive/api/guides/ref-search-terms),
// the subset a backup client uses: and/or/not, parentheses, = != on name and mimeType,
// contains on name (prefix of a word), mimeType and fullText, '<id>' in parents / owners,
// trashed/starred = bool, time comparisons, and appProperties/properties has { key='k' and value='v' }.
import { errors } from './errors.mjs';

const STRING_FIELDS = new Set(['name', 'mimeType']);
const TIME_FIELDS = new Set(['modifiedTime', 'createdTime']);
const BOOL_FIELDS = new Set(['trashed', 'starred', 'sharedWithMe']);
const IN_FIELDS = new Set(['parents', 'owners', 'writers', 'readers']);
const MAP_FIELDS = new Set(['appProperties', 'properties']);
const COMPARE = new Set(['=', '!=', '<', '<=', '>', '>=']);

/** @typedef {{ kind: 'str' | 'word' | 'op' | 'punct', text: string }} Token */

/** @param {string} q */
function tokenize(q) {
  /** @type {Token[]} */
  const out = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i];
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === "'") {
      let s = '';
      i += 1;
      for (;;) {
        if (i >= q.length) throw invalid();
        const d = q[i];
        if (d === '\\') {
          const e = q[i + 1];
          if (e === undefined) throw invalid();
          s += e;
          i += 2;
        } else if (d === "'") {
          i += 1;
          break;
        } else {
          s += d;
          i += 1;
        }
      }
      out.push({ kind: 'str', text: s });
    } else if ('(){}'.includes(c)) {
      out.push({ kind: 'punct', text: c });
      i += 1;
    } else if ('=!<>'.includes(c)) {
      const two = q.slice(i, i + 2);
      const op = ['!=', '<=', '>='].includes(two) ? two : c;
      if (op === '!') throw invalid();
      out.push({ kind: 'op', text: op });
      i += op.length;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(q.slice(i));
      if (!m) throw invalid();
      out.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

function invalid() {
  return errors.invalidParameter('q', 'Invalid Value');
}

/** @param {string} q @returns {Node} */
export function parseQuery(q) {
  const tokens = tokenize(q);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (/** @type {string} */ w) => {
    const t = peek();
    return t !== undefined && t.kind === 'word' && t.text.toLowerCase() === w;
  };
  const expect = (/** @type {Token['kind']} */ kind, /** @type {string=} */ text) => {
    const t = tokens[pos];
    if (!t || t.kind !== kind || (text !== undefined && t.text.toLowerCase() !== text)) throw invalid();
    pos += 1;
    return t;
  };

  function orExpr() {
    const items = [andExpr()];
    while (isWord('or')) {
      pos += 1;
      items.push(andExpr());
    }
    return items.length === 1 ? items[0] : { type: 'or', items };
  }
  function andExpr() {
    const items = [unary()];
    while (isWord('and')) {
      pos += 1;
      items.push(unary());
    }
    return items.length === 1 ? items[0] : { type: 'and', items };
  }
  /** @returns {Node} */
  function unary() {
    if (isWord('not')) {
      pos += 1;
      return { type: 'not', item: unary() };
    }
    const t = peek();
    if (t && t.kind === 'punct' && t.text === '(') {
      pos += 1;
      const inner = orExpr();
      expect('punct', ')');
      return inner;
    }
    return clause();
  }
  /** @returns {Node} */
  function clause() {
    const first = tokens[pos];
    if (!first) throw invalid();
    if (first.kind === 'str') {
      pos += 1;
      expect('word', 'in');
      const field = expect('word').text;
      if (!IN_FIELDS.has(field)) throw invalid();
      return { type: 'in', value: first.text, field };
    }
    const field = expect('word').text;
    if (MAP_FIELDS.has(field)) {
      expect('word', 'has');
      expect('punct', '{');
      expect('word', 'key');
      expect('op', '=');
      const key = expect('str').text;
      expect('word', 'and');
      expect('word', 'value');
      expect('op', '=');
      const value = expect('str').text;
      expect('punct', '}');
      return { type: 'has', field, key, value };
    }
    const opTok = tokens[pos];
    if (!opTok) throw invalid();
    pos += 1;
    const op = opTok.kind === 'op' ? opTok.text : opTok.kind === 'word' ? opTok.text.toLowerCase() : '';
    const valTok = tokens[pos];
    if (!valTok) throw invalid();
    pos += 1;
    if (BOOL_FIELDS.has(field)) {
      const v = valTok.kind === 'word' ? valTok.text.toLowerCase() : '';
      if ((op !== '=' && op !== '!=') || (v !== 'true' && v !== 'false')) throw invalid();
      return { type: 'cmp', field, op, value: v === 'true' };
    }
    if (valTok.kind !== 'str') throw invalid();
    if (STRING_FIELDS.has(field)) {
      if (op !== '=' && op !== '!=' && op !== 'contains') throw invalid();
      return { type: 'cmp', field, op, value: valTok.text };
    }
    if (field === 'fullText') {
      if (op !== 'contains') throw invalid();
      return { type: 'cmp', field, op, value: valTok.text };
    }
    if (TIME_FIELDS.has(field)) {
      if (!COMPARE.has(op)) throw invalid();
      const hasZone = /(Z|[+-]\d\d:?\d\d)$/i.test(valTok.text);
      const ms = Date.parse(hasZone ? valTok.text : `${valTok.text}Z`);
      if (Number.isNaN(ms)) throw invalid();
      return { type: 'cmp', field, op, value: ms };
    }
    throw invalid();
  }

  if (tokens.length === 0) throw invalid();
  const node = orExpr();
  if (pos !== tokens.length) throw invalid();
  return node;
}

/**
 * @typedef {{ type: 'and' | 'or', items: Node[] }
 *   | { type: 'not', item: Node }
 *   | { type: 'cmp', field: string, op: string, value: string | number | boolean }
 *   | { type: 'in', field: string, value: string }
 *   | { type: 'has', field: string, key: string, value: string }} Node
 */

/**
 * @param {Node} node
 * @param {{ name: string, mimeType: string, description?: string, parents: string[], trashed: boolean,
 *   starred?: boolean, createdTime: string, modifiedTime: string, owner: string,
 *   appProperties?: Record<string,string>, properties?: Record<string,string> }} file
 * @param {{ rootId: string, email: string }} ctx
 * @returns {boolean}
 */
export function matches(node, file, ctx) {
  switch (node.type) {
    case 'and':
      return node.items.every((n) => matches(n, file, ctx));
    case 'or':
      return node.items.some((n) => matches(n, file, ctx));
    case 'not':
      return !matches(node.item, file, ctx);
    case 'in': {
      if (node.field === 'parents') {
        const id = node.value === 'root' ? ctx.rootId : node.value;
        return file.parents.includes(id);
      }
      const who = node.value === 'me' ? ctx.email : node.value;
      return file.owner.toLowerCase() === who.toLowerCase();
    }
    case 'has': {
      const map = node.field === 'appProperties' ? file.appProperties : file.properties;
      return map !== undefined && map[node.key] === node.value;
    }
    case 'cmp':
      return compare(node, file);
  }
  return false;
}

/** @param {{ field: string, op: string, value: string | number | boolean }} node @param {any} file */
function compare(node, file) {
  const { field, op, value } = node;
  if (field === 'sharedWithMe') return op === '=' ? value === false : value === true;
  if (BOOL_FIELDS.has(field)) {
    const actual = Boolean(file[field]);
    return op === '=' ? actual === value : actual !== value;
  }
  if (TIME_FIELDS.has(field)) {
    const actual = Date.parse(file[field]);
    const v = /** @type {number} */ (value);
    switch (op) {
      case '=': return actual === v;
      case '!=': return actual !== v;
      case '<': return actual < v;
      case '<=': return actual <= v;
      case '>': return actual > v;
      case '>=': return actual >= v;
    }
    return false;
  }
  const v = String(value);
  if (field === 'fullText') {
    const hay = `${file.name} ${file.description ?? ''}`.toLowerCase();
    return hay.includes(v.toLowerCase());
  }
  const actual = String(file[field] ?? '');
  if (op === '=') return actual === v;
  if (op === '!=') return actual !== v;
  // contains: on names Google matches the start of a word, case-insensitively; elsewhere a substring.
  if (field === 'name') {
    const lower = actual.toLowerCase();
    const needle = v.toLowerCase();
    return lower.startsWith(needle) || lower.split(/[^a-z0-9]+/).some((w) => w.startsWith(needle));
  }
  return actual.toLowerCase().includes(v.toLowerCase());
}

const ORDER_KEYS = new Set([
  'createdTime', 'folder', 'modifiedByMeTime', 'modifiedTime', 'name', 'name_natural',
  'quotaBytesUsed', 'recency', 'sharedWithMeTime', 'starred', 'viewedByMeTime',
]);

/**
 * orderBy: comma list of keys, each optionally followed by ' desc'.
 * @param {string} text @returns {(a: any, b: any) => number}
 */
export function parseOrderBy(text) {
  const keys = text.split(',').map((part) => {
    const [key, dir, extra] = part.trim().split(/\s+/);
    if (!key || !ORDER_KEYS.has(key) || extra !== undefined || (dir !== undefined && dir.toLowerCase() !== 'desc' && dir.toLowerCase() !== 'asc')) {
      throw errors.invalidParameter('orderBy', `Invalid sort order: ${part.trim()}`);
    }
    return { key, desc: dir?.toLowerCase() === 'desc' };
  });
  return (a, b) => {
    for (const { key, desc } of keys) {
      const c = compareBy(key, a, b);
      if (c !== 0) return desc ? -c : c;
    }
    return a.seq - b.seq;
  };
}

/** @param {string} key @param {any} a @param {any} b */
function compareBy(key, a, b) {
  switch (key) {
    case 'folder': {
      const fa = a.mimeType === 'application/vnd.google-apps.folder' ? 0 : 1;
      const fb = b.mimeType === 'application/vnd.google-apps.folder' ? 0 : 1;
      return fa - fb;
    }
    case 'name':
    case 'name_natural':
      return a.name.localeCompare(b.name, 'en', { numeric: key === 'name_natural', sensitivity: 'base' });
    case 'createdTime':
      return Date.parse(a.createdTime) - Date.parse(b.createdTime);
    case 'modifiedTime':
    case 'modifiedByMeTime':
    case 'recency':
    case 'viewedByMeTime':
      return Date.parse(a.modifiedTime) - Date.parse(b.modifiedTime);
    case 'quotaBytesUsed':
      return (a.size ?? 0) - (b.size ?? 0);
    case 'starred':
      return Number(Boolean(a.starred)) - Number(Boolean(b.starred));
  }
  return 0;
}
