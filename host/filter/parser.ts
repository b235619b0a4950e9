// SPDX-License-Identifier: Apache-2.0
// The filter language, parsed exactly as sysdig 0.29.3 parses it (libsinsp's hand-written
// sinsp_filter_compiler): same grammar, same quirks, same error texts and positions.
// The result is a tree; compile.ts checks values and hands the tree to the Wasm core.
import { resolveFieldName, FieldNameError, ResolvedField, didYouMean } from '../core/fieldnames';
import { EVENT_NAMES } from './events';

export const BO_NONE = 0, BO_NOT = 1, BO_OR = 2, BO_AND = 4;

export const CO = {
  EQ: 1, NE: 2, LT: 3, LE: 4, GT: 5, GE: 6, CONTAINS: 7, IN: 8, EXISTS: 9, ICONTAINS: 10,
  STARTSWITH: 11, GLOB: 12, PMATCH: 13, ENDSWITH: 14, INTERSECTS: 15, BCONTAINS: 16, BSTARTSWITH: 17, IGLOB: 18,
} as const;

export interface CheckNode {
  kind: 'check';
  boolop: number;
  field: ResolvedField;
  fieldText: string;
  cmpop: number;
  /** raw operand bytes, as typed (escapes applied) */
  values: Buffer[];
  /** scan position after each value (for value errors) */
  valuePos: number[];
}

export interface ExprNode {
  kind: 'expr';
  boolop: number;
  children: Array<ExprNode | CheckNode>;
  parent: ExprNode | null;
}

export class FilterSyntaxError extends Error {}
/** An unknown field name: sysdig's message, and Quarry names the closest known fields after it. */
class UnknownFieldError extends FilterSyntaxError {
  constructor(message: string, readonly fieldText: string) { super(message); }
}

/** Options for Quarry's extensions (operators newer sysdig releases added). */
export interface ParseOptions {
  extensions?: boolean;
  /** Called as soon as each value is read (sysdig converts values while parsing, so a bad value is
   *  reported before a later syntax error); may throw. */
  onValue?: (chk: CheckNode, index: number) => void;
}

const OPERATORS_0293: Array<[string, number]> = [
  ['=', CO.EQ], ['!=', CO.NE], ['<=', CO.LE], ['<', CO.LT], ['>=', CO.GE], ['>', CO.GT],
  ['contains', CO.CONTAINS], ['icontains', CO.ICONTAINS], ['startswith', CO.STARTSWITH],
  ['endswith', CO.ENDSWITH], ['glob', CO.GLOB], ['in', CO.IN], ['intersects', CO.INTERSECTS],
  ['pmatch', CO.PMATCH], ['exists', CO.EXISTS],
];

// Quarry extensions, tried before the 0.29.3 list so that '==' and 'intersects' work.
const OPERATORS_EXT: Array<[string, number]> = [
  ['==', CO.EQ], ['bcontains', CO.BCONTAINS], ['bstartswith', CO.BSTARTSWITH], ['iglob', CO.IGLOB],
  ['intersects', CO.INTERSECTS],
];

const isblank = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isSpecial = (c: string) => c === '(' || c === ')' || c === '!' || c === '=' || c === '<' || c === '>';
const isBracket = (c: string) => c === '(' || c === ')';

export function parseFilter(text: string, opts: ParseOptions = {}): ExprNode {
  return new Parser(text, opts).compile();
}

class Parser {
  private pos = -1;
  private readonly size: number;
  private state: 'need' | 'done' = 'need';
  private lastBoolop = BO_NONE;
  private nest = 0;
  private readonly root: ExprNode = { kind: 'expr', boolop: BO_NONE, children: [], parent: null };
  private cur: ExprNode = this.root;
  private readonly bytes: Buffer;

  constructor(private readonly s: string, private readonly opts: ParseOptions) {
    // sysdig works on bytes; positions are byte offsets
    this.bytes = Buffer.from(s, 'utf8');
    this.size = this.bytes.length;
  }

  private ch(i = this.pos): string { return i >= 0 && i < this.size ? String.fromCharCode(this.bytes[i]) : '\0'; }

  private next(): string {
    for (;;) {
      this.pos++;
      if (this.pos >= this.size) return '\0';
      if (!isblank(this.ch())) return this.ch();
    }
  }

  compile(): ExprNode {
    try {
      return this.compileInner();
    } catch (e) {
      if (e instanceof FilterSyntaxError || e instanceof FieldNameError) {
        const hint = e instanceof UnknownFieldError ? didYouMean(e.fieldText) : '';
        throw new FilterSyntaxError(`filter error at position ${this.pos}: ${e.message}${hint}`);
      }
      throw e;
    }
  }

  private err(msg: string): never { throw new FilterSyntaxError(msg); }

  private compileInner(): ExprNode {
    for (;;) {
      const a = this.next();
      switch (a) {
        case '\0':
          if (this.nest !== 0) this.err('filter error: unexpected end of filter');
          if (this.state !== 'done') this.err('filter error: unexpected end of filter');
          if (exprBoolop(this.root) === -1) this.err("expression mixes 'and' and 'or' in an ambiguous way. Please use brackets.");
          return this.root;
        case '(':
          if (this.state !== 'need') this.err('unexpected \'(\' after ' + this.s.slice(0, this.pos));
          this.pushExpr(this.lastBoolop);
          this.lastBoolop = BO_NONE;
          this.nest++;
          break;
        case ')':
          this.popExpr();
          this.nest--;
          break;
        case 'o':
          if (this.pos !== 0 && this.state !== 'need') {
            if (this.next() === 'r') this.lastBoolop = BO_OR;
            else this.err('syntax error in filter');
            if (this.state !== 'done') this.err("unexpected 'or' after " + this.s.slice(0, this.pos));
            this.state = 'need';
          } else { this.parseCheck(); this.state = 'done'; }
          break;
        case 'a':
          if (this.pos !== 0 && this.state !== 'need') {
            if (this.next() === 'n' && this.next() === 'd') this.lastBoolop = BO_AND;
            else this.err('syntax error in filter');
            if (this.state !== 'done') this.err("unexpected 'and' after " + this.s.slice(0, this.pos));
            this.state = 'need';
          } else { this.parseCheck(); this.state = 'done'; }
          break;
        case 'n':
          if (this.next() === 'o' && this.next() === 't') this.lastBoolop |= BO_NOT;
          else this.err('syntax error in filter');
          this.state = 'need';
          break;
        default:
          if (this.state === 'need') { this.parseCheck(); this.state = 'done'; }
          else this.err('syntax error in filter');
      }
    }
  }

  private pushExpr(boolop: number): void {
    const e: ExprNode = { kind: 'expr', boolop, children: [], parent: this.cur };
    this.cur.children.push(e);
    this.cur = e;
  }

  private popExpr(): void {
    if (exprBoolop(this.cur) === -1) this.err("expression mixes 'and' and 'or' in an ambiguous way. Please use brackets.");
    if (this.cur.parent) this.cur = this.cur.parent;
  }

  /** sinsp_filter_compiler::next_operand */
  private operand(first: boolean, inClause: boolean): Buffer {
    const out: number[] = [];
    let quoted = false;
    if (isblank(this.ch())) this.next();
    if (this.pos < this.size && (this.ch() === '"' || this.ch() === '\'')) { quoted = true; this.pos++; }
    const start = this.pos;
    let esc: 'normal' | 'slash' | 'number' | 'error' = 'normal';
    const nums: number[] = [];
    while (this.pos < this.size && esc !== 'error') {
      const c = this.ch();
      const end = first ? (isblank(c) || isSpecial(c))
        : (!quoted && (isblank(c) || isBracket(c) || (inClause && c === ','))) || (quoted && esc !== 'slash' && (c === '"' || c === '\''));
      if (end) {
        if (esc !== 'normal') { esc = 'error'; break; }
        if (c === '(' || c === ')' || (inClause && c === ',')) this.pos--;
        return Buffer.from(out);
      }
      const b = this.bytes[this.pos];
      switch (esc) {
        case 'normal':
          if (c === '\\' && !first) esc = 'slash'; else out.push(b);
          break;
        case 'slash':
          if (c === '\\' || c === '"') { esc = 'normal'; out.push(b); }
          else if (c === 'x') esc = 'number';
          else { esc = 'normal'; out.push(0x5c, b); }
          break;
        case 'number': {
          const d = /[0-9]/.test(c) ? b - 48 : /[a-fA-F]/.test(c) ? c.toLowerCase().charCodeAt(0) - 87 : -1;
          if (d < 0) esc = 'error'; else nums.push(d);
          if (nums.length === 2 && esc !== 'error') { out.push(nums[0] * 16 + nums[1]); nums.length = 0; esc = 'normal'; }
          break;
        }
      }
      this.pos++;
    }
    if (esc === 'error') this.err('filter error: unrecognized escape sequence at ' + this.s.substr(start, this.pos));
    if (quoted) this.err('filter error: unclosed quotes');
    return Buffer.from(out);
  }

  private startsAt(str: string): boolean {
    if (this.pos + str.length > this.size) return false;
    return this.bytes.toString('latin1', this.pos, this.pos + str.length) === str;
  }

  private comparisonOperator(): number {
    if (isblank(this.ch())) this.next();
    const start = this.pos;
    if (this.opts.extensions) {
      for (const [tok, op] of OPERATORS_EXT) if (this.startsAt(tok)) { this.pos += tok.length; return op; }
    }
    for (const [tok, op] of OPERATORS_0293) if (this.startsAt(tok)) { this.pos += tok.length; return op; }
    this.err('filter error: unrecognized comparison operator after ' + this.s.slice(0, start));
  }

  private parseCheck(): void {
    const startpos = this.pos;
    const fieldBuf = this.operand(true, false);
    const fieldText = fieldBuf.toString('latin1');
    const field = resolveFieldName(fieldText, EVENT_NAMES);
    if (!field || field.length === 0) throw new UnknownFieldError(`filter error: unrecognized field ${fieldText} at pos ${startpos}`, fieldText);
    const op = this.lastBoolop;
    const cmpop = this.comparisonOperator();
    const chk: CheckNode = { kind: 'check', boolop: op, field, fieldText, cmpop, values: [], valuePos: [] };
    if (cmpop === CO.IN || cmpop === CO.INTERSECTS || cmpop === CO.PMATCH) {
      if (isblank(this.ch())) this.next();
      if (this.ch() !== '(') this.err("expected '(' after 'in/intersects/pmatch' operand");
      this.pos++;
      const charbuf = field.field.type === 'PT_CHARBUF';
      if (!charbuf && cmpop === CO.PMATCH) this.err('pmatch requires all charbuf arguments');
      for (;;) {
        chk.values.push(this.operand(false, true));
        chk.valuePos.push(this.pos);
        this.opts.onValue?.(chk, chk.values.length - 1);
        this.next();
        if (this.ch() === ')') break;
        if (this.ch() === ',') { this.pos++; continue; }
        this.err(charbuf ? "expected either ')' or ',' after a value inside the 'in/pmatch' clause"
          : "expected either ')' or ',' after a value inside the 'in' clause");
      }
      this.cur.children.push(chk);
    } else {
      if (cmpop === CO.EXISTS) this.pos--;
      else { chk.values.push(this.operand(false, false)); chk.valuePos.push(this.pos); this.opts.onValue?.(chk, 0); }
      this.cur.children.push(chk);
    }
  }
}

/** gen_event_filter_expression::get_expr_boolop: -1 when and/or are mixed at one level. */
export function exprBoolop(e: ExprNode): number {
  const ck = e.children;
  if (ck.length <= 1) return e.boolop;
  const b0 = ck[1].boolop & ~1;
  for (let l = 2; l < ck.length; l++) if ((ck[l].boolop & ~1) !== b0) return -1;
  return b0;
}
