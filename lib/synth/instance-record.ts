/**
 * The per-instance carrier of the real targets: one object per tenant instance in a store of
 * its provider Service (an OpenStack Swift container, an S3 bucket), which the provider's
 * Slivers read; and, when the instance is held by a Service, one in that Service's store.
 *
 * Why an object per instance, and not the Slivers' user data: a Central Office holds 10k to
 * 100k subscribers, and user data is limited (16 KB on AWS, 64 KB on OpenStack) and, worse,
 * replaces (OpenStack) or restarts (AWS) every VM when it changes: a new subscriber would
 * rebuild every vOLT. An object per instance makes one new subscriber one new object, and
 * nothing else in the plan. The Slivers' user data carries only where the store is and how to
 * read it (written once, when the Service first provides or holds an instance).
 *
 * The object is the instance's record as JSON; an attribute given as a Secret is a sensitive
 * Terraform expression (`${jsonencode(sensitive(var.x))}`), so its value appears in no file
 * xos writes and Terraform redacts the object's content in plans.
 */
import { escapeTemplate, isExpression } from './cloud-init';
import type { LayoutResource } from './layout';

function sorted(o: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}

/** The object name of a record in its store: `instances/<id>.json`, or `holds/<provider>/<id>.json`. */
export function recordObjectName(r: LayoutResource): string {
  const id = encodeURIComponent(String(r.attrs.id));
  return r.attrs.role === 'holds' ? `holds/${encodeURIComponent(String(r.attrs.provider))}/${id}.json` : `instances/${id}.json`;
}

/**
 * The record's JSON text as a Terraform string: literal text escaped, each secret attribute a
 * sensitive expression. `variable(name)` gives the expression (`${var.NAME}`) of a stack variable.
 */
export function recordContent(r: LayoutResource, variable: (name: string) => string): string {
  const secrets = r.secrets ?? {};
  const nonce = `xos-secret-${Math.random().toString(36).slice(2)}-`;
  const exprs: string[] = [];
  // Keys in order, whatever order the program wrote them in.
  const given = r.attrs.attributes as Record<string, unknown>;
  const attributes: Record<string, unknown> = {};
  for (const k of Object.keys(given).sort()) attributes[k] = given[k];
  for (const [path, v] of Object.entries(secrets)) {
    const k = path.replace(/^attributes\./, '');
    exprs.push(variable(v));
    attributes[k] = `${nonce}${exprs.length - 1}`;
  }
  const record: Record<string, unknown> = {};
  for (const k of Object.keys(r.attrs)) record[k] = k === 'attributes' ? attributes : k === 'subscriber_attributes' ? sorted(r.attrs[k] as Record<string, unknown>) : r.attrs[k];
  const text = escapeTemplate(JSON.stringify(record, null, 2) + '\n');
  if (!exprs.length) return text;
  return text.replace(new RegExp(`"${nonce}(\\d+)"`, 'g'), (_, i: string) => {
    const e = exprs[Number(i)];
    if (!isExpression(e)) throw new Error(`internal: '${e}' is not one Terraform expression`);
    return `\${jsonencode(sensitive(${e.slice(2, -1)}))}`;
  });
}
