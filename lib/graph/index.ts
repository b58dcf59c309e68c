/** Pictures of the model: the tenancy graph in Mermaid, DOT, SVG or a self-contained HTML page. */
import type { ModelIndex } from '../model/index';
import type { XosModel } from '../model/types';
import { buildGraph, type Depth } from './graph';
import { toHtml } from './html';
import { toSvg } from './svg';
import { toDot, toMermaid } from './text';

export { buildGraph, DEPTHS, type Depth, type Graph, type GraphEdge, type GraphNode } from './graph';
export { layoutGraph, type Placed } from './layout';
export { toSvg } from './svg';
export { toHtml } from './html';
export { toDot, toMermaid } from './text';

export const FORMATS = ['mermaid', 'dot', 'svg', 'html'] as const;
export type Format = (typeof FORMATS)[number];

/** The graph of a model at a depth, in a format. */
export function renderGraph(model: XosModel, index: ModelIndex, format: Format, depth: Depth = 'services'): string {
  const g = buildGraph(index, depth);
  switch (format) {
    case 'mermaid':
      return toMermaid(g);
    case 'dot':
      return toDot(g);
    case 'svg':
      return toSvg(g);
    case 'html':
      return toHtml(g, model);
  }
}
