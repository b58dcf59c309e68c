/**
 * Generate plain (construct-free) bindings for the AWS resource and data source types the aws
 * target writes, from the installed @cdktf/provider-aws, offline:
 *
 *   npx ts-node scripts/gen-aws.ts          write lib/synth/aws/generated/
 *   npx ts-node scripts/gen-aws.ts --check  exit 1 when the committed code is stale
 *
 * Each type gets `...Args` (the package's own typed config, less the meta-arguments) and a pure
 * converter to Terraform JSON under the provider's argument names, which come from the
 * package's generated code: its constructor (config key -> field), `synthesizeAttributes`
 * (field -> argument name, and which arguments are nested blocks) and its nested blocks'
 * `...ToTerraform` functions. Nothing is typed by hand; a shape the script does not know
 * stops it with the line it could not read.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The types the aws target writes: module under @cdktf/provider-aws/lib, and its class. */
export const AWS_TYPES: readonly (readonly [module: string, cls: string])[] = [
  ['data-aws-ami', 'DataAwsAmi'],
  ['data-aws-availability-zones', 'DataAwsAvailabilityZones'],
  ['data-aws-iam-policy-document', 'DataAwsIamPolicyDocument'],
  ['ebs-volume', 'EbsVolume'],
  ['eip', 'Eip'],
  ['iam-access-key', 'IamAccessKey'],
  ['iam-instance-profile', 'IamInstanceProfile'],
  ['iam-role', 'IamRole'],
  ['iam-role-policy', 'IamRolePolicy'],
  ['iam-user', 'IamUser'],
  ['iam-user-policy', 'IamUserPolicy'],
  ['instance', 'Instance'],
  ['internet-gateway', 'InternetGateway'],
  ['key-pair', 'KeyPair'],
  ['nat-gateway', 'NatGateway'],
  ['network-interface', 'NetworkInterface'],
  ['network-interface-attachment', 'NetworkInterfaceAttachmentA'],
  ['network-interface-sg-attachment', 'NetworkInterfaceSgAttachment'],
  ['route-table', 'RouteTable'],
  ['route-table-association', 'RouteTableAssociation'],
  ['s3-bucket', 'S3Bucket'],
  ['s3-bucket-public-access-block', 'S3BucketPublicAccessBlock'],
  ['s3-object', 'S3Object'],
  ['security-group', 'SecurityGroup'],
  ['subnet', 'Subnet'],
  ['volume-attachment', 'VolumeAttachment'],
  ['vpc', 'Vpc'],
  ['vpc-ipv4-cidr-block-association', 'VpcIpv4CidrBlockAssociation'],
  ['vpc-security-group-egress-rule', 'VpcSecurityGroupEgressRule'],
  ['vpc-security-group-ingress-rule', 'VpcSecurityGroupIngressRule'],
];

export const PACKAGE_DIR = path.dirname(require.resolve('@cdktf/provider-aws/package.json'));
export const OUT_DIR = path.resolve(__dirname, '..', 'lib', 'synth', 'aws', 'generated');

/** Meta-arguments: the target sets `provider` itself; the others it does not use. */
const META = new Set(['provider', 'dependsOn', 'count', 'lifecycle', 'provisioners', 'connection', 'forEach']);

/** How one argument is written: as it is (cdktf's scalar, list and map mappers leave plain values so), or as nested blocks. */
export type Mapping = { readonly kind: 'value' } | { readonly kind: 'block'; readonly fn: string; readonly list: boolean };

export interface Argument {
  /** The config key (camelCase, as the package's Config interface names it). */
  readonly key: string;
  /** The provider's argument name. */
  readonly tf: string;
  readonly mapping: Mapping;
  /** Written as null when unset (members of attributes written as blocks, such as a route). */
  readonly nullWhenUnset?: boolean;
}

export interface AwsType {
  readonly module: string;
  readonly cls: string;
  readonly type: string;
  readonly mode: 'resource' | 'data';
  readonly args: readonly Argument[];
  /** Attributes a reference may read. */
  readonly attributes: readonly string[];
  /** Nested blocks' converters, by the package's function name: argument name, struct key, mapping. */
  readonly blocks: ReadonlyMap<string, readonly Argument[]>;
}

function fail(where: string, what: string): never {
  throw new Error(`gen-aws: ${where}: ${what}. The package's generated code has a shape this script does not read; extend scripts/gen-aws.ts.`);
}

/** The text of a method or function of the package's code, from its first line to its closing brace. */
function body(src: string, start: RegExp, where: string): string {
  const m = start.exec(src);
  if (!m) fail(where, `no ${start}`);
  const indent = /^( *)/.exec(src.slice(src.lastIndexOf('\n', m.index) + 1))![1];
  const end = src.indexOf(`\n${indent}}`, m.index);
  if (end < 0) fail(where, `no end of ${start}`);
  return src.slice(m.index, end);
}

/** `MAPPER(VALUE)` in `synthesizeAttributes` or a nested `...ToTerraform`. */
function mapping(expr: string, where: string): Mapping {
  if (/^cdktf\.(stringToTerraform|numberToTerraform|booleanToTerraform|anyToTerraform)\(/.test(expr)) return { kind: 'value' };
  if (/^cdktf\.(listMapper|hashMapper)\(cdktf\.(stringToTerraform|numberToTerraform|booleanToTerraform|anyToTerraform)(, false)?\)\(/.test(expr)) return { kind: 'value' };
  if (/^cdktf\.listMapper\(cdktf\.hashMapper\(cdktf\.stringToTerraform\), false\)\(/.test(expr)) return { kind: 'value' };
  let m = /^cdktf\.listMapper\((\w+ToTerraform), (?:true|false)\)\(/.exec(expr);
  if (m) return { kind: 'block', fn: m[1], list: true };
  m = /^(\w+ToTerraform)\(/.exec(expr);
  if (m && !m[1].startsWith('cdktf')) return { kind: 'block', fn: m[1], list: false };
  fail(where, `unknown mapper in '${expr}'`);
}

/** The `name: MAPPER(VALUE),` lines of a returned object literal. */
function members(text: string, where: string): { tf: string; expr: string }[] {
  const ret = text.indexOf('return {');
  if (ret < 0) fail(where, 'no returned object');
  const lines = text.slice(ret + 'return {'.length).split('\n').map((l) => l.trim()).filter((l) => l && l !== '};');
  return lines.map((l) => {
    const m = /^"?([a-z0-9_]+)"?: (.+),$/.exec(l);
    if (!m) fail(where, `cannot read '${l}'`);
    return { tf: m[1], expr: m[2] };
  });
}

/** Read one class of the package. */
export function readType(module: string, cls: string): AwsType {
  const file = path.join(PACKAGE_DIR, 'lib', module, 'index.js');
  const src = fs.readFileSync(file, 'utf8');
  const where = `${module}/${cls}`;
  const classText = body(src, new RegExp(`^class ${cls} extends cdktf\\.(TerraformResource|TerraformDataSource) \\{`, 'm'), where);
  const mode = classText.includes('extends cdktf.TerraformDataSource') ? 'data' : 'resource';
  const typeMatch = new RegExp(`^${cls}\\.tfResourceType = "([a-z0-9_]+)";`, 'm').exec(src);
  if (!typeMatch) fail(where, 'no tfResourceType');
  // config key -> field
  const ctor = body(classText, /^ {4}constructor\(scope, id, config/m, where);
  const fieldOf = new Map<string, string>();
  for (const m of ctor.matchAll(/this\._(\w+)(\.internalValue)? = config\.(\w+);/g)) fieldOf.set(m[1], m[3]);
  // field -> argument name and mapping
  const synth = body(classText, /^ {4}synthesizeAttributes\(\) \{/m, where);
  const args: Argument[] = [];
  for (const { tf, expr } of members(synth, `${where} synthesizeAttributes`)) {
    const f = /\(this\._(\w+)(\.internalValue)?\)$/.exec(expr);
    if (!f) fail(where, `cannot read the value of '${tf}: ${expr}'`);
    const key = fieldOf.get(f[1]);
    if (!key) fail(where, `field _${f[1]} of '${tf}' is not set from the config`);
    if (META.has(key)) continue;
    args.push({ key, tf, mapping: mapping(expr, `${where} ${tf}`) });
  }
  const set = new Set(args.map((a) => a.key));
  for (const key of fieldOf.values()) if (!set.has(key) && !META.has(key)) fail(where, `config key '${key}' is not written by synthesizeAttributes`);
  // Nested blocks, depth first.
  const blocks = new Map<string, Argument[]>();
  const readBlock = (fn: string): void => {
    if (blocks.has(fn)) return;
    const text = body(src, new RegExp(`^function ${fn}\\(struct\\) \\{`, 'm'), `${where} ${fn}`);
    const inner: Argument[] = [];
    blocks.set(fn, inner);
    for (const member of members(text, `${where} ${fn}`)) {
      const { tf } = member;
      const orNull = /^struct\.(\w+) === undefined \? null : (.+)$/.exec(member.expr);
      const expr = orNull ? orNull[2] : member.expr;
      const v = /\(struct\.(\w+)\)$/.exec(expr);
      if (!v || (orNull && orNull[1] !== v[1])) fail(`${where} ${fn}`, `cannot read the value of '${tf}: ${member.expr}'`);
      const m = mapping(expr, `${where} ${fn} ${tf}`);
      inner.push({ key: v[1], tf, mapping: m, ...(orNull ? { nullWhenUnset: true } : {}) });
      if (m.kind === 'block') readBlock(m.fn);
    }
  };
  for (const a of args) if (a.mapping.kind === 'block') readBlock(a.mapping.fn);
  // Attributes: every getter reading one, and the nested blocks.
  const attributes = new Set<string>();
  for (const m of classText.matchAll(/return this\.(?:get\w*Attribute|interpolationForAttribute)\('([a-z0-9_]+)'\)/g)) attributes.add(m[1]);
  for (const m of classText.matchAll(/new \w+\(this, "([a-z0-9_]+)"/g)) attributes.add(m[1]);
  if (!attributes.has('id')) fail(where, "no 'id' attribute");
  return { module, cls, type: typeMatch[1], mode, args, attributes: [...attributes].sort(), blocks };
}

const HEADER = '// Generated by scripts/gen-aws.ts from @cdktf/provider-aws. Do not edit.\n';

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** The statements that copy arguments into `o`, in the order of their argument names. */
function copies(args: readonly Argument[], from: string, extra: { tf: string; line: string }[] = []): string {
  const lines = [
    ...args.map((a) => {
      const v = `${from}.${a.key}`;
      const value =
        a.mapping.kind === 'value' ? v : a.mapping.list ? `Array.isArray(${v}) ? ${v}.map(${a.mapping.fn}) : ${v}` : `${a.mapping.fn}(${v})`;
      const to = `o.${/^[a-z_][a-z0-9_]*$/.test(a.tf) ? a.tf : JSON.stringify(a.tf)}`;
      return { tf: a.tf, line: a.nullWhenUnset ? `  ${to} = ${v} === undefined ? null : ${value};` : `  if (${v} !== undefined) ${to} = ${value};` };
    }),
    ...extra,
  ];
  return lines
    .sort((a, b) => (a.tf < b.tf ? -1 : a.tf > b.tf ? 1 : 0))
    .map((l) => l.line)
    .join('\n');
}

/** The TypeScript source of one type's plain binding. */
export function generateType(t: AwsType): string {
  const args = `${t.cls}Args`;
  const parts: string[] = [
    HEADER,
    `import type { TerraformMetaArguments } from 'cdktf';\nimport type { ${t.cls}Config } from '@cdktf/provider-aws/lib/${t.module}';\nimport type { ElementType, Expression } from '../../element';\n`,
  ];
  for (const [fn, inner] of t.blocks) {
    parts.push(
      `/** The Terraform JSON of one nested block: the package's ${fn}, for plain values. */\n` +
        `function ${fn}(s: Record<string, any>): Record<string, unknown> {\n  const o: Record<string, unknown> = {};\n${copies(inner, 's')}\n  return o;\n}\n`,
    );
  }
  parts.push(`/** Arguments of \`${t.mode === 'data' ? 'data.' : ''}${t.type}\`: the package's config, less the meta-arguments. */\nexport type ${args} = Omit<${t.cls}Config, keyof TerraformMetaArguments>;\n`);
  parts.push(`/** The attributes of \`${t.mode === 'data' ? 'data.' : ''}${t.type}\` that a reference may read. */\nexport type ${t.cls}Attribute = ${t.attributes.map((a) => `'${a}'`).join(' | ')};\n`);
  parts.push(
    `/** \`${t.mode === 'data' ? 'data.' : ''}${t.type}\` without constructs: its typed arguments to Terraform JSON, and references to it. */\n` +
      `export const ${lowerFirst(t.cls)}: ElementType<${args}, ${t.cls}Attribute> = {\n` +
      `  type: '${t.type}',\n  mode: '${t.mode}',\n` +
      `  toTerraform(a: ${args}, provider?: string): Record<string, unknown> {\n    const o: Record<string, unknown> = {};\n` +
      copies(t.args, 'a', [{ tf: 'provider', line: '  if (provider !== undefined) o.provider = provider;' }])
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n') +
      `\n    return o;\n  },\n` +
      `  ref: (name: string, attribute: ${t.cls}Attribute): Expression => \`\\\${${t.mode === 'data' ? 'data.' : ''}${t.type}.\${name}.\${attribute}}\`,\n};\n`,
  );
  return parts.join('\n');
}

/** Every generated file, by name. */
export function generateAll(): Map<string, string> {
  const files = new Map<string, string>();
  const version = (JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string }).version;
  const index = [HEADER, `/** The @cdktf/provider-aws version these bindings were generated from. */\nexport const PROVIDER_AWS_VERSION = '${version}';\n`];
  for (const [module, cls] of AWS_TYPES) {
    const t = readType(module, cls);
    if (t.args.some((a) => a.tf === 'provider')) fail(`${module}/${cls}`, "an argument named 'provider' would be hidden by the meta-argument");
    files.set(`${module}.ts`, generateType(t));
    index.push(`export * from './${module}';`);
  }
  files.set('index.ts', index.join('\n') + '\n');
  return files;
}

/** Files under `dir` that differ from what the generator makes (missing, stale, extra). */
export function staleFiles(dir: string = OUT_DIR): string[] {
  const want = generateAll();
  const stale: string[] = [];
  for (const [f, text] of want) {
    const p = path.join(dir, f);
    if (!fs.existsSync(p) || fs.readFileSync(p, 'utf8') !== text) stale.push(f);
  }
  if (fs.existsSync(dir)) for (const f of fs.readdirSync(dir)) if (!want.has(f)) stale.push(f);
  return stale.sort();
}

if (require.main === module) {
  if (process.argv.includes('--check')) {
    const stale = staleFiles();
    if (stale.length) {
      process.stderr.write(`stale generated AWS bindings: ${stale.join(', ')}. Run: npx ts-node scripts/gen-aws.ts\n`);
      process.exit(1);
    }
    process.stdout.write('generated AWS bindings are fresh\n');
  } else {
    const files = generateAll();
    fs.rmSync(OUT_DIR, { recursive: true, force: true });
    fs.mkdirSync(OUT_DIR, { recursive: true });
    for (const [f, text] of files) fs.writeFileSync(path.join(OUT_DIR, f), text);
    process.stdout.write(`wrote ${files.size} files to ${path.relative(process.cwd(), OUT_DIR)}\n`);
  }
}
