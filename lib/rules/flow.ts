/**
 * The rules about what the targets write (xos's invariants, "FLOW"): FLOW-001 and FLOW-002 are
 * proven by `xos verify` (and by every `xos synth`) on the synthesized Terraform JSON; the
 * rest are checked at validate time on the model and its layout, with the same functions
 * the targets use (routing.ts, vpc-plan.ts, backend-names.ts, the credential tables), so that
 * synthesis never fails on a model that validated (TGT-001).
 */
import { overlaps, parseCidr, type Cidr } from '../model/cidr';
import type { ModelIndex } from '../model/index';
import type { ControllerModel, NetworkModel, ServiceModel, SliverModel, XosModel } from '../model/types';
import { ec2KeyPairName, iamUserName, openstackSiteProject, openstackSliceProject } from '../synth/backend-names';
import { flavorSizes, volumeSizeGb } from '../synth/common';
import type { LayoutResource, StackLayout } from '../synth/layout';
import { endpointNetwork, isPrivateConnect } from '../synth/layout-net';
import { stackName } from '../synth/names';
import { routingDomains } from '../synth/routing';
import { TARGET_OF_BACKEND, targetOf, type TargetName } from '../synth/target-choice';
import type { Finding, Rule, RuleContext } from './rule';
import { listNames } from './util';

/** The stack (back-end) each Sliver runs on, by Sliver key; Slivers no Controller serves are left out (DEP-007). */
export function stacksOfSlivers(model: XosModel, index: ModelIndex): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of model.slivers) {
    const c = index.controllerFor(v.deployment, v.site);
    if (c) out.set(v.key, stackName(c.stack));
  }
  return out;
}

/** The Slivers of a Service, grouped by stack. */
function sliversByStack(svc: ServiceModel, index: ModelIndex, stackOf: ReadonlyMap<string, string>): Map<string, SliverModel[]> {
  const out = new Map<string, SliverModel[]>();
  for (const s of svc.slices)
    for (const v of index.sliversBySlice.get(s) ?? []) {
      const st = stackOf.get(v.key);
      if (st === undefined) continue;
      const l = out.get(st);
      if (l) l.push(v);
      else out.set(st, [v]);
    }
  return out;
}

/** The target each stack renders with under `auto` (what a real deployment gets); undefined when it has none. */
function targets(layout: { readonly stacks: readonly StackLayout[] }): Map<string, TargetName | undefined> {
  return new Map(layout.stacks.map((s) => [s.name, TARGET_OF_BACKEND[s.backend]]));
}

const VERIFY_FIX = 'This is the compiler\'s job: a violation on a model that validated is a bug in xos (report it with the output of `xos verify --json`). On synthesized output edited by hand, undo the edit.';

export const flowVerifyRules: Rule[] = [
  {
    id: 'FLOW-001',
    severity: 'error',
    title:
      "Every intended flow is admitted: the Slivers of a Slice reach each other on each of the Slice's Networks within one back-end (a Network that spans back-ends is one network per back-end, and nothing joins those copies unless a declaration asks); for every tenancy, every Sliver of the tenant Service reaches the provider Service on each of its declared ports, over the path its `connect` mode names (shared network, logical gateway, public address); a public endpoint is reachable from the Internet on the provider's ports. The message names the tenancy (or Slice), the two Slivers, the port, and the resource where the packet stops.",
    why: 'A connect the program declares that does not carry packets is a service that does not work, found only after `terraform apply`.',
    fix: VERIFY_FIX,
    origin: 'xos\'s invariants, FLOW; paper 3.2 (data-plane composition), guide "Virtualization" (Networks connect the Slice\'s Slivers)',
    checkedBy: 'verify',
  },
  {
    id: 'FLOW-002',
    severity: 'error',
    title:
      'Nothing else is admitted (least privilege, the paper\'s argument for private connects): no flow from the Internet or from another Slice that no declaration asks for. The message names the flow and the chain of resources (network, router, rule) that admits it.',
    why: 'Every extra flow is an attack path the tenancy graph, the operator\'s security policy, never allowed.',
    fix: VERIFY_FIX,
    origin: 'paper 3.2 ("violates the principle of least privilege"), 4.2 (the tenancy graph is a security policy statement)',
    checkedBy: 'verify',
  },
];

export const flowRules: Rule[] = [
  {
    id: 'FLOW-003',
    severity: 'error',
    title:
      'A private tenancy whose two Services have Slivers on different back-ends (stacks) has a path that exists between them, or is refused at validate time with the fix: every back-end that runs tenant Slivers of a private tenancy runs provider Slivers too.',
    why:
      "A private connect is built from the two Services' virtual networks on one back-end (a shared network, or a gateway between two); independent back-ends share no network (the paper's edge sites each run their own OpenStack), so tenant Slivers on a back-end without the provider would reach nothing.",
    fix: "Run a provider Sliver on each back-end that runs the tenant's (slice.addSliver(id, { deployment })), or connect the Services `public`.",
    origin: 'paper 3.2 and 3.4; xos\'s invariants, FLOW-001 ("a Network that spans back-ends is one network per back-end")',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      const stackOf = stacksOfSlivers(model, index);
      for (const t of model.tenants) {
        if (!isPrivateConnect(t.connect)) continue;
        const tenant = index.get<ServiceModel>(t.tenant);
        const provider = index.get<ServiceModel>(t.provider);
        if (tenant?.kind !== 'Service' || provider?.kind !== 'Service') continue;
        const tStacks = sliversByStack(tenant, index, stackOf);
        const pStacks = sliversByStack(provider, index, stackOf);
        if (!pStacks.size) continue; // a provider with no Slivers at all: nothing to connect (and nothing to fix here)
        const alone = [...tStacks].filter(([stack]) => !pStacks.has(stack)).sort((a, b) => (a[0] < b[0] ? -1 : 1));
        if (!alone.length) continue;
        const where = alone.map(([stack, slivers]) => `${stack} (${slivers.length === 1 ? slivers[0].key : `${slivers.length} Slivers: ${listNames(slivers.map((v) => v.key), 3)}`})`);
        yield {
          path: t.key,
          message: `${t.connect} tenancy of ${tenant.name} on ${provider.name}: back-end${alone.length > 1 ? 's' : ''} ${listNames(where, 4)} run${alone.length > 1 ? '' : 's'} ${tenant.name} but no Sliver of ${provider.name} (it runs on ${listNames([...pStacks.keys()].sort(), 4)}), and back-ends share no private network. Run a ${provider.name} Sliver on ${alone.length > 1 ? 'each of those back-ends' : `${alone[0][0]}'s Deployment`}, or connect them 'public'.`,
        };
      }
    },
  },
  {
    id: 'FLOW-004',
    severity: 'error',
    title: "A tenancy whose provider runs in Slices reaches it on the provider's declared ports: a provider with Slices declares at least one port.",
    why: 'A connect opens only the provider\'s ports (TEN-007); a provider with none would get security groups that admit nothing, and the tenancy would carry no packet, without a word.',
    fix: "Declare the ports the provider serves its tenants on: new Service(cloud, id, { slices, ports: [443, { port: 53, protocol: 'udp' }] }).",
    origin: 'operator judgement (paper 3.2: composition means the instances "must be able to communicate")',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      for (const t of model.tenants) {
        if (t.connect !== 'public' && !isPrivateConnect(t.connect)) continue;
        const provider = index.get<ServiceModel>(t.provider);
        if (provider?.kind !== 'Service' || !provider.slices.length || provider.ports.length) continue;
        yield { path: t.key, message: `the provider ${provider.name} runs in Slices but declares no ports, so this ${t.connect} tenancy would open nothing. Declare its ports (ports: [443]).` };
      }
    },
  },
];

/** NET-006: blocks one router joins (a tenancy's gateway, a route out shared with it, an EC2 VPC) do not overlap. */
export const net006: Rule = {
  id: 'NET-006',
  severity: 'error',
  title: "Address blocks that a router or a tenancy's gateway joins do not overlap (on OpenStack a router joins the Networks of its routing domain; on EC2 the VPC's router joins every Network of the back-end).",
  why: 'A router cannot route to two subnets that hold the same addresses: packets for the overlap go to one of them, or the back-end refuses the interface or the subnet.',
  fix: "Give one of the Networks another block (for a derived network, give the tenancy a cidr that overlaps nothing it is joined to).",
  origin: 'xos\'s invariants, NET-006; operator judgement',
  *check({ index, layout }: RuleContext): Iterable<Finding> {
    const targetOfStack = targets(layout);
    const reported = new Set<string>();
    for (const stack of layout.stacks) {
      const target = targetOfStack.get(stack.name);
      if (!target) continue;
      const byName = new Map(stack.resources.map((r) => [r.name, r]));
      for (const d of routingDomains(stack, target)) {
        const nets = d.networks.map((n) => byName.get(n)!).map((r) => ({ r, c: parseCidr(String(r.attrs.cidr)) })).filter((x): x is { r: LayoutResource; c: Cidr } => typeof x.c !== 'string');
        for (let i = 0; i < nets.length; i++)
          for (let j = i + 1; j < nets.length; j++) {
            const [a, b] = [nets[i], nets[j]];
            if (!overlaps(a.c, b.c)) continue;
            const na = index.get<NetworkModel>(a.r.model);
            const nb = index.get<NetworkModel>(b.r.model);
            if (!na || !nb) continue;
            // Both on one Sliver: NET-002's to report.
            if ((index.networksOfSlice.get(na.owner) ?? []).includes(nb) && (index.sliversBySlice.get(na.owner) ?? []).length) continue;
            const id = `${na.key}\u0000${nb.key}`;
            if (reported.has(id)) continue;
            reported.add(id);
            const by =
              target === 'aws'
                ? `the VPC of EC2 back-end ${stack.name}`
                : d.gateways.length
                  ? `the router of back-end ${stack.name} that ${d.gateways.map((g) => `tenancy ${byName.get(g)?.model}`).join(', ')} make${d.gateways.length === 1 ? 's' : ''}`
                  : `one router of back-end ${stack.name}`;
            const later = nb.derivedFrom ? nb : na.derivedFrom ? na : nb;
            const other = later === nb ? na : nb;
            yield {
              path: later.derivedFrom ?? later.key,
              message: `Network ${later.key} (${later.cidr}) overlaps Network ${other.key} (${other.cidr}), and ${by} joins them. Give one of them a block that overlaps neither${later.derivedFrom ? ` (this tenancy derives ${later.key}: give it a cidr)` : ''}.`,
            };
          }
      }
    }
  },
};

/** SLC-005: names a back-end keeps unique are unique there. */
export const slc005: Rule = {
  id: 'SLC-005',
  severity: 'error',
  title:
    'The names the targets derive for one back-end (projects from Site login bases and Slices, users, key pairs, IAM users) are unique in that back-end. OpenStack Controllers with the same URL are one back-end.',
  why: 'Two objects given one name in a back-end that keeps names unique: the second create fails, or, worse, Terraform adopts or overwrites the first one.',
  fix: "Give one of them another name: a Site's loginBase, a Slice's or User's name.",
  origin: 'xos\'s invariants, SLC-005; the back-ends\' naming rules (Keystone, EC2, IAM)',
  *check({ model, layout }: RuleContext): Iterable<Finding> {
    const targetOfStack = targets(layout);
    const controllers = new Map(model.controllers.map((c) => [c.key, c]));
    // Names by back-end: OpenStack Controllers sharing a URL share Keystone.
    const seen = new Map<string, { key: string; stack: string }>();
    const findings: Finding[] = [];
    const claim = (backend: string, what: string, name: string, key: string, stack: string, fix: string) => {
      const id = `${backend}\u0000${what}\u0000${name}`;
      const first = seen.get(id);
      if (!first) {
        seen.set(id, { key, stack });
        return;
      }
      if (first.key === key) return; // the same object, in two stacks of one back-end: one object
      findings.push({ path: key, message: `${what} '${name}' of ${key} is also the ${what} of ${first.key}${first.stack !== stack ? ` (stack ${first.stack})` : ''} in back-end ${backend}, which keeps such names unique. ${fix}` });
    };
    for (const stack of layout.stacks) {
      const target = targetOfStack.get(stack.name);
      const c = controllers.get(stack.controller);
      if (!c || !target || target === 'local') continue;
      const of = (kind: string) => stack.resources.filter((r) => r.kind === kind);
      if (target === 'openstack') {
        const backend = c.url ? `openstack ${c.url}` : `openstack ${stack.name}`;
        const sites = new Map<string, string>();
        for (const s of of('site')) {
          const name = openstackSiteProject(s.attrs);
          sites.set(s.name, name);
          claim(backend, 'project', name, s.model, stack.name, "Give one of the Sites another loginBase.");
        }
        for (const s of of('slice')) {
          const base = s.refs.site ? sites.get(s.refs.site) ?? '' : '';
          claim(backend, 'project', openstackSliceProject(base, String(s.attrs.name)), s.model, stack.name, 'Rename the Slice, or its Site\'s loginBase.');
        }
        for (const u of of('user')) claim(backend, 'user', String(u.attrs.name), u.model, stack.name, 'Give one of the Users another name.');
      } else if (c.backend === 'ec2') {
        const backend = `ec2 ${stack.name}${c.region ? ` (${c.region})` : ''}`;
        for (const u of of('user')) ((u.attrs.public_keys as string[] | undefined) ?? []).forEach((_, i) => claim(backend, 'key pair', ec2KeyPairName(String(u.attrs.name), i), u.model, stack.name, 'Give one of the Users another name.'));
      } else if (c.backend === 's3') {
        const backend = `s3 ${stack.name}`;
        for (const svc of of('service')) {
          if (!svc.refs.controller) continue;
          for (const t of model.tenants)
            if (t.provider === svc.model && t.tenant) claim(backend, 'IAM user', iamUserName(String(svc.attrs.name), t.tenant), t.key, stack.name, 'Rename one of the tenant Services (the name is cut at 64 characters).');
        }
      }
    }
    yield* findings;
  },
};

/** TGT-001: whatever a target would refuse at synthesis, found at validate time. */
export const tgt001: Rule = {
  id: 'TGT-001',
  severity: 'error',
  title:
    "Whatever a target would refuse at synthesis (a public connect whose provider Slivers have no Network, a credential key the provider does not take, a Flavor a back-end cannot fit, a block EC2 cannot hold, ...) is found by `xos validate` with an id, the object's path and the program's file:line. Synthesis never fails on a model that validated. Checked for the targets a real deployment gets (each Controller's back-end).",
  why: 'A refusal at synthesis comes late, without an id and without the line of the program; an operator fixes the program, not the output.',
  fix: 'Do what the message says on the object it names.',
  origin: 'xos\'s invariants, TGT-001',
  *check({ model, index, layout }: RuleContext): Iterable<Finding> {
    yield* unplaceable(model, index);
    const targetOfStack = targets(layout);
    const controllers = new Map(model.controllers.map((c) => [c.key, c]));
    const flavorsDone = new Set<string>();
    const additionsDone = new Set<string>();
    for (const stack of layout.stacks) {
      const c = controllers.get(stack.controller);
      if (!c) continue;
      const target = targetOfStack.get(stack.name);
      if (!target) {
        try {
          targetOf(stack, 'auto'); // throws the message that names the Controller, the kind and the way out
        } catch (e) {
          yield { path: c.key, message: (e as Error).message };
        }
        continue;
      }
      if (target === 'local') continue;
      const of = (kind: string) => stack.resources.filter((r) => r.kind === kind);
      yield* credentials(c, target, of('sliver'));
      if (target === 'aws' && c.backend === 's3') {
        const slivers = of('sliver');
        if (slivers.length)
          yield { path: c.key, message: `Controller ${c.name} is an s3 back-end, which cannot run Slivers (${listNames(slivers.map((v) => v.model))}). Bind those Slices' Sites to an openstack or ec2 Controller instead.` };
        continue;
      }
      for (const f of of('flavor')) {
        const deployment = stack.resources.find((r) => r.name === f.refs.deployment);
        if (target === 'openstack' && deployment?.attrs.existing_catalog === true) continue;
        const id = `${target}\u0000${f.model}`;
        if (flavorsDone.has(id)) continue;
        flavorsDone.add(id);
        try {
          const sizes = flavorSizes(f, target === 'aws' ? 'EC2' : 'OpenStack');
          // eslint-disable-next-line @typescript-eslint/no-var-requires
          if (target === 'aws') (require('../synth/aws/instance-types') as typeof import('../synth/aws/instance-types')).instanceTypeFor({ model: f.model, name: String(f.attrs.name), ...sizes });
        } catch (e) {
          yield { path: f.model, message: (e as Error).message };
        }
      }
      const volumes = new Map<string, number>();
      for (const a of of('addition')) {
        let size: number | undefined;
        try {
          size = a.attrs.type === 'volume' ? volumeSizeGb(a) : undefined;
        } catch (e) {
          if (!additionsDone.has(a.model)) yield { path: String(a.attrs.provider), message: (e as Error).message };
          additionsDone.add(a.model);
          continue;
        }
        if (size === undefined || target !== 'aws') continue;
        const n = (volumes.get(String(a.attrs.sliver)) ?? 0) + 1;
        volumes.set(String(a.attrs.sliver), n);
        if (n === 12) yield { path: String(a.attrs.provider), message: `Sliver ${a.attrs.sliver} gets more than 11 volumes from its providers' hooks (addition ${a.model}); EC2 names them /dev/sdf to /dev/sdp. Add fewer volumes.` };
      }
      if (target === 'aws') {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const { planVpc } = require('../synth/aws/vpc-plan') as typeof import('../synth/aws/vpc-plan');
        for (const p of planVpc(of('network').map((n) => ({ model: n.model, cidr: String(n.attrs.cidr) }))).problems) {
          const n = index.get<NetworkModel>(p.model);
          yield { path: n?.derivedFrom ?? p.model, message: p.message };
        }
      }
      if (target === 'openstack') {
        // One Neutron router either translates its Networks' addresses or routes them as they are.
        const byName = new Map(stack.resources.map((r) => [r.name, r]));
        for (const d of routingDomains(stack, target)) {
          const kinds = new Set(d.routes.values());
          if (kinds.size < 2) continue;
          const [pub] = [...d.routes].filter(([, t]) => t === 'none').map(([n]) => byName.get(n)!.model);
          const [nat] = [...d.routes].filter(([, t]) => t === 'nat').map(([n]) => byName.get(n)!.model);
          yield {
            path: pub,
            message: `in back-end ${stack.name}, one router would join public Network ${pub} (routed as it is) and Network ${nat} (translated), and a Neutron router does one or the other. Keep the tenancy's gateway off the public Network (interconnect through private Networks), or make both public or both private.`,
          };
        }
      }
    }
  },
};

/** Public connects that have no interface to work over: refused by every target. */
function* unplaceable(model: XosModel, index: ModelIndex): Iterable<Finding> {
  for (const t of model.tenants) {
    if (t.connect !== 'public') continue;
    for (const [role, ref] of [['provider', t.provider], ['tenant', t.tenant]] as const) {
      const svc = index.get<ServiceModel>(ref);
      if (svc?.kind !== 'Service') continue;
      const bare = svc.slices.filter((s) => (index.sliversBySlice.get(s) ?? []).length && !endpointNetwork(index, s));
      if (!bare.length) continue;
      yield {
        path: t.key,
        message:
          role === 'provider'
            ? `${svc.name} is reached publicly, but the Slivers of ${listNames(bare)} have no Network to carry a public address. Add a Network to ${bare.length > 1 ? 'those Slices' : 'that Slice'} (slice.addNetwork('public', { cidr, template })), or connect the tenants privately.`
            : `${svc.name} reaches its provider over the Internet, but the Slivers of ${listNames(bare)} have no Network to send from. Add a Network to ${bare.length > 1 ? 'those Slices' : 'that Slice'} (slice.addNetwork('lan', { cidr, template })), or connect privately.`,
      };
    }
  }
}

/** Credentials a target does not take (the provider would refuse them). */
function* credentials(c: ControllerModel, target: TargetName, slivers: readonly LayoutResource[]): Iterable<Finding> {
  const keys = Object.keys(c.credentials)
    .filter((k) => c.credentials[k].secret !== 'literal')
    .sort();
  if (target === 'openstack') {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { providerArgument, CREDENTIAL_ALIASES, PROJECT_BOUND_ARGUMENTS } = require('../synth/openstack/credentials') as typeof import('../synth/openstack/credentials');
    let bound = false;
    for (const k of keys) {
      const arg = providerArgument(k);
      if (!arg)
        yield { path: c.key, message: `credential '${k}' is not an argument of the OpenStack provider. Name it after one (user_name, password, tenant_name, application_credential_id, application_credential_secret, token, cloud, ...) or an alias (${Object.keys(CREDENTIAL_ALIASES).join(', ')}).` };
      else if (PROJECT_BOUND_ARGUMENTS.has(arg) && slivers.length && !bound) {
        bound = true;
        yield {
          path: c.key,
          message: `credential '${k}' is an application credential, which keystone binds to one project, but each Slice's instances are created in the Slice's own project (${listNames(slivers.map((v) => v.model))}). Give the Controller a user that may work in the projects it creates (username and password, or a token) instead.`,
        };
      }
    }
  } else if (target === 'aws') {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { AWS_CREDENTIALS } = require('../synth/aws/credentials') as typeof import('../synth/aws/credentials');
    for (const k of keys)
      if (!AWS_CREDENTIALS[k])
        yield { path: c.key, message: `credential '${k}' is not one the AWS provider takes. Use ${Object.keys(AWS_CREDENTIALS).join(', ')} (or give none: the provider then reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE from the environment).` };
  }
}

