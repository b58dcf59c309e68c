/**
 * A large raw state is read a piece at a time (lib/state/stream-v4.ts): the snapshot must be
 * the one reading the whole file gives, whatever the chunk size, and anything unusual must
 * leave the file to the whole-file path (undefined here), never read it otherwise.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isRawV4, readStateText } from '../../lib/state/read';
import { streamStateV4 } from '../../lib/state/stream-v4';
import { STATE_FIXTURES } from '../helpers/state-fixtures';

const FIX = path.resolve(__dirname, '..', 'fixtures');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xos-stream-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
function write(text: string): string {
  const f = path.join(dir, `s${n++}.tfstate`);
  fs.writeFileSync(f, text);
  return f;
}

/** Streamed with every file size counted as large, in chunks of `chunk` bytes. */
const stream = (file: string, chunk: number) => streamStateV4(file, isRawV4, {}, { from: 0, chunk });

/** A raw state of `count` terraform_data resources, indented as Terraform writes states. */
function generated(count: number, extra: Record<string, unknown> = {}): string {
  const resources = Array.from({ length: count }, (_, i) => ({
    mode: 'managed',
    type: 'terraform_data',
    name: `r${i}`,
    provider: 'provider["terraform.io/builtin/terraform"]',
    instances: [
      {
        schema_version: 0,
        attributes: { id: `id-${i}`, input: { value: { name: `n}\n    }${i}`, list: [i, { deep: '    }' }] }, type: ['object', {}] }, output: { value: null, type: 'dynamic' }, triggers_replace: null },
        sensitive_attributes: [],
        ...(i ? { dependencies: [`terraform_data.r${i - 1}`] } : {}),
      },
    ],
  }));
  return JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 3, lineage: 'l', outputs: { o: { value: 'v', type: 'string' } }, resources, check_results: null, ...extra }, null, 2) + '\n';
}

describe('reading a large raw state a piece at a time', () => {
  it.each([1, 7, 64, 4096, 1 << 20])('gives the snapshot the whole file gives, in chunks of %i bytes', (chunk) => {
    const text = generated(40);
    const f = write(text);
    const streamed = stream(f, chunk);
    expect(streamed).toBeDefined();
    expect(streamed).toEqual(readStateText(text, f));
    expect(streamed!.instances).toHaveLength(40);
  });

  it('reads a state with no resources', () => {
    const text = JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 1, lineage: 'x', outputs: {}, resources: [], check_results: null }, null, 2);
    const f = write(text);
    expect(stream(f, 16)).toEqual(readStateText(text, f));
  });

  it.each(STATE_FIXTURES)('reads %s as the whole-file reader does, or leaves it to that reader', (p) => {
    const text = fs.readFileSync(path.join(FIX, p), 'utf8');
    const f = write(text);
    for (const chunk of [3, 512, 1 << 16]) {
      const streamed = stream(f, chunk);
      if (streamed) expect(streamed).toEqual(readStateText(text, f));
    }
  });

  it('streams the raw v4 fixtures that Terraform indented', () => {
    const f = write(fs.readFileSync(path.join(FIX, 'xos-generated/failed-apply/terraform.tfstate'), 'utf8'));
    expect(stream(f, 100)).toBeDefined();
  });

  it('leaves every unusual file to the whole-file reader', () => {
    const good = generated(3);
    const cases: [string, string][] = [
      ['truncated', good.slice(0, good.length - 40)],
      ['a missing comma between resources', good.replace(/\n {4}\},\n {4}\{/, '\n    }\n    {')],
      ['a byte order mark', `\ufeff${good}`],
      ['compact JSON', JSON.stringify(JSON.parse(good))],
      ['another format version', good.replace('"version": 4', '"version": 3')],
      ['a plan', good.replace('"version": 4', '"format_version": "1.2",\n  "planned_values": {}')],
      ['a resource that is not an object', good.replace('"resources": [\n', '"resources": [\n    1,\n')],
      ['text after the document', `${good}}`],
      // A nested list named resources, on a line indented as the top-level one's, before it: never taken for it.
      ['a nested resources list', JSON.stringify({ version: 4, lineage: 'l', outputs: { o: { value: JSON.parse(good).resources, type: 'dynamic' } }, resources: [] }, null, 2).replace('"value": [', '\n  "resources": [')],
      ['a nested resources list, and none at the top', JSON.stringify({ version: 4, lineage: 'l', outputs: { o: { value: JSON.parse(good).resources, type: 'dynamic' } } }, null, 2).replace('"value": [', '\n  "resources": [')],
      ['two resources lists', good.replace('"check_results": null', '"resources": []')],
    ];
    for (const [what, text] of cases) {
      const f = write(text);
      let whole: unknown;
      try {
        whole = readStateText(text.replace(/^\ufeff/, ''), f);
      } catch {
        whole = undefined;
      }
      const streamed = stream(f, 64);
      // What the whole-file reader refuses is never read here; what it reads, is read the same or left to it.
      if (whole === undefined || streamed !== undefined) expect([what, streamed]).toEqual([what, whole]);
      if (what !== 'a nested resources list') expect([what, streamed]).toEqual([what, undefined]);
    }
  });

  it('leaves small files to the whole-file reader', () => {
    const f = write(generated(2));
    expect(streamStateV4(f, isRawV4)).toBeUndefined();
  });
});
