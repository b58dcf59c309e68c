import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { Cloud, Controller, Service } from '../../lib/index';
import { compileCloud, type Compiled } from '../../lib/compile';
import { buildChainGraph, buildGraph, edgeText, layoutGraph, renderGraph, toDot, toMermaid, toSvg, type Graph } from '../../lib/graph/index';
import { isotonic } from '../../lib/graph/layout';
import { recipeFromText } from '../../lib/recipe/index';
import { baseCloud } from '../helpers/cloud';
import { ROOT } from '../helpers/examples';
import { tmpDir, xos } from '../helpers/tools';

const CO_RECIPE = path.join(ROOT, 'examples', 'central-office', 'recipe.yaml');
let co: Compiled;
beforeAll(() => {
  co = compileCloud(recipeFromText(fs.readFileSync(CO_RECIPE, 'utf8'), CO_RECIPE).cloud!);
});

describe('the graph', () => {
  test('has the Services as nodes and tenancy edges from tenant to provider labelled with the connect mode', () => {
    const g = buildGraph(co.index, 'services');
    expect(g.nodes.map((n) => `${n.kind} ${n.id}`)).toEqual(['users !users', 'service CDN', 'service subscriber', 'service vBNG', 'service vCPE', 'service vOLT']);
    expect(g.edges.map((e) => `${e.from} -${e.label}-> ${e.to}`).sort()).toEqual([
      '!users -undefined-> subscriber',
      'CDN -public-> vBNG',
      'subscriber -none-> vOLT',
      'vCPE -public-> vBNG',
      'vOLT -shared-private-> vCPE',
    ]);
    expect(g.nodes.find((n) => n.id === 'subscriber')?.detail).toBe('abstract: composed only');
  });

  test('counts on each tenancy edge the tenant instances held through it, and the Users who subscribe', () => {
    const g = buildGraph(co.index, 'services');
    expect(g.edges.map((e) => `${e.from} -> ${e.to}: ${edgeText(e)}`)).toEqual([
      '!users -> subscriber: 1,003 instances',
      'CDN -> vBNG: public, 1 instance',
      'subscriber -> vOLT: none, 1,003 instances',
      'vCPE -> vBNG: public, 1,003 instances',
      'vOLT -> vCPE: shared-private, 1,003 instances',
    ]);
    expect(g.nodes[0]).toMatchObject({ kind: 'users', label: 'subscribers', detail: '1,003 Users' });
  });

  test('draws a chain on request: from a User, or through one instance up to its root and down', () => {
    const byUser = buildChainGraph(co.index, 'alice') as Graph;
    expect(byUser.nodes.map((n) => `${n.kind} ${n.label}${n.detail ? ` [${n.detail}]` : ''}`)).toEqual([
      'users alice [User]',
      'instance subscriber sub-1042',
      'instance vBNG sub-1042 [routable_subnet 198.18.0.8/29]',
      'instance vCPE sub-1042 [bundle family, parental_control true]',
      'instance vOLT sub-1042 [c_tag 42, s_tag 100]',
    ]);
    expect(byUser.edges.map((e) => `${e.from} > ${e.to}`)).toEqual(['alice > subscriber/sub-1042', 'subscriber/sub-1042 > vOLT/sub-1042', 'vCPE/sub-1042 > vBNG/sub-1042', 'vOLT/sub-1042 > vCPE/sub-1042']);
    const through = buildChainGraph(co.index, 'vCPE/sub-1042') as Graph;
    expect(through.nodes.map((n) => n.id)).toEqual(byUser.nodes.map((n) => n.id));
    expect(buildChainGraph(co.index, 'nobody')).toBe("'nobody' is not a User, a Service or a tenant instance (<service>/<id>) of central-office. Give --chain one of those.");
    const r = xos(['graph', 'examples/central-office/recipe.yaml', '--chain', 'vBNG/cdn', '--format', 'dot']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('label="CDN\\nService"');
  });

  test('adds Slices and Networks at depth slices, and Deployments with their Sliver counts at depth all', () => {
    const slices = buildGraph(co.index, 'slices');
    expect(slices.nodes.filter((n) => n.kind === 'slice').map((n) => n.id)).toEqual(['co1/cdn', 'co1/vbng', 'co1/vcpe', 'co1/volt']);
    expect(slices.nodes.filter((n) => n.kind === 'network').map((n) => `${n.label} ${n.detail}`)).toEqual(['wan 192.0.2.0/24 public', 'access 10.20.0.0/24']);
    expect(slices.edges.filter((e) => e.kind === 'joins').map((e) => `${e.from}>${e.to}`)).toEqual(['co1/cdn>co1/vbng/wan', 'co1/vcpe>co1/vbng/wan', 'co1/vcpe>co1/volt/access']);
    expect(slices.nodes.some((n) => n.kind === 'deployment')).toBe(false);
    const all = buildGraph(co.index, 'all');
    expect(all.edges.filter((e) => e.kind === 'runs-on').map((e) => `${e.from} ${e.label}`)).toEqual(['co1/cdn 2 slivers', 'co1/vbng 2 slivers', 'co1/vcpe 3 slivers', 'co1/volt 2 slivers']);
  });

  test('draws a tenancy to an undeclared Service as a node of its own instead of dropping it', () => {
    const b = baseCloud('dangling');
    const other = new Cloud({ name: 'other' });
    const foreign = new Service(other, 'foreign', { controller: new Controller(other, 'ext', { backend: 's3' }) });
    const mine = new Service(b.cloud, 'mine', { slices: [b.slice] });
    mine.tenantOf(foreign, { connect: 'public' });
    const g = buildGraph(compileCloud(b.cloud).index);
    expect(g.nodes.map((n) => `${n.kind} ${n.label}`)).toContain('undeclared foreign (undeclared)');
    expect(g.edges).toHaveLength(1);
  });
});

describe('the layout', () => {
  const overlaps = (p: ReturnType<typeof layoutGraph>) => {
    const out: string[] = [];
    for (const a of p.nodes)
      for (const b of p.nodes)
        if (a !== b && a.node.id < b.node.id && Math.abs(a.x - b.x) * 2 < a.w + b.w && Math.abs(a.y - b.y) * 2 < a.h + b.h) out.push(`${a.node.id}/${b.node.id}`);
    return out;
  };

  test.each(['services', 'slices', 'all'] as const)('at depth %s puts tenants above providers, overlaps nothing, and keeps external Services apart on the right', (depth) => {
    const g = buildGraph(co.index, depth);
    const p = layoutGraph(g);
    const at = new Map(p.nodes.map((n) => [n.node.id, n]));
    for (const e of g.edges.filter((x) => x.kind === 'tenancy')) expect(at.get(e.from)!.y).toBeLessThan(at.get(e.to)!.y);
    expect(overlaps(p)).toEqual([]);
    const ext = p.nodes.filter((n) => n.node.group === 'external');
    const main = p.nodes.filter((n) => n.node.group === 'main');
    for (const x of ext) for (const m of main) expect(x.x - x.w / 2).toBeGreaterThan(m.x + m.w / 2);
    const box = p.externalBox!;
    for (const x of ext) expect(x.x - x.w / 2 >= box.x && x.x + x.w / 2 <= box.x + box.w).toBe(true);
    for (const n of p.nodes) expect(n.x + n.w / 2).toBeLessThanOrEqual(p.width);
  });

  test('puts every Deployment on the bottom row', () => {
    const p = layoutGraph(buildGraph(co.index, 'all'));
    const bottom = Math.max(...p.nodes.map((n) => n.y));
    expect(p.nodes.filter((n) => n.node.kind === 'deployment').every((n) => n.y === bottom)).toBe(true);
  });

  test('survives a tenancy cycle and a self-tenancy (rule violations, but still drawn)', () => {
    const g: Graph = {
      name: 'cycle',
      depth: 'services',
      nodes: ['a', 'b', 'c'].map((id) => ({ id, kind: 'service' as const, label: id, group: 'main' as const })),
      edges: [
        { from: 'a', to: 'b', kind: 'tenancy', label: 'public' },
        { from: 'b', to: 'c', kind: 'tenancy', label: 'public' },
        { from: 'c', to: 'a', kind: 'tenancy', label: 'public' },
        { from: 'b', to: 'b', kind: 'tenancy', label: 'public' },
      ],
    };
    const p = layoutGraph(g);
    expect(p.edges).toHaveLength(4);
    expect(p.edges.filter((e) => e.selfLoop)).toHaveLength(1);
    expect(overlaps(p)).toEqual([]);
    expect(toSvg(g)).toContain('data-from="c" data-to="a"');
  });

  test('is deterministic: the same model gives the same bytes', async () => {
    for (const f of ['mermaid', 'dot', 'svg', 'html'] as const) expect(await renderGraph(co.built.model, co.index, f, 'all')).toBe(await renderGraph(co.built.model, co.index, f, 'all'));
  });

  test('isotonic placement keeps every separation and moves nothing that already fits', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -500, max: 500 }), fc.integer({ min: 0, max: 80 })), { minLength: 1, maxLength: 12 }), (xs) => {
        const desired = xs.map((x) => x[0]);
        const seps = xs.map((x, i) => (i === 0 ? 0 : x[1]));
        const out = isotonic(desired, seps);
        for (let i = 1; i < out.length; i++) expect(out[i] - out[i - 1]).toBeGreaterThanOrEqual(seps[i] - 1e-9);
        const fits = desired.every((d, i) => i === 0 || d - desired[i - 1] >= seps[i]);
        if (fits) out.forEach((x, i) => expect(x).toBeCloseTo(desired[i], 9));
      }),
    );
  });
});

describe('the text formats', () => {
  /** A Service with Slices, tenant of an external one (a portal behind its controller) and of a private peer. */
  const withExternal = () => {
    const b = baseCloud('ext');
    const peer = b.site.addSlice('peer', { image: b.image, flavor: b.flavor });
    peer.grant(b.admin, 'admin');
    const web = new Service(b.cloud, 'web', { slices: [b.slice] });
    const db = new Service(b.cloud, 'db', { slices: [peer], ports: [5432] });
    const portal = new Service(b.cloud, 'portal', { controller: new Controller(b.cloud, 'portal-ctl', { backend: 'external' }) });
    web.tenantOf(portal, { connect: 'public' });
    web.tenantOf(db, { connect: 'shared-private' });
    return compileCloud(b.cloud);
  };

  test('mermaid groups external Services in a subgraph and labels tenancy edges', () => {
    const m = toMermaid(buildGraph(withExternal().index));
    expect(m.split('\n')[0]).toBe('flowchart TB');
    expect(m).toMatch(/subgraph external\["external services"\]\n {4}n0\("portal<br\/><small>external: portal-ctl<\/small>"\):::external\n {2}end/);
    expect(m).toContain('n2 -->|"shared-private"| n1');
    expect(toMermaid(buildGraph(co.index))).toContain('n5 -->|"shared-private, 1,003 instances"| n4');
  });

  test('dot puts external Services in their own cluster and escapes quotes', () => {
    const g = buildGraph(withExternal().index);
    const d = toDot({ ...g, name: 'say "hi"' });
    expect(d.startsWith('digraph "say \\"hi\\"" {')).toBe(true);
    expect(d).toMatch(/subgraph cluster_external \{[^}]*n0 \[label="portal\\nexternal: portal-ctl"/);
    expect((d.match(/ -> /g) ?? []).length).toBe(g.edges.length);
  });

  test('svg has one group per node with its model key, and escapes text', () => {
    const g = buildGraph(co.index, 'slices');
    const svg = toSvg({ ...g, name: 'a<b>&c' });
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const n of g.nodes) expect(svg).toContain(`data-key="${n.id}"`);
    expect(svg).toContain('a&lt;b&gt;&amp;c');
    expect(svg).not.toContain('a<b>');
  });
});

describe('xos graph', () => {
  test('writes the chosen format to --out and says so on standard error', async () => {
    const dir = tmpDir('xos-graph-');
    try {
      const out = path.join(dir, 'sub', 'co.svg');
      const r = xos(['graph', 'examples/central-office/recipe.yaml', '--format', 'svg', '--depth', 'all', '--out', out]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`wrote ${out}\n`);
      expect(fs.readFileSync(out, 'utf8')).toBe(await renderGraph(co.built.model, co.index, 'svg', 'all'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('refuses an unknown format, naming the ones it knows', () => {
    const r = xos(['graph', 'examples/central-office/recipe.yaml', '--format', 'png']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--format 'png' is not one of: mermaid, dot, svg, html/);
  });

  test("the README's picture of central-office is what xos graph draws today", () => {
    const r = xos(['graph', 'examples/central-office', '--format', 'svg', '--depth', 'slices', '--transpile-only']);
    expect(r.code).toBe(0);
    const committed = fs.readFileSync(path.join(ROOT, 'docs', 'central-office-graph.svg'), 'utf8');
    const regenerate = 'node dist/bin/xos.js graph examples/central-office --format svg --depth slices --out docs/central-office-graph.svg';
    if (committed !== r.stdout) throw new Error(`docs/central-office-graph.svg is stale: the example or the drawing changed. Regenerate it with: ${regenerate}`);
  });
});
