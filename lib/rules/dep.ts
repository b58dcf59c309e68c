import type { ModelIndex } from '../model/index';
import type { DeploymentModel, FlavorModel, NetworkModel, SecretRef, SliverModel } from '../model/types';
import type { Finding, Rule, RuleContext } from './rule';
import { listNames, nameOf, undeclared } from './util';

/** The Deployments a Slice has Slivers on, each with those Slivers. */
export function sliceDeployments(index: ModelIndex, sliceKey: string): Map<string, SliverModel[]> {
  // Several rules ask for every Slice's; each index answers once per Slice.
  let memo = sliceDeploymentsMemo.get(index);
  if (!memo) sliceDeploymentsMemo.set(index, (memo = new Map()));
  const known = memo.get(sliceKey);
  if (known) return known;
  const out = new Map<string, SliverModel[]>();
  memo.set(sliceKey, out);
  for (const v of index.sliversBySlice.get(sliceKey) ?? []) {
    if (!v.deployment || !index.has(v.deployment, 'Deployment')) continue;
    const l = out.get(v.deployment) ?? [];
    l.push(v);
    out.set(v.deployment, l);
  }
  return out;
}

const sliceDeploymentsMemo = new WeakMap<ModelIndex, Map<string, Map<string, SliverModel[]>>>();

/**
 * True when `list` holds `x`: a Deployment's lists of Sites and catalog entries are asked once
 * per Slice or Network, so each list is turned into a set once.
 */
function holds(list: readonly string[], x: string): boolean {
  if (list.length < 16) return list.includes(x);
  let set = listSets.get(list);
  if (!set) listSets.set(list, (set = new Set(list)));
  return set.has(x);
}
const listSets = new WeakMap<readonly string[], Set<string>>();

/** The Deployments a Network spans: those hosting Slivers of the Slices attached to it. */
export function networkDeployments(index: ModelIndex, n: NetworkModel): Set<string> {
  const out = new Set<string>();
  for (const s of [n.owner, ...n.joined]) for (const d of sliceDeployments(index, s).keys()) out.add(d);
  return out;
}

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function* checkSecrets(path: string, what: string, creds: Readonly<Record<string, SecretRef>>): Iterable<Finding> {
  for (const [k, v] of Object.entries(creds)) {
    if (v.secret === 'literal')
      yield { path, key: k, message: `${what} '${k}' is a literal value. Pass a reference instead: Secret.env('NAME') or Secret.tfVar('name'); the value is never written anywhere.` };
    else if (!SECRET_NAME.test(v.name))
      yield { path, key: k, message: `${what} '${k}' refers to ${v.secret === 'env' ? 'environment variable' : 'Terraform variable'} '${v.name}', which is not a valid name (letters, digits, _; not starting with a digit).` };
  }
}

export const depRules: Rule[] = [
  {
    id: 'DEP-001',
    severity: 'error',
    title: 'A Node is bound to exactly one declared Site and one declared Deployment.',
    why: 'The Site hosts and operates the Node; the Deployment sets the policies applied to it. Both are needed to place anything on it.',
    fix: "Declare the Node at a Site with a `deployment`: `site.addNode('n1', { deployment })`.",
    origin: 'guide, Infrastructure',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      for (const n of model.nodes) {
        if (!index.has(n.site, 'Site')) yield { path: n.key, key: 'site', message: `Node ${n.name} is not at a declared Site.` };
        if (!n.deployment) yield { path: n.key, key: 'deployment', message: `Node ${n.name} is bound to no Deployment. Give it { deployment }.` };
        else if (!index.has(n.deployment, 'Deployment'))
          yield { path: n.key, key: 'deployment', message: `Node ${n.name} is bound to Deployment ${undeclared(n.deployment)}, which is not declared in this model.` };
      }
    },
  },
  {
    id: 'DEP-002',
    severity: 'error',
    title: "A Node's Site is among the Sites its Deployment allows to host Nodes.",
    why: 'Deployment admins decide which Sites may contribute Nodes to their Deployment.',
    fix: 'Allow the Site to host Nodes (`deployment.allowHosting(site)`), or bind the Node to another Deployment.',
    origin: 'guide, Infrastructure ("decides what Sites are allowed to host Nodes")',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      for (const n of model.nodes) {
        const d = index.get<DeploymentModel>(n.deployment);
        if (!d || d.kind !== 'Deployment' || !n.site) continue;
        if (!holds(d.hostSites, n.site))
          yield { path: n.key, message: `Node ${n.name} is at Site ${nameOf(index, n.site)}, which Deployment ${d.name} does not allow to host Nodes (allowed: ${listNames(d.hostSites.map((s) => nameOf(index, s))) || 'none'}). Call deployment.allowHosting(site) or bind the Node to another Deployment.` };
      }
    },
  },
  {
    id: 'DEP-003',
    severity: 'error',
    title: "A Sliver or Network placed on a Deployment's resources belongs to a Slice whose Site the Deployment allows to acquire resources.",
    why: 'Deployment admins decide which Sites may instantiate Slivers and Networks on their resources.',
    fix: "Allow the Slice's Site to acquire resources (`deployment.allowAcquire(site)`), or place the Slivers elsewhere.",
    origin: 'guide, Infrastructure ("decides what Sites are allowed to instantiate Slivers and Networks")',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      for (const s of model.slices) {
        if (!s.site) continue;
        for (const [dk, slivers] of sliceDeployments(index, s.key)) {
          const d = index.get<DeploymentModel>(dk)!;
          if (!holds(d.acquireSites, s.site))
            yield { path: s.key, message: `Slice ${s.name} has Slivers on Deployment ${d.name} (${listNames(slivers.map((v) => v.name))}), but its Site ${nameOf(index, s.site)} may not acquire resources there. Call deployment.allowAcquire(site), or place the Slivers on another Deployment.` };
        }
      }
      for (const n of model.networks) {
        const owner = index.get(n.owner);
        if (!owner || owner.kind !== 'Slice' || !owner.site) continue;
        for (const dk of networkDeployments(index, n)) {
          const d = index.get<DeploymentModel>(dk)!;
          if (!holds(d.acquireSites, owner.site))
            yield { path: n.key, message: `Network ${n.name} spans Deployment ${d.name}, but its owner Slice's Site ${nameOf(index, owner.site)} may not acquire resources there. Call deployment.allowAcquire(site).` };
        }
      }
    },
  },
  {
    id: 'DEP-004',
    severity: 'error',
    title: "The Slice's Image is supported by every Deployment on which the Slice has Slivers.",
    why: 'A back-end can only boot images its Deployment supports.',
    fix: "Add the Image to the Deployment's images, or pick an Image every Deployment supports.",
    origin: 'guide, Policies and Configurations',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      for (const s of model.slices) {
        if (!s.image) {
          yield { path: s.key, message: `Slice ${s.name} has no Image. Give it { image }.` };
          continue;
        }
        if (!index.has(s.image, 'Image')) {
          yield { path: s.key, message: `Slice ${s.name}'s Image ${undeclared(s.image)} is not declared in this model.` };
          continue;
        }
        for (const dk of sliceDeployments(index, s.key).keys()) {
          const d = index.get<DeploymentModel>(dk)!;
          if (!holds(d.images, s.image))
            yield { path: s.key, message: `Slice ${s.name}: image ${nameOf(index, s.image)} is not supported by deployment '${d.name}' (supported: ${listNames(d.images.map((i) => index.get(i)?.name ?? i)) || 'none'}). Add it to the deployment's images or pick one of those.` };
        }
      }
    },
  },
  {
    id: 'DEP-005',
    severity: 'error',
    title: "A Slice's Flavor is offered by every Deployment it uses, and the Deployment's per-Slice limits (for example cores, instances) are not exceeded.",
    why: 'Flavors and per-Slice limits are how a Deployment shares its resources among Slices.',
    fix: "Offer the Flavor on the Deployment, pick another, or reduce the Slice's Slivers on that Deployment.",
    origin: 'guide, Policies and Configurations ("limits on the number of cores that can be allocated to a given Slice")',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      for (const s of model.slices) {
        if (!s.flavor) {
          yield { path: s.key, message: `Slice ${s.name} has no Flavor. Give it { flavor }.` };
          continue;
        }
        const f = index.get<FlavorModel>(s.flavor);
        if (!f || f.kind !== 'Flavor') {
          yield { path: s.key, message: `Slice ${s.name}'s Flavor ${undeclared(s.flavor)} is not declared in this model.` };
          continue;
        }
        for (const [dk, slivers] of sliceDeployments(index, s.key)) {
          const d = index.get<DeploymentModel>(dk)!;
          if (!holds(d.flavors, s.flavor))
            yield { path: s.key, key: `flavor:${d.key}`, message: `Slice ${s.name}: flavor '${f.name}' is not offered by deployment '${d.name}' (offered: ${listNames(d.flavors.map((x) => index.get(x)?.name ?? x)) || 'none'}). Add it to the deployment's flavors or pick one of those.` };
          const lim = d.limits;
          const n = slivers.length;
          if (lim.instances !== undefined && n > lim.instances)
            yield { path: s.key, key: `instances:${d.key}`, message: `Slice ${s.name} has ${n} Slivers on deployment '${d.name}', over its limit of ${lim.instances} instances per Slice. Remove ${n - lim.instances} or raise the limit.` };
          if (lim.cores !== undefined && n * f.cores > lim.cores)
            yield { path: s.key, key: `cores:${d.key}`, message: `Slice ${s.name} uses ${n * f.cores} cores on deployment '${d.name}' (${n} x ${f.cores}), over its limit of ${lim.cores} cores per Slice. Use a smaller flavor or fewer Slivers, or raise the limit.` };
          if (lim.ramMb !== undefined && n * f.ramMb > lim.ramMb)
            yield { path: s.key, key: `ramMb:${d.key}`, message: `Slice ${s.name} uses ${n * f.ramMb} MB of memory on deployment '${d.name}', over its limit of ${lim.ramMb} MB per Slice.` };
        }
      }
    },
  },
  {
    id: 'DEP-006',
    severity: 'error',
    title: "A Network's NetworkTemplate is supported by every Deployment the Network spans.",
    why: 'A NetworkTemplate implies a network virtualization layer; a back-end can only build networks its Deployment supports.',
    fix: "Add the NetworkTemplate to the Deployment's networkTemplates, or pick one it supports.",
    origin: 'guide, Policies and Configurations',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      for (const n of model.networks) {
        if (!n.template) {
          yield { path: n.key, message: `Network ${n.name} has no NetworkTemplate${n.derivedFrom ? ` (it was derived from tenancy ${n.derivedFrom}, and no private NetworkTemplate is declared; pass { template } to tenantOf())` : '. Give it { template }'}.` };
          continue;
        }
        if (!index.has(n.template, 'NetworkTemplate')) {
          yield { path: n.key, message: `Network ${n.name}'s NetworkTemplate ${undeclared(n.template)} is not declared in this model.` };
          continue;
        }
        for (const dk of networkDeployments(index, n)) {
          const d = index.get<DeploymentModel>(dk)!;
          if (!holds(d.networkTemplates, n.template))
            yield { path: n.key, message: `Network ${n.name}: template ${nameOf(index, n.template)} is not supported by deployment '${d.name}' (supported: ${listNames(d.networkTemplates.map((x) => index.get(x)?.name ?? x)) || 'none'}). Add it to the deployment's networkTemplates or pick one of those.` };
        }
      }
    },
  },
  {
    id: 'DEP-007',
    severity: 'error',
    title: 'Every (Deployment, Site) pair that receives Slivers or Networks is bound to a Controller (the back-end head node that will create them).',
    why: 'Without a Controller nothing can create the Slivers: they would be declared and never exist.',
    fix: "Bind the Site to a Controller of that Deployment: `deployment.addController('head', { backend, sites: [site] })`, or `controller.addSite(site)`.",
    origin: 'guide, Infrastructure ("binding the Sites in the Deployment to one or more Controllers")',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      const missing = new Map<string, { slice: string; d: string; site: string; slivers: string[] }>();
      for (const v of model.slivers) {
        if (!index.has(v.deployment, 'Deployment') || !index.has(v.site, 'Site')) continue;
        if (index.controllerFor(v.deployment, v.site)) continue;
        const id = `${v.slice}\u0000${v.deployment}\u0000${v.site}`;
        const e = missing.get(id) ?? { slice: v.slice, d: v.deployment!, site: v.site!, slivers: [] };
        e.slivers.push(v.name);
        missing.set(id, e);
      }
      for (const e of missing.values())
        yield { path: e.slice, message: `Slivers ${listNames(e.slivers)} go to deployment ${nameOf(index, e.d)} at site ${nameOf(index, e.site)}, but no Controller binds that pair. Add the Site to one of the Deployment's Controllers (controller.addSite(site)) or add a Controller for it.` };
    },
  },
  {
    id: 'DEP-008',
    severity: 'error',
    title: 'Controller credentials are never literal secrets in the program: they are references (environment, Terraform variable, secret store) and reach the synthesized output only as sensitive variables.',
    why: 'A literal credential ends up in the repository, in synthesized JSON, in plans and in logs.',
    fix: "Use `Secret.env('OS_PASSWORD')` or `Secret.tfVar('os_password')` for every credential.",
    origin: 'guide, Policies and Configurations (Controller "credentials needed to invoke it"); operator judgement',
    *check({ model }: RuleContext): Iterable<Finding> {
      for (const c of model.controllers) yield* checkSecrets(c.key, `Controller ${c.name}: credential`, c.credentials);
      for (const s of model.services) yield* checkSecrets(s.key, `Service ${s.name}: tenancy credential`, s.credentials);
    },
  },
];
