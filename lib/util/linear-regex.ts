/**
 * Regular expressions that match in time linear in the text: a Thompson NFA run as a Pike
 * VM (every thread advances one character at a time; no backtracking). JavaScript's own
 * engine backtracks, so a tenant schema's `pattern` such as `^(a+)+$` takes exponential time
 * on a 47-character value; here every pattern takes at most (program size) steps per
 * character. Hand-written because the linear-time engines on npm are RE2's, with RE2's syntax
 * and semantics, not ECMA-262's that JSON Schema's `pattern` has: re2js 2.10 (checked) finds no
 * `\s` in U+00A0 or U+2003 and refuses `\p{Letter}` and `\p{Script=Greek}`; re2 is a native
 * addon built at install.
 *
 * Semantics are those of `new RegExp(pattern, 'u').test(text)` (how ajv runs `pattern` and
 * `patternProperties`): an unanchored search; `^`, `$` at the ends of the text; `.` any code
 * point but a line terminator; classes with ranges and negation; `\d \w \s \b \B` and their
 * negations; `\p{...}`; groups, alternation, greedy and lazy quantifiers (which match the
 * same texts), `{n}`, `{n,}`, `{n,m}`. What cannot run in linear time is refused with a
 * `PatternError`: backreferences and lookaround. Programs are limited in size (counted
 * repetitions unrolled), so a pattern cannot make the work large either.
 */

export class PatternError extends Error {}

/** Most instructions a pattern compiles to (`a{1000}` is about a thousand). */
export const MAX_PROGRAM = 2000;

type Pred = (cp: number) => boolean;

type Node =
  | { t: 'char'; pred: Pred }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; items: Node[] }
  | { t: 'rep'; node: Node; min: number; max: number } // max = Infinity for unbounded
  | { t: 'assert'; kind: 'bol' | 'eol' | 'wb' | 'nwb' }
  | { t: 'empty' };

const isLineTerminator = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
const isDigit: Pred = (c) => c >= 48 && c <= 57;
const isWord: Pred = (c) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const SPACE = /^\s$/u;
const isSpace: Pred = (c) => SPACE.test(String.fromCodePoint(c));
const not = (p: Pred): Pred => (c) => !p(c);

class Parser {
  private i = 0;
  private readonly cps: number[];
  constructor(private readonly src: string) {
    this.cps = [...src].map((ch) => ch.codePointAt(0)!);
  }

  private peek(k = 0): number | undefined {
    return this.cps[this.i + k];
  }
  private fail(why: string): never {
    throw new PatternError(`pattern ${JSON.stringify(this.src.length > 60 ? `${this.src.slice(0, 57)}...` : this.src)}: ${why}`);
  }
  private eat(c: string): boolean {
    if (this.peek() === c.codePointAt(0)) {
      this.i++;
      return true;
    }
    return false;
  }

  public parse(): Node {
    const n = this.alternation();
    if (this.i < this.cps.length) this.fail(`unexpected ')' at ${this.i}`);
    return n;
  }

  private alternation(): Node {
    const items = [this.sequence()];
    while (this.eat('|')) items.push(this.sequence());
    return items.length === 1 ? items[0] : { t: 'alt', items };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.cps.length && this.peek() !== 0x7c /* | */ && this.peek() !== 0x29 /* ) */) items.push(this.quantified());
    return items.length === 1 ? items[0] : { t: 'seq', items };
  }

  private quantified(): Node {
    const atom = this.atom();
    for (;;) {
      const c = this.peek();
      let min: number;
      let max: number;
      if (c === 0x2a) [min, max] = [0, Infinity];
      else if (c === 0x2b) [min, max] = [1, Infinity];
      else if (c === 0x3f) [min, max] = [0, 1];
      else if (c === 0x7b) {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(String.fromCodePoint(...this.cps.slice(this.i, this.i + 24)));
        if (!m) this.fail("a lone '{' (write \\{)");
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        if (max < min) this.fail(`{${min},${max}} has its maximum below its minimum`);
        if (min > MAX_PROGRAM || (max !== Infinity && max > MAX_PROGRAM)) this.fail(`the repetition {${m[1]}${m[2] ?? ''}} is larger than ${MAX_PROGRAM}`);
        this.i += m[0].length - 1;
      } else return atom;
      this.i++;
      this.eat('?'); // lazy: matches the same texts
      if (atom.t === 'assert') this.fail('a quantifier after an assertion');
      return this.wrapMore({ t: 'rep', node: atom, min, max });
    }
  }

  /** A quantifier directly after another (`a**`) is a syntax error in JavaScript too. */
  private wrapMore(n: Node): Node {
    const c = this.peek();
    if (c === 0x2a || c === 0x2b || c === 0x3f || (c === 0x7b && /^\{\d/.test(String.fromCodePoint(...this.cps.slice(this.i, this.i + 3))))) this.fail('nothing to repeat');
    return n;
  }

  private atom(): Node {
    const c = this.cps[this.i++];
    switch (c) {
      case 0x5e:
        return { t: 'assert', kind: 'bol' };
      case 0x24:
        return { t: 'assert', kind: 'eol' };
      case 0x2e:
        return { t: 'char', pred: (x) => !isLineTerminator(x) };
      case 0x28: {
        if (this.eat('?')) {
          if (this.eat(':')) {
            /* non-capturing */
          } else if (this.peek() === 0x3c /* < */ && this.peek(1) !== 0x3d && this.peek(1) !== 0x21) {
            this.i++;
            while (this.i < this.cps.length && this.peek() !== 0x3e) this.i++;
            if (!this.eat('>')) this.fail('an unterminated group name');
          } else this.fail('lookahead and lookbehind ((?=, (?!, (?<=, (?<!) cannot be matched in linear time');
        }
        const inner = this.alternation();
        if (!this.eat(')')) this.fail("a '(' without its ')'");
        // A group may be repeated even when it holds only an assertion: `(?:\b)*`.
        return { t: 'seq', items: [inner] };
      }
      case 0x29:
        this.fail("a ')' without its '('");
      // falls through (fail throws)
      case 0x5b:
        return this.charClass();
      case 0x5c:
        return this.escape(false) as Node;
      case 0x2a:
      case 0x2b:
      case 0x3f:
        this.fail('nothing to repeat');
      // falls through (fail throws)
      case 0x7b:
      case 0x7d:
      case 0x5d:
        this.fail(`a lone '${String.fromCodePoint(c)}' (the u flag needs it escaped)`);
      // falls through (fail throws)
      default:
        if (c === undefined) this.fail('it ends early');
        return { t: 'char', pred: (x) => x === c };
    }
  }

  /** After a backslash. In a class, `\b` is a backspace and assertions are not allowed. */
  private escape(inClass: boolean): Node | { t: 'char'; pred: Pred; cp?: number } {
    const c = this.cps[this.i++];
    if (c === undefined) this.fail('a trailing backslash');
    const ch = String.fromCodePoint(c);
    const lit = (cp: number) => ({ t: 'char' as const, pred: (x: number) => x === cp, cp });
    switch (ch) {
      case 'd':
        return { t: 'char', pred: isDigit };
      case 'D':
        return { t: 'char', pred: not(isDigit) };
      case 'w':
        return { t: 'char', pred: isWord };
      case 'W':
        return { t: 'char', pred: not(isWord) };
      case 's':
        return { t: 'char', pred: isSpace };
      case 'S':
        return { t: 'char', pred: not(isSpace) };
      case 'b':
        return inClass ? lit(8) : { t: 'assert', kind: 'wb' };
      case 'B':
        if (inClass) this.fail('\\B inside a class');
        return { t: 'assert', kind: 'nwb' };
      case 't':
        return lit(9);
      case 'n':
        return lit(10);
      case 'v':
        return lit(11);
      case 'f':
        return lit(12);
      case 'r':
        return lit(13);
      case '0':
        if (this.peek() !== undefined && isDigit(this.peek()!)) this.fail('an octal escape');
        return lit(0);
      case 'c': {
        const l = this.cps[this.i++];
        if (l === undefined || !((l >= 65 && l <= 90) || (l >= 97 && l <= 122))) this.fail('\\c without a letter');
        return lit(l % 32);
      }
      case 'x': {
        const h = String.fromCodePoint(...this.cps.slice(this.i, this.i + 2));
        if (!/^[0-9a-fA-F]{2}$/.test(h)) this.fail('a bad \\x escape');
        this.i += 2;
        return lit(parseInt(h, 16));
      }
      case 'u': {
        if (this.peek() === 0x7b) {
          const rest = String.fromCodePoint(...this.cps.slice(this.i, this.i + 10));
          const m = /^\{([0-9a-fA-F]{1,6})\}/.exec(rest);
          if (!m || parseInt(m[1], 16) > 0x10ffff) this.fail('a bad \\u{...} escape');
          this.i += m[0].length;
          return lit(parseInt(m[1], 16));
        }
        const h = String.fromCodePoint(...this.cps.slice(this.i, this.i + 4));
        if (!/^[0-9a-fA-F]{4}$/.test(h)) this.fail('a bad \\u escape');
        this.i += 4;
        let cp = parseInt(h, 16);
        // A surrogate pair written as two escapes is one code point.
        if (cp >= 0xd800 && cp <= 0xdbff && this.peek() === 0x5c && this.peek(1) === 0x75) {
          const l = String.fromCodePoint(...this.cps.slice(this.i + 2, this.i + 6));
          if (/^[0-9a-fA-F]{4}$/.test(l) && parseInt(l, 16) >= 0xdc00 && parseInt(l, 16) <= 0xdfff) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (parseInt(l, 16) - 0xdc00);
            this.i += 6;
          }
        }
        return lit(cp);
      }
      case 'p':
      case 'P': {
        const rest = String.fromCodePoint(...this.cps.slice(this.i, this.i + 64));
        const m = /^\{[A-Za-z_=]+\}/.exec(rest);
        if (!m) this.fail(`a bad \\${ch} escape`);
        let re: RegExp;
        try {
          re = new RegExp(`^\\${ch}${m[0]}$`, 'u');
        } catch {
          this.fail(`an unknown property ${m[0]}`);
        }
        this.i += m[0].length;
        return { t: 'char', pred: (x) => re.test(String.fromCodePoint(x)) };
      }
      case 'k':
        this.fail('a named backreference (\\k<...>) cannot be matched in linear time');
      // falls through (fail throws)
      default:
        if (c >= 0x31 && c <= 0x39) this.fail('a backreference (\\1 ...) cannot be matched in linear time');
        if ('^$\\.*+?()[]{}|/'.includes(ch) || (inClass && ch === '-')) return lit(c);
        this.fail(`an unknown escape \\${ch} (the u flag allows only the escapes it defines)`);
    }
  }

  private charClass(): Node {
    const negate = this.eat('^');
    const parts: Pred[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail("a '[' without its ']'");
      if (c === 0x5d) {
        this.i++;
        break;
      }
      const lo = this.classAtom();
      if (this.peek() === 0x2d && this.peek(1) !== 0x5d && this.peek(1) !== undefined) {
        this.i++;
        const hi = this.classAtom();
        if (lo.cp === undefined || hi.cp === undefined) this.fail('a range with a class (\\d, \\w ...) at one end');
        if (hi.cp < lo.cp) this.fail('a range out of order');
        const [a, b] = [lo.cp, hi.cp];
        parts.push((x) => x >= a && x <= b);
      } else parts.push(lo.pred);
    }
    const any: Pred = (x) => {
      for (const p of parts) if (p(x)) return true;
      return false;
    };
    return { t: 'char', pred: negate ? not(any) : any };
  }

  private classAtom(): { pred: Pred; cp?: number } {
    const c = this.cps[this.i++];
    if (c === 0x5c) {
      const e = this.escape(true);
      if (e.t !== 'char') this.fail('an assertion inside a class');
      return e as { pred: Pred; cp?: number };
    }
    return { pred: (x) => x === c, cp: c };
  }
}

type Inst =
  | { op: 'char'; pred: Pred }
  | { op: 'split'; x: number; y: number }
  | { op: 'jmp'; x: number }
  | { op: 'assert'; kind: 'bol' | 'eol' | 'wb' | 'nwb' }
  | { op: 'match' };

function compile(node: Node, src: string): Inst[] {
  const prog: Inst[] = [];
  const emit = (i: Inst) => {
    if (prog.length >= MAX_PROGRAM) throw new PatternError(`pattern ${JSON.stringify(src.length > 60 ? `${src.slice(0, 57)}...` : src)} is too large: it compiles to more than ${MAX_PROGRAM} steps`);
    prog.push(i);
    return prog.length - 1;
  };
  const gen = (n: Node): void => {
    switch (n.t) {
      case 'char':
        emit({ op: 'char', pred: n.pred });
        return;
      case 'assert':
        emit({ op: 'assert', kind: n.kind });
        return;
      case 'empty':
        return;
      case 'seq':
        for (const x of n.items) gen(x);
        return;
      case 'alt': {
        const jumps: number[] = [];
        for (let k = 0; k < n.items.length - 1; k++) {
          const split = emit({ op: 'split', x: 0, y: 0 });
          (prog[split] as { x: number }).x = prog.length;
          gen(n.items[k]);
          jumps.push(emit({ op: 'jmp', x: 0 }));
          (prog[split] as { y: number }).y = prog.length;
        }
        gen(n.items[n.items.length - 1]);
        for (const j of jumps) (prog[j] as { x: number }).x = prog.length;
        return;
      }
      case 'rep': {
        for (let k = 0; k < n.min; k++) gen(n.node);
        if (n.max === Infinity) {
          const split = emit({ op: 'split', x: 0, y: 0 });
          (prog[split] as { x: number }).x = prog.length;
          gen(n.node);
          emit({ op: 'jmp', x: split });
          (prog[split] as { y: number }).y = prog.length;
        } else {
          const splits: number[] = [];
          for (let k = n.min; k < n.max; k++) {
            const split = emit({ op: 'split', x: 0, y: 0 });
            splits.push(split);
            (prog[split] as { x: number }).x = prog.length;
            gen(n.node);
          }
          for (const s of splits) (prog[s] as { y: number }).y = prog.length;
        }
        return;
      }
    }
  };
  gen(node);
  emit({ op: 'match' });
  return prog;
}

/** A compiled pattern: `test` says whether it matches anywhere in the text. */
export class LinearRegExp {
  private readonly prog: Inst[];
  public readonly source: string;

  constructor(pattern: string) {
    this.source = pattern;
    this.prog = compile(new Parser(pattern).parse(), pattern);
  }

  public test(text: string): boolean {
    const prog = this.prog;
    const n = prog.length;
    let clist = new Int32Array(n);
    let nlist = new Int32Array(n);
    let ccount = 0;
    let ncount = 0;
    const mark = new Int32Array(n).fill(-1);
    const stack = new Int32Array(n * 2 + 2);
    const cps: number[] = [];
    for (const ch of text) cps.push(ch.codePointAt(0)!);
    const len = cps.length;
    // Add a thread at `pc` and follow its jumps, splits and assertions at position `pos`.
    const add = (list: Int32Array, count: number, pc0: number, pos: number, gen: number): number => {
      let sp = 0;
      stack[sp++] = pc0;
      while (sp > 0) {
        const pc = stack[--sp];
        if (mark[pc] === gen) continue;
        mark[pc] = gen;
        const ins = prog[pc];
        switch (ins.op) {
          case 'jmp':
            stack[sp++] = ins.x;
            break;
          case 'split':
            stack[sp++] = ins.y;
            stack[sp++] = ins.x;
            break;
          case 'assert': {
            const before = pos > 0 ? cps[pos - 1] : -1;
            const after = pos < len ? cps[pos] : -1;
            const wb = (before >= 0 && isWord(before)) !== (after >= 0 && isWord(after));
            const ok = ins.kind === 'bol' ? pos === 0 : ins.kind === 'eol' ? pos === len : ins.kind === 'wb' ? wb : !wb;
            if (ok) stack[sp++] = pc + 1;
            break;
          }
          default:
            list[count++] = pc;
        }
      }
      return count;
    };
    let gen = 0;
    for (let pos = 0; pos <= len; pos++) {
      // An unanchored search: a new thread starts at every position.
      ccount = add(clist, ccount, 0, pos, gen);
      gen++;
      ncount = 0;
      const c = pos < len ? cps[pos] : -1;
      for (let k = 0; k < ccount; k++) {
        const ins = prog[clist[k]];
        if (ins.op === 'match') return true;
        if (c >= 0 && ins.op === 'char' && ins.pred(c)) ncount = add(nlist, ncount, clist[k] + 1, pos + 1, gen);
      }
      [clist, nlist] = [nlist, clist];
      ccount = ncount;
    }
    for (let k = 0; k < ccount; k++) if (prog[clist[k]].op === 'match') return true;
    return false;
  }
}

/** Patterns compiled once each. */
const cache = new Map<string, LinearRegExp>();

/**
 * ajv's `code.regExp` engine: `(pattern, flags)` -> an object with `test`. Throws a
 * `PatternError` (ajv reports it as a schema error) for a pattern that cannot run in linear time.
 */
export function linearRegExp(pattern: string, _flags?: string): LinearRegExp {
  let r = cache.get(pattern);
  if (!r) {
    r = new LinearRegExp(pattern);
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, r);
  }
  return r;
}
linearRegExp.code = 'linearRegExp';
