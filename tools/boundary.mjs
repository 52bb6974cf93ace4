// The content scripts' security boundary (DESIGN.md §1), checked two ways:
//   1. in the source: nothing reachable from src/capture/ or entrypoints/*.content.ts imports
//      crypto/, store/, keys/, backup/ or drive/, or a key-handling package (followed transitively,
//      type-only imports excepted: they leave no code);
//   2. in the build: the content scripts' bundles carry no marker of key, token or key-store code.
// The unit test (test/tools/boundary.test.ts) runs (1) over the real tree and proves both checks
// can fail; test/e2e/content-script-boundary.spec.ts runs (2) over .output/chrome-mv3.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Folders under src/ that hold keys, tokens, ciphertext plumbing or stores. */
export const FORBIDDEN_DIRS = ['crypto', 'store', 'keys', 'backup', 'drive'];

/** Packages that only key, encryption, hashing-for-keys or store code needs. */
export const FORBIDDEN_PACKAGES = ['idb', 'age-encryption', '@noble/', '@scure/', '@zxcvbn-ts/', 'fflate', 'modern-tar'];

/**
 * Strings that survive minification and appear only in code a content script must not carry:
 * identities, the age format, key derivation, passphrase files, OAuth tokens, IndexedDB.
 */
export const BUNDLE_MARKERS = [
  'AGE-SECRET-KEY',
  'age-encryption.org',
  'scrypt',
  'HKDF',
  'chatseal.app/v1',
  'manifest-mac',
  'X25519',
  // Calls, not names: webextension-polyfill's API table lists `launchWebAuthFlow:{minArgs…}` in
  // every bundle that imports wxt/browser.
  'launchWebAuthFlow(',
  'getAuthToken(',
  'access_token',
  'refresh_token',
  'oauth2.googleapis.com',
  'indexedDB',
];

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.js', '.mjs'];

function resolveRelative(from, specifier) {
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => path.join(base, `index${e}`))];
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile()) ?? null;
}

/** Specifiers a file imports for their code (type-only imports and exports left out). */
export function valueImports(file, text = fs.readFileSync(file, 'utf8')) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out = [];
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) out.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly =
        node.isTypeOnly ||
        (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 && node.exportClause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) out.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      out.push(arg && ts.isStringLiteralLike(arg) ? arg.text : '<dynamic import>');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/**
 * Follows value imports from `entries` through `srcDir`'s files and reports every import of a
 * forbidden folder or package, with the chain that reaches it (entry first).
 * @param {{ srcDir: string, entries: string[], forbiddenDirs?: string[], forbiddenPackages?: string[] }} options
 * @returns {{ chain: string[], specifier: string, reason: string }[]}
 */
export function importViolations({ srcDir, entries, forbiddenDirs = FORBIDDEN_DIRS, forbiddenPackages = FORBIDDEN_PACKAGES }) {
  const src = path.resolve(srcDir);
  const banned = forbiddenDirs.map((d) => path.join(src, d) + path.sep);
  const violations = [];
  const seen = new Map();
  const queue = entries.map((e) => [path.resolve(e)]);
  for (const [file] of queue) seen.set(file, queue.find((c) => c[0] === file));
  while (queue.length > 0) {
    const chain = queue.shift();
    const file = chain[chain.length - 1];
    for (const specifier of valueImports(file)) {
      const rel = (p) => path.relative(path.dirname(src), p);
      if (specifier === '<dynamic import>') {
        violations.push({ chain: chain.map(rel), specifier, reason: 'an import() whose module is not a string cannot be checked' });
        continue;
      }
      if (!specifier.startsWith('.')) {
        const pkg = forbiddenPackages.find((p) => (p.endsWith('/') ? specifier.startsWith(p) : specifier === p || specifier.startsWith(`${p}/`)));
        if (pkg) violations.push({ chain: chain.map(rel), specifier, reason: `package ${pkg}` });
        continue;
      }
      const target = resolveRelative(file, specifier);
      if (target === null) {
        violations.push({ chain: chain.map(rel), specifier, reason: 'cannot be resolved (so it cannot be checked)' });
        continue;
      }
      const dir = banned.find((b) => target.startsWith(b));
      if (dir) {
        violations.push({ chain: [...chain, target].map(rel), specifier, reason: `src/${path.basename(dir)}/` });
        continue;
      }
      if (!seen.has(target)) {
        const next = [...chain, target];
        seen.set(target, next);
        queue.push(next);
      }
    }
  }
  return violations;
}

/** Every .ts/.tsx file under a folder. */
export function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx)$/.test(d.name) && !d.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Markers of key, token or key-store code found in one bundle's text. */
export function bundleMarkers(text, markers = BUNDLE_MARKERS) {
  return markers.filter((m) => text.includes(m));
}

/**
 * Scans the built content scripts (`<output>/content-scripts/*.js`). Throws when there are none:
 * a check that looked at nothing must not pass.
 * @returns {{ files: string[], found: { file: string, marker: string }[] }}
 */
export function scanContentScripts(outputDir, markers = BUNDLE_MARKERS) {
  const dir = path.join(outputDir, 'content-scripts');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.js')).sort() : [];
  if (files.length === 0) throw new Error(`no content scripts in ${dir}: build first (npm run build)`);
  const found = [];
  for (const file of files) {
    for (const marker of bundleMarkers(fs.readFileSync(path.join(dir, file), 'utf8'), markers)) found.push({ file, marker });
  }
  return { files, found };
}
