/** Pictures of the model: the tenancy graph in Mermaid, DOT, SVG or a self-contained HTML page. */
import type { ModelIndex } from '../model/index';
import type { XosModel } from '../model/types';
import { buildGraph, type Depth, type Graph } from './graph';
import { toHtml } from './html';
import { layoutGraph, type Placed } from './layout';
import { renderSvg } from './svg';
import { toDot, toMermaid } from './text';

export { buildGraph, buildChainGraph, edgeText, DEPTHS, USERS_NODE, type Depth, type Graph, type GraphEdge, type GraphNode } from './graph';
export { layoutGraph, type Placed } from './layout';
export { renderSvg, toSvg } from './svg';
export { countCrossings } from './crossings';
export { toHtml } from './html';
export { toDot, toMermaid } from './text';

export const FORMATS = ['mermaid', 'dot', 'svg', 'html'] as const;
export type Format = (typeof FORMATS)[number];

/**
 * Pictures up to this many nodes and edges are laid out by xos's own layered layout: on the
 * examples (up to 51) it crosses as few edges as Graphviz's dot or fewer, in a millisecond
 * instead of 100 ms of starting Graphviz. Larger ones cross many more (14x dot's on 346, about
 * 50x on 3,592, measured by the bench's `graph` task) and are laid out by Graphviz.
 */
export const OWN_LAYOUT_UP_TO = 200;
/**
 * Above this many nodes and edges, Graphviz takes a minute and more (30 s for the 12,165 of the
 * generated 50k-resource cloud at depth slices, 96 s at depth all, 4 min for the 28,678 of the
 * 100k cloud at depth all), so the own layout draws the picture, ordered as dot orders its
 * layers (lib/graph/layout.ts, orderLarge: 1.0-1.2x dot's crossings on those clouds, in
 * seconds), with a note that says so and what to draw instead.
 */
export const GRAPHVIZ_UP_TO = 6000;

export type LayoutEngine = 'own' | 'graphviz';

/** Which layout draws a graph of this size. */
export function layoutEngineFor(g: Graph): LayoutEngine {
  const size = g.nodes.length + g.edges.length;
  return size > OWN_LAYOUT_UP_TO && size <= GRAPHVIZ_UP_TO ? 'graphviz' : 'own';
}

/**
 * Lay out a graph with the layout that suits its size (see {@link layoutEngineFor}). Should
 * Graphviz fail (its WebAssembly cannot start, or it rejects the graph), the own layout draws
 * the picture, and `failure` says why.
 */
export async function placeGraph(g: Graph): Promise<{ placed: Placed; engine: LayoutEngine; failure?: string }> {
  if (layoutEngineFor(g) === 'own') return { placed: layoutGraph(g), engine: 'own' };
  try {
    const { layoutWithGraphviz } = await import('./graphviz');
    return { placed: await layoutWithGraphviz(g), engine: 'graphviz' };
  } catch (e) {
    return { placed: layoutGraph(g), engine: 'own', failure: (e as Error)?.message ?? String(e) };
  }
}

export interface RenderOptions {
  /** Told what the reader should know about the picture: that the own layout drew a graph too large for Graphviz, or that Graphviz failed. */
  readonly note?: (message: string) => void;
}

/** The graph of a model at a depth, in a format. */
export async function renderGraph(model: XosModel, index: ModelIndex, format: Format, depth: Depth = 'services', options: RenderOptions = {}): Promise<string> {
  return renderGraphOf(buildGraph(index, depth), model, format, options, depth);
}

/** A graph already built (a chain of tenant instances, for one) in a format. */
export async function renderGraphOf(g: Graph, model: XosModel, format: Format, options: RenderOptions = {}, depth: Depth = 'services'): Promise<string> {
  if (format === 'mermaid') return toMermaid(g);
  if (format === 'dot') return toDot(g);
  const size = g.nodes.length + g.edges.length;
  if (size > GRAPHVIZ_UP_TO)
    options.note?.(
      `the graph has ${g.nodes.length} nodes and ${g.edges.length} edges, more than Graphviz lays out in reasonable time (${GRAPHVIZ_UP_TO} in all), so xos's own layout draws it, ordering its rows as dot does. For a smaller picture draw less (--depth ${depth === 'all' ? 'slices or services' : 'services'}), or lay out --format dot with Graphviz's dot.`,
    );
  const { placed, failure } = await placeGraph(g);
  if (failure) options.note?.(`Graphviz could not lay out the graph (${failure}), so xos's own layout draws it, crossing more edges.`);
  return format === 'svg' ? renderSvg(g, placed) : toHtml(g, model, placed);
}
