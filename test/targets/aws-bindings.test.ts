/**
 * The plain AWS bindings generated from @cdktf/provider-aws (scripts/gen-aws.ts): fresh, and
 * writing every argument, nested blocks included, exactly as the package's construct classes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, DefaultTokenResolver, StringConcat, TerraformStack, Tokenization, type IResolvable } from 'cdktf';
import { AWS_TYPES, readType, staleFiles, type Argument, type AwsType } from '../../scripts/gen-aws';
import * as bindings from '../../lib/synth/aws/generated';
import type { ElementType } from '../../lib/synth/element';

/** A value that resolves to a text naming where it was put, so that a swapped argument shows. */
function probe(where: string): IResolvable {
  return { creationStack: [], resolve: () => `probe:${where}` };
}

/** Arguments (or a nested block's members) with every member set: probes, and nested blocks of probes. */
function sample(t: AwsType, args: readonly Argument[], where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of args) {
    if (a.mapping.kind === 'value') out[a.key] = probe(`${where}.${a.tf}`);
    else {
      const inner = sample(t, t.blocks.get(a.mapping.fn)!, `${where}.${a.tf}`);
      out[a.key] = a.mapping.list ? [inner] : inner;
    }
  }
  return out;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

describe('generated AWS bindings', () => {
  test('the committed bindings are exactly what the generator makes from the installed package', () => {
    expect(staleFiles()).toEqual([]);
  });

  test('every type writes every argument, nested blocks included, as the package construct does', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'xos-aws-')), stackTraces: false });
    const stack = new TerraformStack(app, 's');
    const checks: [AwsType, Record<string, unknown>][] = [];
    for (const [module, cls] of AWS_TYPES) {
      const t = readType(module, cls);
      expect(t.args.length).toBeGreaterThan(0);
      const args = sample(t, t.args, t.type);
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const C = require(`@cdktf/provider-aws/lib/${module}`)[cls] as new (s: TerraformStack, id: string, c: object) => { overrideLogicalId(id: string): void };
      new C(stack, `${t.mode}-${t.type}`, args).overrideLogicalId('x');
      const plain = (bindings as unknown as Record<string, ElementType<object, string>>)[lowerFirst(cls)];
      expect([plain.type, plain.mode]).toEqual([t.type, t.mode]);
      checks.push([t, Tokenization.resolve(plain.toTerraform(args, 'aws.p'), { scope: stack, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) })]);
    }
    const tf = stack.toTerraform();
    for (const [t, plain] of checks) {
      const { ['//']: _meta, ...fromClass } = tf[t.mode][t.type].x;
      expect({ type: t.type, json: plain }).toEqual({ type: t.type, json: { ...fromClass, provider: 'aws.p' } });
      expect(JSON.stringify(plain)).toContain(`probe:${t.type}.`);
    }
  });

  test('references read attributes of resources and data sources by expression', () => {
    expect(bindings.instance.ref('vm', 'arn')).toBe('${aws_instance.vm.arn}');
    expect(bindings.dataAwsAmi.ref('img', 'id')).toBe('${data.aws_ami.img.id}');
    expect(bindings.routeTable.toTerraform({ vpcId: '${aws_vpc.v.id}', route: [{ cidrBlock: '0.0.0.0/0', gatewayId: 'g' }] })).toEqual({
      vpc_id: '${aws_vpc.v.id}',
      route: [expect.objectContaining({ cidr_block: '0.0.0.0/0', gateway_id: 'g', nat_gateway_id: null })],
    });
  });
});
