/**
 * @cdktf/provider-aws (392 MB) is an optional peer dependency: loaded only when a stack is
 * rendered by the aws target, and when it is missing the error names the stacks and the
 * command that installs it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { AWS_PACKAGE, AWS_PACKAGE_RANGE, awsPackageInstalled, requireAwsPackage } from '../../lib/synth/aws/package';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

test('package.json: an optional peer (and a development dependency of xos, for its bindings), never a dependency', () => {
  expect(pkg.dependencies[AWS_PACKAGE]).toBeUndefined();
  expect(pkg.peerDependencies[AWS_PACKAGE]).toBe(AWS_PACKAGE_RANGE);
  expect(pkg.peerDependenciesMeta[AWS_PACKAGE]).toEqual({ optional: true });
  expect(pkg.devDependencies[AWS_PACKAGE]).toBe(AWS_PACKAGE_RANGE);
});

test('missing, it is a usage error naming the stacks that need it and how to install it', () => {
  const missing = () => {
    throw Object.assign(new Error('not found'), { code: 'MODULE_NOT_FOUND' });
  };
  expect(awsPackageInstalled(missing)).toBe(false);
  expect(() => requireAwsPackage(['ec2-us-east-1', 's3'], missing)).toThrow(
    'stacks ec2-us-east-1, s3 (ec2 or s3 Controllers) are rendered by the aws target, which needs the package @cdktf/provider-aws (an optional peer dependency of xos, not installed here). Install it in the project: npm install --save-dev @cdktf/provider-aws@^21.22.1; or synthesize with the local target (--target local) to make every stack terraform_data.',
  );
  expect(() => requireAwsPackage(['ec2'])).not.toThrow();
});

test.each([
  ['an OpenStack cloud, auto target', 'examples/central-office', 'auto', false],
  ['a cloud with ec2 and s3, local target', 'examples/opencloud', 'local', false],
  ['a cloud with ec2 and s3, auto target', 'examples/opencloud', 'auto', true],
])('%s loads it: %s', (_what, program, target, loads) => {
  const script = `
    process.chdir(${JSON.stringify(ROOT)});
    const { loadAndCompile } = require('./dist/lib/cli/pipeline.js');
    const { renderInMemory } = require('./dist/lib/synth/rendered.js');
    const { compiled } = loadAndCompile(${JSON.stringify(program)}, { transpileOnly: true });
    renderInMemory(compiled.layout, ${JSON.stringify(target)});
    console.log(Object.keys(require.cache).some((f) => f.includes('/@cdktf/provider-aws/')));`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect({ code: r.status, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  expect(r.stdout.trim()).toBe(String(loads));
});
