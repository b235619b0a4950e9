// SPDX-License-Identifier: Apache-2.0
// Turns a parsed filter into a program the Wasm core evaluates per event.
import { parseFilter, ExprNode, CheckNode, CO, BO_NONE, BO_OR, FilterSyntaxError, ParseOptions } from './parser';
import { toRawValue, ValueError, RawValue } from './values';
import { CoreProgram } from '../core/program';
import { EVENTS, PPMSC_NAMES } from './events';
import { QuarryError } from '../core/types';

const PT: Record<string, number> = {
  PT_INT8: 1, PT_INT16: 2, PT_INT32: 3, PT_INT64: 4, PT_UINT8: 5, PT_UINT16: 6, PT_UINT32: 7, PT_UINT64: 8,
  PT_CHARBUF: 9, PT_BYTEBUF: 10, PT_ERRNO: 11, PT_SOCKADDR: 12, PT_SOCKTUPLE: 13, PT_FD: 14, PT_PID: 15,
  PT_FDLIST: 16, PT_FSPATH: 17, PT_SYSCALLID: 18, PT_SIGTYPE: 19, PT_RELTIME: 20, PT_ABSTIME: 21, PT_PORT: 22,
  PT_L4PROTO: 23, PT_SOCKFAMILY: 24, PT_BOOL: 25, PT_IPV4ADDR: 26, PT_DYN: 27, PT_FLAGS8: 28, PT_FLAGS16: 29,
  PT_FLAGS32: 30, PT_UID: 31, PT_GID: 32, PT_DOUBLE: 33, PT_SIGSET: 34, PT_IPV4NET: 37, PT_IPV6ADDR: 38,
  PT_IPV6NET: 39, PT_IPADDR: 40, PT_IPNET: 41, PT_MODE: 42, PT_FSRELPATH: 43,
};

const SPECIAL: Record<string, number> = { 'fd.ip': 1, 'fd.port': 2, 'fd.proto': 3, 'fd.net': 4 };

interface TypedCheck { node: CheckNode; ctype: string; values: RawValue[] }

/** The type a check compares as: the field's type, or the named parameter's for evt.rawarg. */
function compareType(c: CheckNode): string {
  if (c.field.field.name === 'evt.rawarg' && c.field.argName) {
    for (const e of EVENTS) for (const p of e.params) if (p.name === c.field.argName) return p.type;
  }
  if (c.field.field.name === 'fd.port' || c.field.field.name === 'fd.proto') return 'PT_PORT';
  return c.field.field.type;
}

/** Parses and checks a filter; throws QuarryError with sysdig's message. */
export function checkFilter(text: string, opts: ParseOptions = {}): ExprNode {
  try {
    return parseFilter(text, { ...opts, onValue: checkValue });
  } catch (e) {
    if (e instanceof FilterSyntaxError) throw new QuarryError(e.message);
    throw e;
  }
}

/** A value is converted as soon as it is read, as in sysdig; errors name the value's position. */
function checkValue(c: CheckNode, i: number): void {
  const v = c.values[i];
  // sinsp validate_filter_value: an evt.type value must name an event or a syscall
  if (c.field.field.name === 'evt.type' && !knownType(v.toString('latin1'))) {
    throw new QuarryError(`filter error at position ${c.valuePos[i]}: unknown event type ${v.toString()}`);
  }
  try { toRawValue(compareType(c), v); } catch (e) {
    if (e instanceof ValueError) throw new QuarryError(`filter error at position ${c.valuePos[i]}: ${e.message}`);
    throw e;
  }
}

let typeNames: Set<string> | undefined;
function knownType(v: string): boolean {
  typeNames ??= new Set([...EVENTS.map((e) => e.name), ...PPMSC_NAMES]);
  return typeNames.has(v);
}


/** Builds the filter in the core; returns its slot. */
export function emitFilter(prog: CoreProgram, tree: ExprNode): number {
  prog.core.filterBegin();
  emitTree(prog, tree);
  return prog.core.filterEnd();
}

function emitTree(prog: CoreProgram, tree: ExprNode): void {
  const core = prog.core;
  const emit = (e: ExprNode): void => {
    for (const ch of e.children) {
      if (ch.kind === 'expr') { core.filterPush(ch.boolop); emit(ch); core.filterPop(); continue; }
      const ty = compareType(ch);
      // evt.around's timestamp travels as text: the numeric channel is a double
      const ref = prog.ref(ch.field.argU64 !== undefined ? { ...ch.field, argName: ch.field.argU64.toString() } : ch.field);
      const special = SPECIAL[ch.field.field.name] ?? 0;
      const isCharbufIn = (ch.cmpop === CO.IN || ch.cmpop === CO.INTERSECTS) && ch.field.field.type === 'PT_CHARBUF';
      if ((ch.cmpop === CO.IN || ch.cmpop === CO.INTERSECTS) && !isCharbufIn && !special) {
        // sysdig expands 'f in (a,b)' into '(f=a or f=b)' for non-string fields
        core.filterPush(ch.boolop);
        ch.values.forEach((v, i) => {
          core.filterCheck(i === 0 ? BO_NONE : BO_OR, ref, CO.EQ, PT[ty] ?? 0, 0);
          pushValue(prog, toRawValue(ty, v));
        });
        core.filterPop();
        continue;
      }
      core.filterCheck(ch.boolop, ref, ch.cmpop, PT[ty] ?? 0, special);
      for (const v of ch.values) pushValue(prog, toRawValue(ty, v));
    }
  };
  emit(tree);
}

function pushValue(prog: CoreProgram, v: RawValue): void {
  const len = prog.scratch(v.bytes);
  const n = BigInt.asUintN(64, v.num);
  prog.core.filterValue(len, 0, Number(n >> 32n) | 0, Number(n & 0xffffffffn) >>> 0);
}

/** True when the text is a valid filter (used by chisel argument rules). */
export function compilesAsFilter(text: string): boolean {
  try { checkFilter(text); return true; } catch { return false; }
}
