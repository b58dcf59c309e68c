/** The graph as text for other tools: Mermaid (renders in GitHub markdown) and Graphviz DOT. */
import { edgeText, type EdgeKind, type Graph, type GraphNode, type NodeKind } from './graph';

/** Short stable ids (n0, n1, ...) in node order: model keys hold characters both formats dislike. */
function ids(g: Graph): Map<string, string> {
  return new Map(g.nodes.map((n, i) => [n.id, `n${i}`]));
}

function mermaidText(s: string): string {
  return s.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

const MERMAID_SHAPE: Record<NodeKind, [string, string]> = {
  service: ['(', ')'],
  external: ['(', ')'],
  slice: ['[', ']'],
  network: ['([', '])'],
  deployment: ['[(', ')]'],
  undeclared: ['{{', '}}'],
  users: ['([', '])'],
  instance: ['[', ']'],
};

const MERMAID_ARROW: Record<EdgeKind, string> = { tenancy: '-->', implements: '---', owns: '---', joins: '-.-', 'runs-on': '-.->', holds: '-->' };

function mermaidNode(n: GraphNode, id: string): string {
  const [open, close] = MERMAID_SHAPE[n.kind];
  const text = n.detail ? `${mermaidText(n.label)}<br/><small>${mermaidText(n.detail)}</small>` : mermaidText(n.label);
  return `${id}${open}"${text}"${close}:::${n.kind}`;
}

/** A Mermaid flowchart, tenants above their providers. */
export function toMermaid(g: Graph): string {
  const id = ids(g);
  const lines = ['flowchart TB'];
  const ext = g.nodes.filter((n) => n.group === 'external');
  if (ext.length) {
    lines.push('  subgraph external["external services"]');
    for (const n of ext) lines.push(`    ${mermaidNode(n, id.get(n.id)!)}`);
    lines.push('  end');
  }
  for (const n of g.nodes) if (n.group !== 'external') lines.push(`  ${mermaidNode(n, id.get(n.id)!)}`);
  for (const e of g.edges) {
    const arrow = MERMAID_ARROW[e.kind];
    const text = edgeText(e);
    const label = text ? `|"${mermaidText(text)}"|` : '';
    lines.push(`  ${id.get(e.from)} ${arrow}${label} ${id.get(e.to)}`);
  }
  lines.push(
    '  classDef service fill:#e8f0fe,stroke:#1a73e8,color:#0b2a5b',
    '  classDef external fill:#fef7e0,stroke:#b06000,stroke-dasharray:4 3,color:#4a2c00',
    '  classDef slice fill:#e6f4ea,stroke:#188038,color:#0d3b1c',
    '  classDef network fill:#f3e8fd,stroke:#8430ce,color:#3b0a63',
    '  classDef deployment fill:#f1f3f4,stroke:#5f6368,color:#202124',
    '  classDef undeclared fill:#fce8e6,stroke:#d93025,stroke-dasharray:2 2,color:#5c0f0a',
    '  classDef users fill:#fff,stroke:#1a73e8,color:#0b2a5b',
    '  classDef instance fill:#e8f0fe,stroke:#5f6368,color:#202124',
  );
  return lines.join('\n') + '\n';
}

export function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

const DOT_NODE: Record<NodeKind, string> = {
  service: 'shape=box, style="rounded,filled", fillcolor="#e8f0fe", color="#1a73e8"',
  external: 'shape=box, style="rounded,filled,dashed", fillcolor="#fef7e0", color="#b06000"',
  slice: 'shape=box, style="filled", fillcolor="#e6f4ea", color="#188038"',
  network: 'shape=ellipse, style="filled", fillcolor="#f3e8fd", color="#8430ce"',
  deployment: 'shape=cylinder, style="filled", fillcolor="#f1f3f4", color="#5f6368"',
  undeclared: 'shape=hexagon, style="filled,dashed", fillcolor="#fce8e6", color="#d93025"',
  users: 'shape=box, style="rounded", color="#1a73e8"',
  instance: 'shape=box, style="filled", fillcolor="#e8f0fe", color="#5f6368"',
};

const DOT_EDGE: Record<EdgeKind, string> = {
  tenancy: 'color="#1a73e8", penwidth=1.6',
  implements: 'arrowhead=none, color="#188038"',
  owns: 'arrowhead=none, color="#8430ce"',
  joins: 'arrowhead=none, style=dashed, color="#8430ce"',
  'runs-on': 'style=dotted, color="#5f6368"',
  holds: 'color="#5f6368"',
};

/** A Graphviz digraph, tenants above their providers, external Services in their own cluster. */
export function toDot(g: Graph): string {
  const id = ids(g);
  const lines = [`digraph ${dotString(g.name)} {`, '  rankdir=TB;', '  fontname="Helvetica"; node [fontname="Helvetica", fontsize=11]; edge [fontname="Helvetica", fontsize=10];'];
  const node = (n: GraphNode) => `${id.get(n.id)} [label=${dotString(n.detail ? `${n.label}\n${n.detail}` : n.label)}, tooltip=${dotString(n.id)}, ${DOT_NODE[n.kind]}];`;
  const ext = g.nodes.filter((n) => n.group === 'external');
  if (ext.length) {
    lines.push('  subgraph cluster_external {', '    label="external services"; style=dashed; color="#b06000";');
    for (const n of ext) lines.push(`    ${node(n)}`);
    lines.push('  }');
  }
  for (const n of g.nodes) if (n.group !== 'external') lines.push(`  ${node(n)}`);
  for (const e of g.edges) {
    const text = edgeText(e);
    lines.push(`  ${id.get(e.from)} -> ${id.get(e.to)} [${text ? `label=${dotString(text)}, ` : ''}${DOT_EDGE[e.kind]}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
