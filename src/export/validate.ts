// Validates a chatseal/1 document: first against the JSON Schema (with @cfworker/json-schema, which
// interprets the schema instead of generating code, so it runs under MV3's CSP), then the rules a
// JSON Schema cannot state because they span several places in the document.
import { Validator, type OutputUnit, type Schema } from '@cfworker/json-schema';
import schemaJson from './chatseal-1.schema.json';
import { SCHEMA_VERSION } from './types';

export interface ValidationReport {
  valid: boolean;
  /** One line per problem: a JSON Pointer into the document, a colon, what is wrong. */
  errors: string[];
}

// Keywords whose failure only repeats a failure further down; reported only when nothing deeper is.
const WRAPPER_KEYWORDS = new Set(['properties', 'items', '$ref', 'allOf', 'if', 'then', 'else', 'prefixItems']);

let validator: Validator | undefined;

function schemaValidator(): Validator {
  // The library annotates the schema object it is given; hand it a copy so the imported JSON stays
  // exactly the published schema for anyone else who imports it.
  validator ??= new Validator(structuredClone(schemaJson) as Schema, '2020-12', false);
  return validator;
}

export function validateExport(doc: unknown): ValidationReport {
  const version = (doc as { schema?: unknown } | null)?.schema;
  if (typeof doc === 'object' && doc !== null && !Array.isArray(doc) && version !== SCHEMA_VERSION) {
    return {
      valid: false,
      errors: [`/schema: unsupported schema version ${JSON.stringify(version)} (expected "${SCHEMA_VERSION}")`],
    };
  }
  const result = schemaValidator().validate(doc);
  if (!result.valid) return { valid: false, errors: formatSchemaErrors(result.errors) };
  const errors = crossChecks(doc as SchemaShapedDoc);
  return { valid: errors.length === 0, errors };
}

// The library can only say 'Instance matched "not" schema' for these; say what the rule is.
const NOT_RULES: Array<[RegExp, string]> = [
  [/\/attachments\/items\/\$ref\/allOf\/0\/else\/not$/, 'only a captured attachment has a path'],
  [/\/messages\/items\/\$ref\/allOf\/0\/then\/not$/, 'a system message has no sender'],
];

function formatSchemaErrors(units: OutputUnit[]): string[] {
  const leaves = units.filter((u) => !WRAPPER_KEYWORDS.has(u.keyword));
  const chosen = leaves.length > 0 ? leaves : units;
  const lines = chosen.map((u) => {
    const rule = u.keyword === 'not' ? NOT_RULES.find(([re]) => re.test(u.keywordLocation))?.[1] : undefined;
    return `${pointer(u.instanceLocation)}: ${rule ?? u.error}`;
  });
  return [...new Set(lines)];
}

/** cfworker reports locations as "#/a/b"; a plain JSON Pointer reads better in messages. */
function pointer(location: string): string {
  const p = location.replace(/^#/, '');
  return p === '' ? '/' : p;
}

// Only the fields the cross checks read; the schema has already vouched for their types.
interface SchemaShapedDoc {
  conversation: { participants: Array<{ isMe?: boolean }> };
  capture: {
    startedAt: string;
    finishedAt: string;
    timestampsAreLocal: boolean;
    unparsedLines: Array<{ keptIn?: string }>;
  };
  messages: Array<{
    key: string;
    replyTo?: string;
    timestamp: { value: string; precision: string };
    attachments?: Array<{ sha256?: string; path?: string }>;
  }>;
}

function crossChecks(doc: SchemaShapedDoc): string[] {
  const errors: string[] = [];

  const meCount = doc.conversation.participants.filter((p) => p.isMe === true).length;
  if (meCount > 1) errors.push(`/conversation/participants: ${meCount} participants have isMe; at most one may`);

  if (Date.parse(doc.capture.finishedAt) < Date.parse(doc.capture.startedAt)) {
    errors.push('/capture/finishedAt: is before startedAt');
  }

  const keys = new Set<string>();
  doc.messages.forEach((m, i) => {
    if (keys.has(m.key)) errors.push(`/messages/${i}/key: duplicate key ${JSON.stringify(m.key)}`);
    keys.add(m.key);
  });

  doc.messages.forEach((m, i) => {
    const at = `/messages/${i}`;
    if (m.replyTo !== undefined) {
      if (m.replyTo === m.key) errors.push(`${at}/replyTo: a message cannot reply to itself`);
      else if (!keys.has(m.replyTo)) errors.push(`${at}/replyTo: no message with key ${JSON.stringify(m.replyTo)}`);
    }
    const problem = timestampProblem(m.timestamp.value, m.timestamp.precision, doc.capture.timestampsAreLocal);
    if (problem) errors.push(`${at}/timestamp/value: ${problem}`);
    m.attachments?.forEach((a, j) => {
      if (a.path !== undefined && a.sha256 !== undefined && !a.path.startsWith(`media/${a.sha256}`)) {
        errors.push(`${at}/attachments/${j}/path: does not name the attachment's sha256`);
      }
    });
  });
  doc.capture.unparsedLines.forEach((u, i) => {
    if (u.keptIn !== undefined && !keys.has(u.keptIn)) {
      errors.push(`/capture/unparsedLines/${i}/keptIn: no message with key ${JSON.stringify(u.keptIn)}`);
    }
  });
  return errors;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-](\d{2}):(\d{2}))?)?$/;

/** The schema checks the shape; this checks that the digits name a real moment. */
function timestampProblem(value: string, precision: string, local: boolean): string | undefined {
  const m = TIMESTAMP.exec(value);
  if (!m) return 'not an ISO 8601 timestamp';
  const [, y, mo, d, h, mi, s, zone, zh, zm] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return `no such date ${y}-${mo}-${d}`;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59)) return 'no such time of day';
  if (zh !== undefined && (Number(zh) > 23 || Number(zm) > 59)) return 'no such UTC offset';
  if (precision !== 'day') {
    if (local && zone !== undefined) return 'has a UTC offset but capture.timestampsAreLocal is true';
    if (!local && zone === undefined) return 'has no UTC offset but capture.timestampsAreLocal is false';
  }
  return undefined;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
