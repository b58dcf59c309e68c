/** A View as text: headed sections of aligned tables, like a cloud console's listings. */
import type { DeveloperService, OperatorSection, RoleLine, SliceLine, SubscriberSection, TenancyLine, ViewReport } from './report';

/** Align rows into columns; the first row is the header. */
export function table(rows: readonly (readonly string[])[], indent = '  '): string {
  if (!rows.length) return '';
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => indent + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n') + '\n';
}

function roleText(r: RoleLine): string {
  const where = r.target ? ` on ${r.target}` : '';
  return `${r.scope} ${r.role}${where}${r.implicit ? ' (implicit)' : ''}`;
}

function tenancyText(t: TenancyLine): string {
  return `${t.service} (${t.connect}${t.network ? ` via ${t.network}` : ''})`;
}

function counts(c: Readonly<Record<string, number>>): string {
  const parts = Object.entries(c).map(([k, n]) => `${n} ${k}${n === 1 || /^[a-z]/.test(k) ? '' : 's'}`);
  return parts.length ? parts.join(', ') : 'nothing';
}

function tenantText(slices: readonly SliceLine[]): string {
  let out = 'Slices and Slivers (tenant view)\n';
  for (const s of slices) {
    const flavor = s.flavor ? `${s.flavor.name} (${s.flavor.cores} vCPU, ${s.flavor.ramMb} MB, ${s.flavor.diskGb} GB)` : '(no flavor)';
    out += `\n  Slice ${s.key}${s.service ? `  service ${s.service}` : ''}  image ${s.image ?? '(none)'}  flavor ${flavor}\n`;
    out += `  your access: ${s.access.join(', ')}${s.writable ? '' : ' (read only)'}${s.description ? `; ${s.description}` : ''}\n`;
    if (!s.slivers.length) {
      out += '    (no Slivers)\n';
      continue;
    }
    const withStatus = s.slivers.some((v) => v.status !== undefined);
    const rows: string[][] = [['SLIVER', 'HOST', 'SITE', ...(withStatus ? ['STATUS'] : []), 'NETWORKS', 'LOGIN']];
    for (const v of s.slivers) {
      const host = v.node ?? `${v.deployment ?? '?'} (scheduled)`;
      const nets = v.interfaces.map((i) => `${i.name} ${i.network} ${i.cidr}${i.public ? ' public' : ''}`).join('; ') || '(none)';
      rows.push([v.name, host, v.site ?? '?', ...(withStatus ? [v.status ?? 'unknown'] : []), nets, v.login ? 'yes' : 'no']);
    }
    out += table(rows, '    ');
  }
  return out;
}

function developerText(services: readonly DeveloperService[]): string {
  let out = 'Services (developer view: placement, networks, tenancy)\n';
  for (const s of services) {
    out += `\n  Service ${s.name}${s.description ? `: ${s.description}` : ''}\n`;
    out += `    ports: ${s.ports.join(', ') || 'none'}${s.controller ? `; controller ${s.controller}` : ''}\n`;
    for (const sl of s.slices) {
      const where = sl.placement.map((p) => `${p.slivers} on ${p.where}`).join(', ') || 'no Slivers';
      out += `    slice ${sl.key}: ${where}\n`;
    }
    if (!s.slices.length) out += '    no Slices (an external Service, reached through its controller)\n';
    for (const n of s.networks) out += `    network ${n.name} ${n.cidr}${n.public ? ' public' : ''} (owner ${n.owner}${n.derivedFrom ? `, derived from ${n.derivedFrom}` : ''})\n`;
    out += `    tenant of: ${s.tenantOf.map(tenancyText).join(', ') || 'nothing'}\n`;
    out += `    tenants: ${s.tenants.map(tenancyText).join(', ') || 'none'}\n`;
    if (s.credentials.length) out += `    tenancy credentials (sensitive, names only): ${s.credentials.join(', ')}\n`;
    if (s.perTenantInstance) out += `    adds ${s.perTenantInstance} object${s.perTenantInstance === 1 ? '' : 's'} for its tenants' instances\n`;
    if (s.instances || s.pools.length) out += `    tenant instances: ${s.instances}${s.pools.length ? `; pools ${s.pools.join('; ')}` : ''}\n`;
  }
  return out;
}

/** `s_tag 100, c_tag 42 (allocated)`. */
function attributesText(attributes: Readonly<Record<string, unknown>>, allocated: readonly string[]): string {
  const parts = Object.entries(attributes).map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}${allocated.includes(k) ? ' (allocated)' : ''}`);
  return parts.join(', ') || '(none)';
}

function subscriberText(s: SubscriberSection): string {
  let out = 'Subscriptions (subscriber view: the chains of tenant instances you hold)\n';
  for (const chain of s.chains) {
    out += `\n  ${chain[0].id}: ${chain.map((l) => l.service).join(' -> ')}\n`;
    const withStatus = chain.some((l) => l.status !== undefined);
    out += table([['INSTANCE', 'SERVICE', ...(withStatus ? ['STATUS'] : []), 'HOLDS'], ...chain.map((l) => [l.key, l.service, ...(withStatus ? [l.status ?? 'unknown'] : []), attributesText(l.attributes, l.allocated)])], '    ');
  }
  return out;
}

function operatorText(o: OperatorSection): string {
  let out = `Services (operator view${o.scope === 'cloud' ? ', whole cloud' : `, Deployments ${o.scope.join(', ')}`})\n`;
  out += `  status: ${o.status}\n`;
  for (const d of o.deployments)
    out += `  deployment ${d.key}: controllers ${d.controllers.join(', ') || 'none'}; ${d.nodes.length} node${d.nodes.length === 1 ? '' : 's'}; sites ${d.sites.join(', ') || 'none'}\n`;
  const withStatus = o.services.some((s) => s.status);
  const rows: string[][] = [['SERVICE', 'KIND', ...(withStatus ? ['STATUS'] : []), 'SLICES', 'SLIVERS', 'INSTANCES', 'PROVIDERS', 'TENANTS']];
  for (const s of o.services) {
    rows.push([
      s.name,
      s.external ? `external${s.backend && s.backend !== 'external' ? ` (${s.backend})` : ''}` : s.slices ? 'sliced' : 'abstract',
      ...(withStatus ? [s.status ? `${s.status.status}${Object.keys(s.status.counts).length > 1 ? ` (${counts(s.status.counts)})` : ''}` : 'unknown'] : []),
      String(s.slices),
      String(s.slivers),
      String(s.instances),
      s.providers.map(tenancyText).join(', ') || '-',
      s.tenants.map(tenancyText).join(', ') || '-',
    ]);
  }
  out += '\n' + table(rows);
  const details = o.services.flatMap((s) => s.status?.details ?? []);
  if (details.length) out += '\n' + details.map((d) => `  ${d}\n`).join('');
  return out;
}

/** The whole View as text. */
export function renderView(v: ViewReport): string {
  let out = `${v.cloud}: the view of User ${v.user.name}${v.user.email ? ` <${v.user.email}>` : ''}, home Site ${v.user.site ?? '(none)'}\n\n`;
  out += 'Roles\n';
  out += table([['ROLE', 'MAY'], ...v.roles.map((r) => [roleText(r), r.can])]);
  out += `\n  reads ${counts(v.scope.read)}\n  writes ${counts(v.scope.write)}\n`;
  const sections: string[] = [];
  if (v.tenant) sections.push(tenantText(v.tenant.slices));
  if (v.subscriber) sections.push(subscriberText(v.subscriber));
  if (v.developer) sections.push(developerText(v.developer.services));
  if (v.operator) sections.push(operatorText(v.operator));
  if (!sections.length) sections.push('No Slices, Services, Deployments or subscriptions in this User\'s scope: they can list Sites, Deployments and Nodes, and read their home Site.\n');
  for (const s of sections) out += '\n' + s;
  out += '\nViews declared by the program\n';
  out += v.views.length ? table([['VIEW', 'TYPE', 'URL'], ...v.views.map((x) => [x.name, x.type, x.url])]) : '  none\n';
  return out;
}
