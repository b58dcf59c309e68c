/**
 * What `xos init` writes: a project of the user's own, as `cdktf init` makes one, after which
 * `npx xos validate`, `npx xos synth`, `npx cdktf synth`, `npx cdktf deploy` and `npm test`
 * work with no argument and no edit (offline: the project chooses the local target).
 */
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { usageError } from '../errors';

export const EXAMPLES = ['hello', 'central-office'] as const;
export type Example = (typeof EXAMPLES)[number];

/** The library's root (holding package.json and examples/), from dist/lib/init or lib/init. */
const PACKAGE_ROOT = path.resolve(__dirname, '..', '..', fs.existsSync(path.resolve(__dirname, '..', '..', 'package.json')) ? '.' : '..');

interface OwnPackage {
  readonly version: string;
  readonly dependencies: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

function ownPackage(): OwnPackage {
  return JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as OwnPackage;
}

/** The version of this xos. */
export function xosVersion(): string {
  return ownPackage().version;
}

/** The version range of a tool, as xos itself is built and tested with it. */
function rangeOf(pkg: OwnPackage, name: string, fallback: string): string {
  return pkg.devDependencies?.[name] ?? pkg.dependencies[name] ?? fallback;
}

/** An npm package name from a folder name: lower case, `-` for anything else. */
export function packageName(dir: string): string {
  const base = path
    .basename(path.resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[-]+$/g, '');
  return base || 'xos-cloud';
}

export interface ScaffoldOptions {
  readonly dir: string;
  readonly example: Example;
  /** The dependency on xos as package.json writes it (`^0.1.0`, `file:vendor/xos-0.1.0.tgz`, `github:...`). */
  readonly xosSpec: string;
}

/** What each example's program reads beside it (the package ships these: package.json "files"). */
const EXAMPLE_DATA: Record<Example, readonly string[]> = {
  hello: [],
  'central-office': ['subscribers.csv', 'xos.allocations.json'],
};

function testFile(example: Example): string {
  const specific =
    example === 'central-office'
      ? `
test('the public WAN is an acknowledged choice, not an oversight', () => {
  expect(app).toHaveViolation('NET-005', 'co1/vbng/wan');
  expect(app.violationsOf('NET-005')[0].acknowledged).toMatch(/routes this network to the Internet/);
});

test('vCPE is a tenant of vBNG', () => {
  expect(app.model.tenants.map((t) => \`\${t.tenant} -> \${t.provider}\`)).toContain('vCPE -> vBNG');
});
`
      : `
test('alice administers the hello Slice', () => {
  expect(app.model.privileges.map((p) => \`\${p.user} \${p.role} \${p.target ?? p.scope}\`)).toContain('alice admin princeton/hello');
});
`;
  return `/**
 * Tests of the cloud, in the style of cdktf's Testing: the program runs in this process, its
 * violations are data, and its stacks are synthesized in memory for the project's target.
 */
import * as path from 'path';
import { Testing } from 'xos/testing';

Testing.setupJest();

const app = Testing.load(path.join(__dirname, 'main.ts'));

test('the cloud breaks no rule', () => {
  expect(app).toHaveNoViolations();
});

test('every Sliver is synthesized into some stack, whatever the target', () => {
  const synth = app.synth();
  for (const sliver of app.model.slivers) expect(synth).toHaveObject(sliver.key, 'sliver');
});
${specific}`;
}

function readme(name: string, example: Example): string {
  const deployAll = example === 'hello' ? 'npx cdktf deploy' : "npx cdktf deploy '*'";
  return `# ${name}

An XOS cloud declared in TypeScript with [xos](https://www.npmjs.com/package/xos), made by
\`xos init --example ${example}\`.

\`\`\`sh
npx xos validate            # check every rule (npx xos validate --watch: again on every save)
npx xos synth               # write Terraform into cdktf.out, one stack per Controller
npx xos verify              # prove the network: the stacks admit exactly the flows the model intends
npx cdktf synth             # the same, through cdktf
${deployAll.padEnd(27)} # plan and apply with the terraform on your PATH
npx xos status              # what each stack's state holds, against the model
npx xos rehearse            # the auto target's stacks through terraform against a provider harness, offline
npm test                    # main.test.ts, with xos/testing
\`\`\`

The program is \`main.ts\` (cdktf.json runs it). The target is chosen once, in cdktf.json's
\`context\`: \`"xos:target": "local"\` renders every stack as \`terraform_data\`, which runs
offline; \`"auto"\` renders each stack for its Controller's back-end (OpenStack, AWS) and needs
their providers and credentials. Each target keeps its own state.

\`.github/workflows/plan-review.yml\` reviews every pull request's Terraform plans in the
model's words (\`xos review\`), with its scripts in \`.github/xos-review/\` (run from the base
branch, never the pull request's); give the program a remote backend first (see xos's README).
`;
}

/** The files of a new project, by path relative to its folder. */
export function scaffoldFiles(options: ScaffoldOptions): Map<string, string> {
  const pkg = ownPackage();
  const name = packageName(options.dir);
  const files = new Map<string, string>();
  const json = (o: unknown) => JSON.stringify(o, null, 2) + '\n';
  files.set(
    'package.json',
    json({
      name,
      version: '0.1.0',
      private: true,
      description: `An XOS cloud (xos init --example ${options.example})`,
      scripts: {
        validate: 'xos validate',
        synth: 'xos synth',
        verify: 'xos verify',
        test: 'jest',
      },
      dependencies: { xos: options.xosSpec },
      devDependencies: {
        '@types/jest': rangeOf(pkg, '@types/jest', '^29.5.14'),
        '@types/node': rangeOf(pkg, '@types/node', '^20.19.0'),
        'cdktf-cli': rangeOf(pkg, 'cdktf-cli', '0.21.0'),
        jest: rangeOf(pkg, 'jest', '^29.7.0'),
        'ts-jest': rangeOf(pkg, 'ts-jest', '^29.4.5'),
        'ts-node': rangeOf(pkg, 'ts-node', '^10.9.2'),
        typescript: rangeOf(pkg, 'typescript', '~5.9.3'),
      },
    }),
  );
  files.set(
    'tsconfig.json',
    json({
      compilerOptions: {
        target: 'ES2022',
        module: 'commonjs',
        moduleResolution: 'node',
        lib: ['ES2022'],
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
        resolveJsonModule: true,
        types: ['node', 'jest'],
      },
      include: ['**/*.ts'],
      exclude: ['node_modules', 'cdktf.out'],
    }),
  );
  files.set(
    'cdktf.json',
    json({
      language: 'typescript',
      // Type checked, unlike the examples' --transpile-only: `cdktf deploy` must not apply a program
      // with type errors; the fast edit -> check loop is `xos validate`, whose check is cached.
      app: 'npx ts-node main.ts',
      output: 'cdktf.out',
      projectId: randomUUID(),
      sendCrashReports: 'false',
      terraformProviders: [],
      terraformModules: [],
      context: { 'xos:target': 'local' },
    }),
  );
  files.set(
    'jest.config.js',
    `/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/cdktf.out/'],
  transform: { '^.+\\\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true, module: 'commonjs', esModuleInterop: true } }] },
  testTimeout: 60000,
};
`,
  );
  files.set('main.ts', fs.readFileSync(path.join(PACKAGE_ROOT, 'examples', options.example, 'main.ts'), 'utf8'));
  // The files the program reads beside it (central-office: subscribers.csv, and the pool values
  // allocated to them in xos.allocations.json, which a project commits).
  for (const f of EXAMPLE_DATA[options.example]) files.set(f, fs.readFileSync(path.join(PACKAGE_ROOT, 'examples', options.example, f), 'utf8'));
  files.set('main.test.ts', testFile(options.example));
  files.set('.gitignore', ['node_modules/', 'cdktf.out/', '*.tfstate', '*.tfstate.backup', '.terraform/', 'plan.bin', '*.tfplan', ''].join('\n'));
  files.set('.github/workflows/plan-review.yml', workflow());
  // Its scripts, which it runs from the base branch's checkout of this project.
  for (const f of fs.readdirSync(path.join(PACKAGE_ROOT, 'examples', 'github', 'scripts')).sort())
    files.set(`${WORKFLOW_SCRIPTS}/${f}`, fs.readFileSync(path.join(PACKAGE_ROOT, 'examples', 'github', 'scripts', f), 'utf8'));
  files.set('README.md', readme(name, options.example));
  return files;
}

/** Where a new project keeps the plan-review workflow's scripts (xos's own are in examples/github/scripts). */
const WORKFLOW_SCRIPTS = '.github/xos-review';

/** The plan-review workflow of xos's examples, reviewing this project's program with the scripts in WORKFLOW_SCRIPTS. */
function workflow(): string {
  let text = fs.readFileSync(path.join(PACKAGE_ROOT, 'examples', 'github', 'plan-review.yml'), 'utf8');
  const edits: [RegExp, string][] = [
    [/^(\s*PROGRAM:) .*$/m, '$1 .'],
    [/^(\s*SCRIPTS:) base\/examples\/github\/scripts$/m, `$1 base/${WORKFLOW_SCRIPTS}`],
    [/^(\s*sparse-checkout:) examples\/github\/scripts$/gm, `$1 ${WORKFLOW_SCRIPTS}`],
    // xos init has done the copying the example's header asks for.
    [/^# Copy this file to \.github\/workflows\/plan-review\.yml and examples\/github\/scripts\/ to the path\n# SCRIPTS names below, in a project that depends on xos\. /m, `# Written by xos init, with its scripts in ${WORKFLOW_SCRIPTS}/ (SCRIPTS below).\n# `],
  ];
  for (const [line, replacement] of edits) {
    if (!line.test(text)) throw new Error(`internal: examples/github/plan-review.yml has no line ${line} to point at the new project`);
    text = text.replace(line, replacement);
  }
  return text;
}

/** Refuse a folder that holds anything but a .git (a new project is written into an empty one). */
export function checkTargetFolder(dir: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') throw usageError(`${dir} is a file. Give a new or empty folder for the project.`);
    throw e;
  }
  const other = entries.filter((e) => e !== '.git');
  if (other.length)
    throw usageError(`${dir} is not empty (it holds ${other.slice(0, 3).join(', ')}${other.length > 3 ? ', ...' : ''}): xos init writes a new project into a new or empty folder. Give another folder: xos init my-cloud.`);
}

/** Write the files, whole or not at all: into a fresh folder beside `dir`, then renamed into place. */
export function writeScaffold(dir: string, files: ReadonlyMap<string, string>, extra: ReadonlyMap<string, string> = new Map()): void {
  const abs = path.resolve(dir);
  checkTargetFolder(abs);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(path.dirname(abs), `.${path.basename(abs)}.init-`));
  try {
    for (const [rel, text] of files) {
      fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
      fs.writeFileSync(path.join(tmp, rel), text);
    }
    // Files copied as they are (a tarball of xos under vendor/).
    for (const [rel, from] of extra) {
      fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
      fs.copyFileSync(from, path.join(tmp, rel));
    }
    if (fs.existsSync(abs)) {
      // An empty folder (or one holding only .git): move the files in.
      for (const e of fs.readdirSync(tmp)) fs.renameSync(path.join(tmp, e), path.join(abs, e));
      fs.rmSync(tmp, { recursive: true, force: true });
    } else {
      fs.renameSync(tmp, abs);
      // mkdtemp made it private: a project folder gets the usual permissions.
      fs.chmodSync(abs, 0o777 & ~process.umask());
    }
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
