/**
 * YAML recipes, as XOS had TOSCA recipes: a YAML file describing a model loads into the same
 * constructs as a TypeScript program. Its format is published as a JSON Schema
 * (schema/recipe.schema.json); every problem points at the YAML line and column.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Cloud } from '../../constructs/cloud';
import { usageError } from '../errors';
import { buildRecipe, type RecipeDoc } from './build';
import { checkSchema } from './schema-check';
import { formatProblem, parseRecipe, type RecipeProblem } from './source';

export { RECIPE_SCHEMA } from './schema-check';
export type { RecipeProblem } from './source';

/** True when a program path names a recipe (`.yaml` or `.yml`). */
export function isRecipePath(p: string): boolean {
  return /\.ya?ml$/i.test(p);
}

export interface RecipeResult {
  readonly cloud?: Cloud;
  readonly problems: readonly RecipeProblem[];
  /** The file as the messages name it (relative to the working directory). */
  readonly shown: string;
}

/** Parse, check and build a recipe's text; problems are returned, never thrown. */
export function recipeFromText(text: string, file: string): RecipeResult {
  const shown = path.relative(process.cwd(), file) || file;
  const src = parseRecipe(shown, text);
  if (src.syntax.length) return { problems: src.syntax, shown };
  if (src.data === null || src.data === undefined)
    return { problems: [{ path: [], position: { line: 1, column: 1 }, message: "the recipe is empty. Start it with 'cloud: <name>' and declare the model below (see schema/recipe.schema.json)." }], shown };
  const schemaProblems = checkSchema(src);
  if (schemaProblems.length) return { problems: schemaProblems, shown };
  const built = buildRecipe(src, src.data as RecipeDoc, path.resolve(file));
  const problems = [...built.problems].sort((a, b) => a.position.line - b.position.line || a.position.column - b.position.column);
  return { cloud: built.cloud, problems, shown };
}

/** Load a recipe file into a Cloud, or throw one usage error listing every problem at its line. */
export function loadRecipe(file: string): { cloud: Cloud; file: string; dir: string } {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw usageError(code === 'ENOENT' ? `recipe not found: ${file}. Check the path.` : `cannot read the recipe ${file}: ${(e as Error).message}.`);
  }
  const r = recipeFromText(text, abs);
  if (r.problems.length || !r.cloud) {
    const n = r.problems.length;
    throw usageError(`${r.shown} has ${n} problem${n === 1 ? '' : 's'}:\n${r.problems.map((p) => '  ' + formatProblem(r.shown, p)).join('\n')}`);
  }
  return { cloud: r.cloud, file: abs, dir: path.dirname(abs) };
}
