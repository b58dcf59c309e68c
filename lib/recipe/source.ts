/**
 * A recipe's YAML text with positions: parse it keeping the concrete syntax's ranges, and
 * find the line and column of any value or key by its path, so that every error can point
 * at the place to fix.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';

/** A path into the recipe: map keys and list indexes. */
export type RecipePath = readonly (string | number)[];

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** One problem in a recipe, with where it is and what to do. */
export interface RecipeProblem {
  readonly path: RecipePath;
  readonly position: Position;
  readonly message: string;
}

export interface RecipeSource {
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  /** The recipe as plain data (aliases resolved). */
  readonly data: unknown;
  /** Problems of the YAML itself (syntax, duplicate keys). */
  readonly syntax: readonly RecipeProblem[];
}

/** Parse a recipe's text; YAML errors are returned as problems, never thrown. */
export function parseRecipe(file: string, text: string): RecipeSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const syntax: RecipeProblem[] = doc.errors.map((e) => {
    const lp = e.linePos?.[0];
    const first = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').replace(/\.$/, '');
    return { path: [], position: { line: lp?.line ?? 1, column: lp?.col ?? 1 }, message: `${first}. ${yamlFix(e.code)}` };
  });
  let data: unknown = undefined;
  if (!syntax.length) {
    try {
      data = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      syntax.push({ path: [], position: { line: 1, column: 1 }, message: `${(e as Error).message}. Simplify the aliases.` });
    }
  }
  return { file, text, doc, lines, data, syntax };
}

function yamlFix(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'Each key may appear once in a map: remove or rename the second one.';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
    case 'UNEXPECTED_TOKEN':
      return 'Check the indentation and punctuation on this line.';
    case 'TAB_AS_INDENT':
      return 'Indent with spaces, not tabs.';
    default:
      return 'Fix the YAML syntax here.';
  }
}

function resolve(src: RecipeSource, node: unknown): unknown {
  return isAlias(node) ? node.resolve(src.doc) : node;
}

/** The YAML node at a path, and the key node that introduces it (for map entries). */
export function nodeAt(src: RecipeSource, path: RecipePath): { node?: YamlNode; key?: YamlNode } {
  let node: unknown = src.doc.contents;
  let key: YamlNode | undefined;
  for (const step of path) {
    node = resolve(src, node);
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(step));
      if (!pair) return { node: node as YamlNode, key };
      key = pair.key as YamlNode;
      node = pair.value;
    } else if (isSeq(node) && typeof step === 'number') {
      const item = node.items[step];
      if (item === undefined) return { node: node as YamlNode, key };
      key = undefined;
      node = item;
    } else return { node: (node ?? undefined) as YamlNode | undefined, key };
  }
  return { node: (resolve(src, node) ?? undefined) as YamlNode | undefined, key };
}

function positionOf(src: RecipeSource, n: YamlNode | undefined): Position | undefined {
  const start = n?.range?.[0];
  if (start === undefined) return undefined;
  const lp = src.lines.linePos(start);
  return { line: lp.line, column: lp.col };
}

/** Where a path's value starts (or, with `key`, where its key is written). */
export function positionAt(src: RecipeSource, path: RecipePath, at: 'value' | 'key' = 'value'): Position {
  const { node, key } = nodeAt(src, path);
  const preferred = at === 'key' ? positionOf(src, key) ?? positionOf(src, node) : positionOf(src, node) ?? positionOf(src, key);
  return preferred ?? { line: 1, column: 1 };
}

/** `services.vOLT.tenantOf[0].connect`: a path as people read it. */
export function pathText(path: RecipePath): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${/^[A-Za-z_$][\w$-]*$/.test(p) ? p : JSON.stringify(p)}` : /^[A-Za-z_$][\w$-]*$/.test(p) ? p : JSON.stringify(p);
  }
  return out || '(top level)';
}

/** `file:line:column: path: message`, one problem per line. */
export function formatProblem(file: string, p: RecipeProblem): string {
  const where = p.path.length ? `${pathText(p.path)}: ` : '';
  return `${file}:${p.position.line}:${p.position.column}: ${where}${p.message}`;
}
