/**
 * Records from data files (lib/data/records.ts): CSV with a header and typed columns, JSON
 * arrays and JSON Lines; every record knows its file and line, and every problem is a usage
 * error that names the file, the line and the fix.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MAX_DATA_BYTES, parseRecords, readRecords, recordSource } from '../../lib/data/records';
import { isXosError } from '../../lib/errors';

/** The usage error `f` throws (failing the test if it throws nothing, or something else). */
function usage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (!isXosError(e) || e.kind !== 'usage') throw e;
    return e.message;
  }
  throw new Error('expected a usage error, got none');
}

const lines = (records: readonly object[]) => records.map((r) => recordSource(r)?.line);

describe('CSV', () => {
  test('a header names the columns; every value is a string unless typed; each record knows its line', () => {
    const r = parseRecords('id,name,bundle\nsub-1,alice,family\nsub-2,bob,basic\n', 'subs.csv');
    expect(r).toEqual([
      { id: 'sub-1', name: 'alice', bundle: 'family' },
      { id: 'sub-2', name: 'bob', bundle: 'basic' },
    ]);
    expect(r.map(recordSource)).toEqual([
      { file: 'subs.csv', line: 2 },
      { file: 'subs.csv', line: 3 },
    ]);
    // The source is not a member: it never reaches a record's attributes.
    expect(Object.keys(r[0])).toEqual(['id', 'name', 'bundle']);
    expect(JSON.stringify(r[0])).toBe('{"id":"sub-1","name":"alice","bundle":"family"}');
  });

  test('typed columns: integer, number, boolean and string; an empty cell leaves the column out', () => {
    const r = parseRecords('id:string,s_tag:integer,rate:number,active:boolean\n007,100, 2.5 ,TRUE\n008,,-1e3,false\n009,-4,,\n', 'subs.csv');
    expect(r).toEqual([
      { id: '007', s_tag: 100, rate: 2.5, active: true },
      { id: '008', rate: -1000, active: false },
      { id: '009', s_tag: -4 },
    ]);
    expect(Object.keys(r[1])).not.toContain('s_tag');
  });

  test.each([
    ['s_tag:integer', '12.5', "subs.csv:3: column 's_tag' is an integer, but the value is \"12.5\". Write a whole number, or leave the field empty."],
    ['s_tag:integer', 'ten', "subs.csv:3: column 's_tag' is an integer, but the value is \"ten\". Write a whole number, or leave the field empty."],
    ['rate:number', '1e400', "subs.csv:3: column 'rate' is a number, but the value is \"1e400\". Write a number, or leave the field empty."],
    ['rate:number', '  ', "subs.csv:3: column 'rate' is a number, but the value is \"  \". Write a number, or leave the field empty."],
    ['active:boolean', 'yes', "subs.csv:3: column 'active' is boolean, but the value is \"yes\". Write true or false, or leave the field empty."],
  ])('a bad %s cell (%j) names the file, the line, the column, the value and the fix', (column, value, message) => {
    expect(usage(() => parseRecords(`id,${column}\nsub-1,\nsub-2,${value}\n`, 'subs.csv'))).toBe(message);
  });

  test('a number is read in decimal only: 0x, 0o and 0b cells are refused, not read in another base', () => {
    for (const [column, value] of [['s_tag:integer', '0x10'], ['s_tag:integer', '0o17'], ['rate:number', '0b11'], ['rate:number', '-0x1']])
      expect(usage(() => parseRecords(`id,${column}\nsub-1,${value}\n`, 'subs.csv'))).toMatch(new RegExp(`^subs\\.csv:2: column '(s_tag|rate)' is (an integer|a number), but the value is "${value}"\\. Write `));
    expect(parseRecords('id,s_tag:integer,rate:number\nsub-1,+010,.5\nsub-2,1e3,5.\n', 'subs.csv')).toEqual([
      { id: 'sub-1', s_tag: 10, rate: 0.5 },
      { id: 'sub-2', s_tag: 1000, rate: 5 },
    ]);
  });

  test('an integer too large to be kept exactly is refused, not rounded', () => {
    expect(usage(() => parseRecords('id,c:integer\nsub-1,12345678901234567890\n', 'subs.csv'))).toBe(
      "subs.csv:2: column 'c' is an integer, but 12345678901234567890 is too large to be kept exactly (the largest is 9007199254740991). Write a smaller number, or read the column as text (c:string).",
    );
    expect(parseRecords('id,c:integer\nsub-1,9007199254740991\nsub-2,-9007199254740991\n', 'subs.csv')).toEqual([
      { id: 'sub-1', c: 9007199254740991 },
      { id: 'sub-2', c: -9007199254740991 },
    ]);
  });

  test('quoted fields hold commas, doubled quotes and line breaks; a record is on the line it starts on', () => {
    const text = 'id,note,bundle\r\n"sub-1","a, b",family\r\nsub-2,"she said ""hi""\r\nand left",basic\r\nsub-3,"",business\r\n';
    const r = parseRecords(text, 'subs.csv');
    expect(r).toEqual([
      { id: 'sub-1', note: 'a, b', bundle: 'family' },
      { id: 'sub-2', note: 'she said "hi"\r\nand left', bundle: 'basic' },
      { id: 'sub-3', bundle: 'business' },
    ]);
    expect(lines(r)).toEqual([2, 3, 5]);
    // A problem after a quoted line break is on the line it is on.
    expect(usage(() => parseRecords('id,n:integer\n"a\nb\nc",1\nd,x\n', 'subs.csv'))).toMatch(/^subs\.csv:5: column 'n'/);
  });

  test('an unterminated quote names the line where it opens', () => {
    expect(usage(() => parseRecords('id,note\nsub-1,ok\nsub-2,"never closed\nsub-3,more\n', 'subs.csv'))).toBe(
      'subs.csv:3: a quoted field is never closed. Close it with " (a quote inside a quoted field is written "").',
    );
  });

  test('a stray quote: text after a closing quote, or a quote inside an unquoted field', () => {
    expect(usage(() => parseRecords('id,note\nsub-1,"a"b\n', 'subs.csv'))).toBe('subs.csv:2: text after a closing quote ("b\\n"). Quote the whole field, and double any quote inside it ("").');
    expect(usage(() => parseRecords('id,note\nsub-1,a "b" c\n', 'subs.csv'))).toBe('subs.csv:2: a quote inside an unquoted field ("a \\"b\\" c"). Quote the field and double the quote: "a ""b"" c".');
  });

  test('blank lines are skipped and do not shift the line numbers; a last line without a line end is read', () => {
    const r = parseRecords('id,n:integer\n\nsub-1,1\n\n\r\nsub-2,2', 'subs.csv');
    expect(r).toEqual([
      { id: 'sub-1', n: 1 },
      { id: 'sub-2', n: 2 },
    ]);
    expect(lines(r)).toEqual([3, 6]);
  });

  test('a row with a missing or an extra cell names its line and the header', () => {
    expect(usage(() => parseRecords('id,name,s_tag\nsub-1,alice,100\nsub-2,bob\n', 'subs.csv'))).toBe(
      'subs.csv:3: the row has 2 fields, the header 3 (id, name, s_tag). Give every row one field per column (an empty field leaves the value out).',
    );
    expect(usage(() => parseRecords('id,name\nsub-1,alice,100\n', 'subs.csv'))).toMatch(/^subs\.csv:2: the row has 3 fields, the header 2 \(id, name\)/);
    // A trailing comma is one more (empty) field, not nothing.
    expect(usage(() => parseRecords('id\nsub-1,\n', 'subs.csv'))).toMatch(/^subs\.csv:2: the row has 2 fields, the header 1 \(id\)/);
  });

  test('a UTF-8 byte order mark is not part of the first column name', () => {
    const r = parseRecords('\ufeffid,s_tag:integer\nsub-1,100\n', 'subs.csv');
    expect(r).toEqual([{ id: 'sub-1', s_tag: 100 }]);
    expect(Object.keys(r[0])[0]).toBe('id');
    expect(usage(() => parseRecords('\ufeff', 'subs.csv'))).toMatch(/^subs\.csv is empty\./);
  });

  test('the header: empty file, only a header, a bad type, a duplicate or unusable column name', () => {
    expect(usage(() => parseRecords('', 'subs.csv'))).toBe('subs.csv is empty. A CSV file of records starts with a header row naming the columns (id,name,s_tag:integer,...).');
    expect(parseRecords('id,s_tag:integer\n', 'subs.csv')).toEqual([]);
    expect(usage(() => parseRecords('id,s_tag:int\nsub-1,1\n', 'subs.csv'))).toBe("subs.csv:1: column 's_tag' has the type 'int'; the types are string, number, integer, boolean.");
    expect(usage(() => parseRecords('id,,name\n', 'subs.csv'))).toBe('subs.csv:1: column 2 of the header is ""; a column is a name, or name:type (types: string, number, integer, boolean).');
    expect(usage(() => parseRecords('id,a:integer:x\n', 'subs.csv'))).toMatch(/^subs\.csv:1: column 2 of the header is "a:integer:x"/);
    expect(usage(() => parseRecords('id,name,id:integer\n', 'subs.csv'))).toBe("subs.csv:1: the column 'id' appears twice in the header. Rename one of them.");
    expect(usage(() => parseRecords('id,__proto__\nsub-1,x\n', 'subs.csv'))).toBe("subs.csv:1: '__proto__' cannot name a column. Rename it.");
    // Column names are trimmed, values are not.
    expect(parseRecords(' id , name \n a , b \n', 'subs.csv')).toEqual([{ id: ' a ', name: ' b ' }]);
  });
});

describe('JSON', () => {
  test('an array of objects, each record on the line its element starts on', () => {
    const text = '[\n  {"id": "sub-1", "s_tag": 100, "tags": ["a", "b"]},\n\n  {\n    "id": "sub-2, \\"x\\" [y]",\n    "active": true\n  }, {"id": "sub-3", "n": null}\n]\n';
    const r = parseRecords(text, 'subs.json');
    expect(r).toEqual([{ id: 'sub-1', s_tag: 100, tags: ['a', 'b'] }, { id: 'sub-2, "x" [y]', active: true }, { id: 'sub-3', n: null }]);
    expect(lines(r)).toEqual([2, 4, 7]);
    expect(parseRecords('[]', 'subs.json')).toEqual([]);
    expect(parseRecords('\ufeff[{"id": "a"}]', 'subs.json')).toEqual([{ id: 'a' }]);
  });

  test('a document that is not an array of objects says what it holds and what it should be', () => {
    const fix = 'A JSON file of records is an array of objects: [{ "id": "sub-1", ... }, ...].';
    expect(usage(() => parseRecords('{"id": "sub-1"}', 'subs.json'))).toBe(`subs.json holds object, not an array. ${fix}`);
    expect(usage(() => parseRecords('null', 'subs.json'))).toBe(`subs.json holds null, not an array. ${fix}`);
    expect(usage(() => parseRecords('[{"id": "a"},\n "sub-2"]', 'subs.json'))).toBe('subs.json:2: record 2 is string, not an object. Each record is an object of named values.');
    expect(usage(() => parseRecords('[{"id": "a"},\n\n [1, 2]]', 'subs.json'))).toBe('subs.json:3: record 2 is a list, not an object. Each record is an object of named values.');
    expect(usage(() => parseRecords('[\n null]', 'subs.json'))).toMatch(/^subs\.json:2: record 1 is null, not an object\./);
    expect(usage(() => parseRecords('[{"id": "a",}]', 'subs.json'))).toMatch(/^subs\.json is not valid JSON: .+\. A JSON file of records is an array of objects/);
    expect(usage(() => parseRecords('[{"__proto__": {"x": 1}}]', 'subs.json'))).toBe("subs.json:1: a record has the member '__proto__'. Rename it.");
  });
});

describe('JSON Lines', () => {
  test('one object per line (.jsonl or .ndjson); blank lines and CRLF line ends are fine; a BOM is ignored', () => {
    const text = '\ufeff{"id": "sub-1", "s_tag": 100}\r\n\r\n  {"id": "sub-2"}  \n{"id": "sub-3", "x": {"y": [1]}}';
    for (const f of ['subs.jsonl', 'subs.ndjson']) {
      const r = parseRecords(text, f);
      expect(r).toEqual([{ id: 'sub-1', s_tag: 100 }, { id: 'sub-2' }, { id: 'sub-3', x: { y: [1] } }]);
      expect(lines(r)).toEqual([1, 3, 4]);
    }
  });

  test('a bad line names its line number', () => {
    expect(usage(() => parseRecords('{"id": "a"}\n\n{"id": "b"\n{"id": "c"}\n', 'subs.jsonl'))).toMatch(/^subs\.jsonl:3: not a JSON object \(.+\)\. A \.jsonl file holds one JSON object per line\.$/);
    expect(usage(() => parseRecords('{"id": "a"}\n[1]\n', 'subs.jsonl'))).toBe('subs.jsonl:2: the line is a list, not an object. Each record is an object of named values.');
    expect(usage(() => parseRecords('{"id": "a"}\n"b"\n', 'subs.jsonl'))).toBe('subs.jsonl:2: the line is string, not an object. Each record is an object of named values.');
  });
});

describe('files', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xos-records-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('readRecords reads by extension; a record names the file shown relative to the working directory and its absolute path in its source', () => {
    const file = path.join(dir, 'subs.CSV');
    fs.writeFileSync(file, 'id,s_tag:integer\nsub-1,100\n');
    const r = readRecords<{ id: string; s_tag: number }>(file);
    expect(r).toEqual([{ id: 'sub-1', s_tag: 100 }]);
    expect(recordSource(r[0])).toEqual({ file, line: 2 });
    fs.writeFileSync(file, 'id,s_tag:integer\nsub-1,x\n');
    expect(usage(() => readRecords(file))).toMatch(new RegExp(`^${path.relative(process.cwd(), file).replace(/[.\\]/g, '\\$&')}:2: column 's_tag'`));
  });

  test('a relative path is read from the folder of the program file that calls readRecords, not from the working directory', () => {
    // This test file is the program here: it calls readRecords from test/data/.
    const file = path.join(dir, 'beside.csv');
    fs.writeFileSync(file, 'id\nsub-7\n');
    const relative = path.relative(__dirname, file);
    const cwd = process.cwd();
    process.chdir(os.tmpdir());
    try {
      expect(readRecords(relative)).toEqual([{ id: 'sub-7' }]);
      // Not found: the message names where relative paths are read from.
      expect(usage(() => readRecords('no-such-file.csv'))).toMatch(/^data file not found: .*test\/data\/no-such-file\.csv \(relative paths are read from the folder of .*test\/data\/records\.test\.ts, the program that calls readRecords\)\. Check the path/);
    } finally {
      process.chdir(cwd);
    }
    expect(usage(() => readRecords('' as string))).toMatch(/^readRecords\(\) was given "", not a file name\./);
  });

  test('a missing file, a folder, or an extension xos does not read', () => {
    expect(usage(() => readRecords(path.join(dir, 'none.csv')))).toMatch(/^data file not found: .*none\.csv\. Check the path/);
    expect(usage(() => readRecords(dir))).toMatch(/ is not a file\. Give a \.csv, \.json or \.jsonl file of records\.$/);
    const txt = path.join(dir, 'subs.txt');
    fs.writeFileSync(txt, 'id\nsub-1\n');
    expect(usage(() => readRecords(txt))).toMatch(/subs\.txt: xos reads records from \.csv, \.json \(an array of objects\) or \.jsonl files/);
  });

  test(`a file larger than ${MAX_DATA_BYTES.toLocaleString('en-US')} bytes is refused before it is read, with its size and the fix`, () => {
    // Sparse: the size is there, the bytes are not (the file is refused by its size alone).
    const big = path.join(dir, 'big.csv');
    fs.writeFileSync(big, 'id\n');
    fs.truncateSync(big, MAX_DATA_BYTES + 1);
    expect(usage(() => readRecords(big))).toBe(`${big} is ${(MAX_DATA_BYTES + 1).toLocaleString('en-US')} bytes, more than xos reads (${MAX_DATA_BYTES.toLocaleString('en-US')}). Split it into several files.`);
  });
});
