/**
 * The graph as a standalone SVG picture, drawn by our own layout (no Graphviz at run time).
 * Each node is a `<g class="node KIND" data-key="MODEL KEY">`, each edge a
 * `<g class="edge KIND" data-from data-to>`, so a page can make the picture interactive.
 */
import { edgeText, type EdgeKind, type Graph, type NodeKind } from './graph';
import { layoutGraph, type Placed, type Point } from './layout';

/** Escape text for XML content and attribute values. */
export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const FILL: Record<NodeKind, [string, string, string]> = {
  // fill, stroke, text
  service: ['#e8f0fe', '#1a73e8', '#0b2a5b'],
  external: ['#fef7e0', '#b06000', '#4a2c00'],
  slice: ['#e6f4ea', '#188038', '#0d3b1c'],
  network: ['#f3e8fd', '#8430ce', '#3b0a63'],
  deployment: ['#f1f3f4', '#5f6368', '#202124'],
  undeclared: ['#fce8e6', '#d93025', '#5c0f0a'],
  users: ['#ffffff', '#1a73e8', '#0b2a5b'],
  instance: ['#e8f0fe', '#5f6368', '#202124'],
};

const EDGE_STROKE: Record<EdgeKind, string> = {
  tenancy: '#1a73e8',
  implements: '#188038',
  owns: '#8430ce',
  joins: '#8430ce',
  'runs-on': '#80868b',
  holds: '#5f6368',
};

/** Dashes by connect mode (tenancy) or by edge kind. */
function dash(kind: EdgeKind, label?: string): string | undefined {
  if (kind === 'tenancy') return label === 'shared-private' ? '7 4' : label === 'interconnect-private' ? '2 3' : undefined;
  if (kind === 'joins') return '5 4';
  if (kind === 'runs-on') return '2 3';
  return undefined;
}

const DEPTH_TITLE: Record<Graph['depth'], string> = {
  services: 'Services and their tenancy (tenant \u2192 provider)',
  slices: 'Services, their Slices and Networks',
  all: 'Services, Slices, Networks and the Deployments they run on',
};

/** A smooth path through the points, leaving and entering each vertically (or the edge's own Bézier route). */
function pathThrough(points: readonly Point[], selfLoop: boolean, bezier?: readonly Point[]): string {
  const f = (n: number) => String(Math.round(n * 10) / 10);
  if (bezier && bezier.length >= 4) {
    let d = `M${f(bezier[0].x)},${f(bezier[0].y)}`;
    for (let i = 1; i + 2 < bezier.length; i += 3) d += ` C${[bezier[i], bezier[i + 1], bezier[i + 2]].map((p) => `${f(p.x)},${f(p.y)}`).join(' ')}`;
    return d;
  }
  if (selfLoop) {
    const [a, b, c, d] = points;
    return `M${f(a.x)},${f(a.y)} C${f(b.x)},${f(b.y)} ${f(c.x)},${f(c.y)} ${f(d.x)},${f(d.y)}`;
  }
  let d = `M${f(points[0].x)},${f(points[0].y)}`;
  for (let i = 1; i < points.length; i++) {
    const p = points[i - 1];
    const q = points[i];
    const dy = (q.y - p.y) / 2;
    d += ` C${f(p.x)},${f(p.y + dy)} ${f(q.x)},${f(q.y - dy)} ${f(q.x)},${f(q.y)}`;
  }
  return d;
}

export interface SvgOptions {
  /** Prefix for ids inside the SVG (markers), so two pictures can share a page. */
  readonly idPrefix?: string;
  /** Leave out the XML declaration (for inlining into HTML). */
  readonly inline?: boolean;
}

/** Render a graph to SVG text. */
export function toSvg(g: Graph, options: SvgOptions = {}): string {
  return renderSvg(g, layoutGraph(g), options);
}

/** Render an already laid out graph to SVG text. */
export function renderSvg(g: Graph, p: Placed, options: SvgOptions = {}): string {
  const id = options.idPrefix ?? 'xos';
  const width = Math.max(p.width, 420);
  const out: string[] = [];
  if (!options.inline) out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${p.height}" viewBox="0 0 ${width} ${p.height}" role="img" aria-labelledby="${id}-title" font-family="Helvetica, Arial, sans-serif">`,
    `<title id="${id}-title">${xmlEscape(`${g.name}: ${DEPTH_TITLE[g.depth]}`)}</title>`,
    '<defs>',
  );
  for (const [kind, color] of Object.entries(EDGE_STROKE)) {
    out.push(`<marker id="${id}-arrow-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,1 L9,5 L0,9 z" fill="${color}"/></marker>`);
  }
  out.push('</defs>');
  out.push(`<rect class="background" x="0" y="0" width="${width}" height="${p.height}" fill="#ffffff"/>`);
  out.push(`<text class="heading" x="24" y="26" font-size="16" font-weight="bold" fill="#202124">${xmlEscape(g.name)}</text>`);
  out.push(`<text class="subheading" x="24" y="44" font-size="11" fill="#5f6368">${xmlEscape(DEPTH_TITLE[g.depth])}</text>`);

  if (p.externalBox) {
    const b = p.externalBox;
    out.push(
      `<g class="external-group"><rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="10" fill="none" stroke="#b06000" stroke-dasharray="6 4"/>`,
      `<rect x="${b.x + b.w - 104}" y="${b.y - 7}" width="94" height="14" fill="#ffffff"/>`,
      `<text x="${b.x + b.w - 14}" y="${b.y + 4}" font-size="10" text-anchor="end" fill="#b06000">external services</text></g>`,
    );
  }

  for (const e of p.edges) {
    const k = e.edge.kind;
    const d = dash(k, e.edge.label);
    const arrow = k === 'tenancy' || k === 'runs-on' || k === 'holds' ? ` marker-end="url(#${id}-arrow-${k})"` : '';
    const attrs = `class="edge ${k}" data-from="${xmlEscape(e.edge.from)}" data-to="${xmlEscape(e.edge.to)}"${e.edge.key ? ` data-key="${xmlEscape(e.edge.key)}"` : ''}`;
    out.push(`<g ${attrs}>`);
    out.push(`<path d="${pathThrough(e.points, e.selfLoop, e.bezier)}" fill="none" stroke="${EDGE_STROKE[k]}" stroke-width="${k === 'tenancy' ? 1.8 : 1.2}"${d ? ` stroke-dasharray="${d}"` : ''}${arrow}/>`);
    const label = edgeText(e.edge);
    if (label) {
      const w = Math.ceil(label.length * 5.9 + 10);
      const { x, y } = e.labelAt;
      out.push(
        `<rect x="${Math.round((x - w / 2) * 10) / 10}" y="${y - 8}" width="${w}" height="16" rx="3" fill="#ffffff" fill-opacity="0.92"/>`,
        `<text x="${x}" y="${y + 4}" font-size="10" text-anchor="middle" fill="${EDGE_STROKE[k]}">${xmlEscape(label)}</text>`,
      );
    }
    out.push('</g>');
  }

  for (const n of p.nodes) {
    const [fill, stroke, text] = FILL[n.node.kind];
    const k = n.node.kind;
    const rx = k === 'network' ? n.h / 2 : k === 'slice' ? 3 : 9;
    const dashed = k === 'external' || k === 'undeclared' ? ' stroke-dasharray="5 3"' : '';
    out.push(`<g class="node ${k}" data-key="${xmlEscape(n.node.id)}" transform="translate(${n.x},${n.y})">`);
    out.push(`<title>${xmlEscape(`${k} ${n.node.id}`)}</title>`);
    out.push(`<rect x="${-n.w / 2}" y="${-n.h / 2}" width="${n.w}" height="${n.h}" rx="${rx}" fill="${fill}" stroke="${stroke}" stroke-width="1.4"${dashed}/>`);
    if (n.node.detail) {
      out.push(`<text y="-3" font-size="12" font-weight="bold" text-anchor="middle" fill="${text}">${xmlEscape(n.node.label)}</text>`);
      out.push(`<text y="12" font-size="10" text-anchor="middle" fill="${text}" fill-opacity="0.8">${xmlEscape(n.node.detail)}</text>`);
    } else out.push(`<text y="4" font-size="12" font-weight="bold" text-anchor="middle" fill="${text}">${xmlEscape(n.node.label)}</text>`);
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
