// Types of the q parser (query.mjs), for its unit tests.
export type QueryNode =
  | { type: 'and' | 'or'; items: QueryNode[] }
  | { type: 'not'; item: QueryNode }
  | { type: 'cmp'; field: string; op: string; value: string | number | boolean }
  | { type: 'in'; field: string; value: string }
  | { type: 'has'; field: string; key: string; value: string };

export interface QueryFile {
  name: string;
  mimeType: string;
  description?: string;
  parents: string[];
  trashed: boolean;
  starred?: boolean;
  createdTime: string;
  modifiedTime: string;
  owner: string;
  appProperties?: Record<string, string>;
  properties?: Record<string, string>;
}

export function parseQuery(q: string): QueryNode;
export function matches(node: QueryNode, file: QueryFile, ctx: { rootId: string; email: string }): boolean;
export function parseOrderBy(text: string): (a: any, b: any) => number;
