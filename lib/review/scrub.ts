/**
 * Masking secret values wherever a copy of them turns up. Terraform marks a value
 * sensitive where the configuration put it, but a provider may copy it into an attribute it
 * computes without the mark (the local target's `terraform_data.output` mirrors `input`,
 * secrets and all). So every value that is sensitive somewhere in the plans is collected
 * first, and then masked wherever else it appears.
 *
 * Linear: values are matched exactly through a set; copies embedded in longer strings are
 * looked for only while the secrets are few (a plan with thousands of distinct secrets
 * gets exact matching alone).
 */
import { setKey } from '../model/dict';
import { anyMarked, markPaths, SENSITIVE, type AttributeChange } from '../plan/diff';
import type { MarkTree, PathStep, PlanChange } from '../plan/types';

/** Up to this many distinct secrets, copies inside longer strings are masked too. */
const MAX_SUBSTRING_SECRETS = 64;
/** Shorter secrets are masked only where they stand whole (a short one would mask too much). */
const MIN_SUBSTRING_LENGTH = 6;

export class SecretScrubber {
  private readonly values = new Set<string>();

  /** Remember the sensitive values of a change (Terraform's marks plus the model's secret paths). */
  public collect(c: PlanChange, secretPaths: readonly (readonly PathStep[])[]): void {
    // Most changes mark nothing (`{}`): their values are not walked at all.
    const before = markPaths(c.beforeSensitive, secretPaths);
    if (anyMarked(before)) this.walk(c.before, before);
    const after = markPaths(c.afterSensitive, secretPaths);
    if (anyMarked(after)) this.walk(c.after, after);
  }

  public get size(): number {
    return this.values.size;
  }

  private walk(v: unknown, marks: MarkTree | undefined, under = false): void {
    const s = under || marks === true;
    if (typeof v === 'string') {
      if (s && v.length > 0) this.values.add(v);
      return;
    }
    if (!s && (marks === false || marks === undefined)) return;
    if (Array.isArray(v)) v.forEach((x, i) => this.walk(x, Array.isArray(marks) ? marks[i] : undefined, s));
    else if (v && typeof v === 'object') {
      const m = marks && typeof marks === 'object' && !Array.isArray(marks) ? (marks as Record<string, MarkTree>) : undefined;
      for (const [k, x] of Object.entries(v)) this.walk(x, m?.[k], s);
    }
  }

  /**
   * The value with every known secret masked; `hit` says whether anything was. Only the
   * objects and lists on the way to a masked string are copied: the rest is `v`'s own.
   */
  public scrubValue(v: unknown, hit: { found: boolean }): unknown {
    if (!this.values.size) return v;
    if (typeof v === 'string') {
      if (v === SENSITIVE) return v;
      if (this.values.has(v)) {
        hit.found = true;
        return SENSITIVE;
      }
      if (this.values.size <= MAX_SUBSTRING_SECRETS) {
        let out = v;
        for (const s of this.values) if (s.length >= MIN_SUBSTRING_LENGTH && out.includes(s)) out = out.split(s).join(SENSITIVE);
        if (out !== v) hit.found = true;
        return out;
      }
      return v;
    }
    if (Array.isArray(v)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const x = this.scrubValue(v[i], hit);
        if (out) out.push(x);
        else if (x !== v[i]) {
          out = v.slice(0, i);
          out.push(x);
        }
      }
      return out ?? v;
    }
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      let out: Record<string, unknown> | undefined;
      for (let i = 0; i < keys.length; i++) {
        const x = this.scrubValue(o[keys[i]], hit);
        if (out) setKey(out, keys[i], x);
        else if (x !== o[keys[i]]) {
          out = {};
          for (let j = 0; j < i; j++) setKey(out, keys[j], o[keys[j]]);
          setKey(out, keys[i], x);
        }
      }
      return out ?? v;
    }
    return v;
  }

  /** Attribute changes with every known secret masked (the same list when no secret is known). */
  public scrub(changes: readonly AttributeChange[]): readonly AttributeChange[] {
    if (!this.values.size) return changes;
    return changes.map((a) => {
      const hit = { found: false };
      const before = 'before' in a ? this.scrubValue(a.before, hit) : undefined;
      const after = 'after' in a ? this.scrubValue(a.after, hit) : undefined;
      if (!hit.found) return a;
      return { ...a, ...('before' in a ? { before } : {}), ...('after' in a ? { after } : {}), sensitive: true };
    });
  }
}
