// Types of the `fields` parser (fields.mjs), for its unit tests.
export type FieldTree = Map<string, FieldTree | true>;
export function parseFields(text: string): FieldTree;
export function checkFields(tree: FieldTree, schema: Record<string, unknown>): void;
export function pick<T>(value: T, tree: FieldTree | true): T;
export const FILE_SCHEMA: Record<string, unknown>;
export const FILE_LIST_SCHEMA: Record<string, unknown>;
export const ABOUT_SCHEMA: Record<string, unknown>;
