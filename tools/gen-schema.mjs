#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// gen-schema.mjs — builds schema/events.json, Quarry's single normalized description of the
// event model, from the C sources of falcosecurity/libs (the commit sysdig 0.29.3 is built on).
//
// Usage:
//   node tools/gen-schema.mjs <libs-dir>                      (an extracted libs checkout)
//   node tools/gen-schema.mjs --mirror <bare-git-dir> [--commit SHA]   (reads with `git show`)
// Options: --commit SHA (default e5c53d648f3c; also the label in "source"),
//          --unistd FILE (default /usr/include/x86_64-linux-gnu/asm/unistd_64.h),
//          --out FILE (default <repo>/schema/events.json).
//
// Sources read (facts only; nothing is copied into the repo except the derived JSON):
//   driver/ppm_events_public.h  #defines (evaluated to numbers) and the enums
//   driver/event_table.c        g_event_info
//   driver/flags_table.c        name/value tables (userspace view: CONFIG_64BIT is NOT defined,
//                               as in the libscap/libsinsp build that sysdig prints with)
//   driver/dynamic_params_table.c   PT_DYN sub-parameter tables
//   driver/syscall_table.c      g_syscall_table + g_syscall_code_routing_table (x86_64 view:
//                               __NR_* resolved from the kernel uapi header on this machine,
//                               no __KERNEL__, no CONFIG_IA32_EMULATION, SYSCALL_TABLE_ID0 = 0)
//   userspace/libscap/syscall_info_table.c   g_syscall_info_table (names of PPM_SC_* codes)
//   userspace/libsinsp/utils.cpp + sinsp_errno.h + sinsp_signal.h   errno_to_str / signal_to_str,
//                               param_type_to_string, print_format_to_string
//   userspace/libscap/scap.h, userspace/libsinsp/fdinfo.{h,cpp}   fd type letters / names
//
// Output keys (schema/events.json):
//   source, events[], flagTables{}, dynTables{}, ppmSyscalls[], x86_64Syscalls{nr: ...},
//   errnoNames{errno: name}, signalNames{signo: name},
//   categories, eventFlags, paramTypes, printFormats, syscallFlags (UF_*)  — name -> value
// Extra rendering tables (found while reading libsinsp/event.cpp and fields_info.cpp):
//   paramTypeNames{PT value: "FSPATH"}   the type word `sysdig -L` prints (param_type_to_string)
//   printFormatNames{PF value: "HEX"}    print_format_to_string
//   fdTypes{SCAP_FD_*: value}, fdTypeChars{value: "f"}, fdTypeNames{value: "file"}
//                                        sinsp_fdinfo_t::get_typechar / get_typestring
//                                        (the letter in `fd=3(<f>/etc/passwd)`); values not listed
//                                        render as '?' / "<NA>" (fdTypeDefault*).
// Facts to remember when rendering (see event.cpp, not encoded as data):
//   * an event is an enter event iff its id is even (PPME_IS_ENTER); dir below follows that.
//   * PT_ERRNO renders as "%lld" plus "(NAME)" only when the value is negative and the name known.
//   * PT_FLAGS*/PT_MODE resolution walks the table in source order; a table entry whose value equals
//     the whole value ends the walk and is printed alone (after what was matched before it).
//   * PT_DYN: the first payload byte indexes the dyn table; the OUTER param's fmt is used.
//   * events whose flags include EF_UNUSED / EF_OLD_VERSION or whose category has EC_INTERNAL are
//     not listed by `sysdig -L`.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripComments } from './lib/csource.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..');

// ---------------------------------------------------------------- arguments
const argv = process.argv.slice(2);
const opt = { commit: 'e5c53d648f3c', unistd: '/usr/include/x86_64-linux-gnu/asm/unistd_64.h',
  out: join(REPO, 'schema', 'events.json'), mirror: null, dir: null };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--mirror') opt.mirror = argv[++i];
  else if (a === '--commit') opt.commit = argv[++i];
  else if (a === '--unistd') opt.unistd = argv[++i];
  else if (a === '--out') opt.out = argv[++i];
  else if (a === '-h' || a === '--help') { usage(0); }
  else if (a.startsWith('-')) usage(2);
  else opt.dir = a;
}
if (!opt.mirror && !opt.dir) usage(2);
function usage(code) {
  process.stderr.write('usage: gen-schema.mjs (<libs-dir> | --mirror <git-dir> [--commit SHA]) [--unistd FILE] [--out FILE]\n');
  process.exit(code);
}

function readSrc(rel) {
  if (opt.mirror) {
    return execFileSync('git', ['-C', opt.mirror, 'show', `${opt.commit}:${rel}`],
      { encoding: 'utf8', maxBuffer: 64 << 20 });
  }
  return readFileSync(join(opt.dir, rel), 'utf8');
}

const warnings = [];
function warn(msg) { warnings.push(msg); }
function fail(msg) { process.stderr.write(`gen-schema: ${msg}\n`); process.exit(1); }

// ---------------------------------------------------------------- C lexing helpers


/**
 * A small C preprocessor for the conditionals these files use: #if/#ifdef/#ifndef/#elif/#else/
 * #endif with defined(), plus collection of object-like #defines (function-like ones are noted
 * but not expanded). Returns the active source text (directives removed).
 */
function preprocess(src, defines) {
  const lines = stripComments(src).split('\n');
  const stack = []; // {active, taken, parentActive}
  let active = true;
  const out = [];
  for (const line of lines) {
    const m = /^\s*#\s*(\w+)\s*(.*)$/.exec(line);
    if (!m) { out.push(active ? line : ''); continue; }
    const [, dir, rest] = m;
    switch (dir) {
      case 'ifdef': case 'ifndef': case 'if': {
        let cond;
        if (!active) cond = false; // never evaluate conditions inside a skipped group
        else if (dir === 'ifdef') cond = defines.has(rest.trim());
        else if (dir === 'ifndef') cond = !defines.has(rest.trim());
        else cond = evalCondition(rest, defines);
        stack.push({ parentActive: active, taken: cond });
        active = active && cond;
        break;
      }
      case 'elif': {
        const top = stack[stack.length - 1];
        const cond = top.parentActive && !top.taken && evalCondition(rest, defines);
        if (cond) top.taken = true;
        active = top.parentActive && cond;
        break;
      }
      case 'else': {
        const top = stack[stack.length - 1];
        active = top.parentActive && !top.taken;
        top.taken = true;
        break;
      }
      case 'endif': {
        const top = stack.pop();
        active = top.parentActive;
        break;
      }
      case 'define':
        if (active) {
          const d = /^(\w+)(\([^)]*\))?\s*(.*)$/.exec(rest);
          if (d) defines.set(d[1], d[2] ? { fn: d[2], body: d[3].trim() } : d[3].trim());
        }
        break;
      case 'undef':
        if (active) defines.delete(rest.trim());
        break;
      default: break; // include, pragma, error...
    }
    out.push('');
  }
  if (stack.length) fail('unbalanced #if in preprocessed source');
  return out.join('\n');
}

function evalCondition(expr, defines) {
  let e = expr.replace(/defined\s*\(\s*(\w+)\s*\)/g, (_, x) => (defines.has(x) ? '1' : '0'))
    .replace(/defined\s+(\w+)/g, (_, x) => (defines.has(x) ? '1' : '0'));
  e = e.replace(/[A-Za-z_]\w*/g, (id) => {
    try { return String(evalExpr(id, defines)); } catch { return '0'; }
  });
  return Boolean(jsEval(e));
}

function jsEval(e) {
  if (!/^[\s0-9a-fA-Fxn()|&^~<>+\-*/%!=?:]*$/.test(e)) throw new Error(`cannot evaluate: ${e}`);
  return Function(`"use strict"; return (${e});`)();
}

/**
 * Evaluates a C integer constant expression made of numbers, macros and enum constants
 * (looked up in `scope`, a Map name -> number | string-expression). Returns a Number.
 */
function evalExpr(expr, scope, seen = new Set()) {
  let e = String(expr).trim();
  // drop casts such as (uint32_t) or (enum ppm_event_flags)
  e = e.replace(/\(\s*(?:enum\s+\w+|(?:unsigned\s+|signed\s+)?(?:u?int\d+_t|int|long|char|short|long\s+long))\s*\)/g, '');
  if (/^'.'$/.test(e)) return e.charCodeAt(1);
  const js = e.replace(/\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\b|[A-Za-z_]\w*/g, (tok, num) => {
    if (num !== undefined) return `${BigInt(num)}n`;
    const id = tok;
    if (seen.has(id)) throw new Error(`recursive macro ${id}`);
    if (!scope.has(id)) throw new Error(`unknown identifier ${id} in "${expr}"`);
    const v = scope.get(id);
    if (typeof v === 'object') throw new Error(`function-like macro ${id}`);
    const val = typeof v === 'number' ? v : evalExpr(v, scope, new Set([...seen, id]));
    return `(${BigInt(val)}n)`;
  });
  const r = jsEval(js);
  return Number(typeof r === 'bigint' ? r : BigInt(r));
}

/** Tokenizer for C initializers: strings, chars, identifiers, numbers, punctuation. */
function tokenize(src) {
  const toks = [];
  const re = /\s+|("(?:[^"\\]|\\.)*")|('(?:[^'\\]|\\.)*')|([A-Za-z_]\w*)|(0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*)|(<<|>>|[{}()[\],=|&~<>+\-*/;.!^?:])/gy;
  let m;
  while (re.lastIndex < src.length) {
    const at = re.lastIndex;
    m = re.exec(src);
    if (!m) fail(`tokenizer stuck at: ${src.slice(at, at + 40)}`);
    if (m[1]) toks.push({ t: 'str', v: JSON.parse(m[1]) });
    else if (m[2]) toks.push({ t: 'chr', v: m[2] });
    else if (m[3]) toks.push({ t: 'id', v: m[3] });
    else if (m[4]) toks.push({ t: 'num', v: m[4] });
    else if (m[5]) toks.push({ t: 'p', v: m[5] });
  }
  return toks;
}

/**
 * Parses a brace initializer list starting at toks[i] === '{'. Returns [node, nextIndex] where
 * node = {list: [elem...]} and elem = {designator?: tokens, value: node | tokens}.
 */
function parseBraces(toks, i) {
  if (toks[i].v !== '{') fail(`expected { at token ${i}`);
  i++;
  const list = [];
  while (toks[i].v !== '}') {
    let designator = null;
    if (toks[i].v === '[') {
      const start = ++i; let depth = 1;
      while (depth) { if (toks[i].v === '[') depth++; else if (toks[i].v === ']') depth--; i++; }
      designator = toks.slice(start, i - 1);
      if (toks[i].v !== '=') fail('expected = after designator');
      i++;
    }
    let value;
    if (toks[i].v === '{') { [value, i] = parseBraces(toks, i); }
    else {
      const start = i; let depth = 0;
      while (depth > 0 || (toks[i].v !== ',' && toks[i].v !== '}')) {
        if (toks[i].v === '(') depth++; else if (toks[i].v === ')') depth--;
        i++;
      }
      value = toks.slice(start, i);
    }
    list.push({ designator, value });
    if (toks[i].v === ',') i++;
  }
  return [{ list }, i + 1];
}

/** Finds `NAME[...] = {` (or `NAME[] = {`) in preprocessed text and returns the parsed list. */
function parseArrayInit(text, name) {
  const re = new RegExp(`\\b${name}\\s*\\[[^\\]]*\\]\\s*=\\s*\\{`);
  const m = re.exec(text);
  if (!m) fail(`array ${name} not found`);
  const from = m.index + m[0].length - 1;
  // cut at the matching close brace to keep tokenizing cheap
  let depth = 0, j = from;
  for (; j < text.length; j++) {
    const c = text[j];
    if (c === '"') { j++; while (text[j] !== '"') { if (text[j] === '\\') j++; j++; } continue; }
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) break;
  }
  const toks = tokenize(text.slice(from, j + 1));
  return parseBraces(toks, 0)[0].list;
}

const tokText = (toks) => toks.map((t) => (t.t === 'str' ? JSON.stringify(t.v) : t.v)).join(' ')
  .replace(/\( /g, '(').replace(/ \)/g, ')');

/** Parses `enum NAME { A = expr, B, ... };` into an ordered [[name, value]] list. */
function parseEnum(text, name, scope) {
  const m = new RegExp(`enum\\s+${name}\\s*\\{([^}]*)\\}`).exec(text);
  if (!m) fail(`enum ${name} not found`);
  const entries = [];
  let next = 0;
  for (const raw of m[1].split(',')) {
    const s = raw.trim();
    if (!s) continue;
    const mm = /^(\w+)\s*(?:=\s*(.+))?$/s.exec(s);
    if (!mm) fail(`bad enum entry in ${name}: ${s}`);
    const v = mm[2] !== undefined ? evalExpr(mm[2], scope) : next;
    entries.push([mm[1], v]);
    scope.set(mm[1], v);
    next = v + 1;
  }
  return entries;
}

/**
 * Parses the cases of a `switch` inside function `fnName`: consecutive `case X:` labels followed
 * by `return <expr>;`. Returns [[labelTokens..., returnText]] as [{labels:[...], ret:string}].
 */
function parseSwitchReturns(text, fnName) {
  const at = text.indexOf(fnName);
  if (at < 0) fail(`function ${fnName} not found`);
  const open = text.indexOf('{', at);
  let depth = 0, end = open;
  for (; end < text.length; end++) {
    if (text[end] === '{') depth++;
    else if (text[end] === '}' && --depth === 0) break;
  }
  const body = text.slice(open, end);
  const out = [];
  let labels = [];
  const re = /\bcase\s+([^:]+):|\bdefault\s*:|\breturn\s+([^;]*);/g;
  let m;
  while ((m = re.exec(body))) {
    if (m[1] !== undefined) labels.push(m[1].trim());
    else if (m[0].startsWith('default')) labels.push(null);
    else { if (labels.length) out.push({ labels, ret: m[2].trim() }); labels = []; }
  }
  return out;
}

const retString = (r) => {
  const m = /"((?:[^"\\]|\\.)*)"\s*$/.exec(r);
  return m ? JSON.parse(`"${m[1]}"`) : null;
};

// ---------------------------------------------------------------- ppm_events_public.h
const scope = new Map(); // macros + enum constants
const hdrText = preprocess(readSrc('driver/ppm_events_public.h'), scope);

const enumObj = (entries) => Object.fromEntries(entries);
const eventEnum = parseEnum(hdrText, 'ppm_event_type', scope);
const scEnum = parseEnum(hdrText, 'ppm_syscall_code', scope);
const categories = parseEnum(hdrText, 'ppm_event_category', scope);
const eventFlagsE = parseEnum(hdrText, 'ppm_event_flags', scope);
const paramTypes = parseEnum(hdrText, 'ppm_param_type', scope);
const printFormats = parseEnum(hdrText, 'ppm_print_format', scope);
const syscallFlags = parseEnum(hdrText, 'syscall_flags', scope);

const PPM_EVENT_MAX = scope.get('PPM_EVENT_MAX');
const PPM_SC_MAX = scope.get('PPM_SC_MAX');
const eventCodes = eventEnum.filter(([k]) => k !== 'PPM_EVENT_MAX');
eventCodes.forEach(([k, v], i) => { if (v !== i) fail(`ppm_event_type not dense at ${k}=${v}`); });
if (eventCodes.length !== PPM_EVENT_MAX) fail(`ppm_event_type has ${eventCodes.length} entries, PPM_EVENT_MAX=${PPM_EVENT_MAX}`);
const scCodes = scEnum.filter(([k]) => k !== 'PPM_SC_MAX');
scCodes.forEach(([k, v], i) => { if (v !== i) fail(`ppm_syscall_code not dense at ${k}=${v}`); });

const byValue = (entries) => new Map(entries.map(([k, v]) => [k, v]));
const CAT = byValue(categories), EF = byValue(eventFlagsE), PT = byValue(paramTypes),
  PF = byValue(printFormats), UF = byValue(syscallFlags);

// ---------------------------------------------------------------- flags_table.c
const flagsText = preprocess(readSrc('driver/flags_table.c'), new Map(scope));
const flagTables = {};
{
  const re = /struct\s+ppm_name_value\s+(\w+)\s*\[\s*\]\s*=/g;
  let m;
  while ((m = re.exec(flagsText))) {
    const name = m[1];
    const list = parseArrayInit(flagsText, name);
    const entries = [];
    for (const el of list) {
      const [nameEl, valEl] = el.value.list;
      const nameTok = nameEl.value[0];
      if (nameTok.t !== 'str') break; // {0, 0} terminator
      let v = evalExpr(tokText(valEl.value), scope);
      v = v >>> 0; // struct field is uint32_t
      entries.push([nameTok.v, v]);
    }
    flagTables[name] = entries;
  }
}

// ---------------------------------------------------------------- dynamic_params_table.c
const dynText = preprocess(readSrc('driver/dynamic_params_table.c'), new Map(scope));
const dynTables = {};
{
  const re = /struct\s+ppm_param_info\s+(\w+)\s*\[([^\]]*)\]\s*=/g;
  let m;
  while ((m = re.exec(dynText))) {
    const name = m[1];
    const size = evalExpr(m[2], scope);
    const list = parseArrayInit(dynText, name);
    const arr = new Array(size).fill(null);
    let pos = 0;
    for (const el of list) {
      if (el.designator) pos = evalExpr(tokText(el.designator), scope);
      const [nm, ty, fm] = el.value.list;
      const pname = nm.value.list ? '' : nm.value[0].v; // {0} -> empty name
      const type = tokText(ty.value), fmt = tokText(fm.value);
      arr[pos++] = { name: pname, type, typeValue: PT.get(type), fmt, fmtValue: PF.get(fmt) };
    }
    arr.forEach((e, i) => { if (!e) fail(`dyn table ${name} has a hole at ${i}`); });
    dynTables[name] = arr;
  }
}

// ---------------------------------------------------------------- event_table.c
const evSrc = readSrc('driver/event_table.c');
// row comments (/* PPME_xxx */) for a cross-check against the enum
const rowComments = [...evSrc.matchAll(/\/\*\s*(PPME_\w+)\s*\*\/\s*\{/g)].map((m) => m[1]);
const evText = preprocess(evSrc, new Map(scope));
const evRows = parseArrayInit(evText, 'g_event_info');
if (evRows.length !== PPM_EVENT_MAX) fail(`g_event_info has ${evRows.length} rows, PPM_EVENT_MAX=${PPM_EVENT_MAX}`);

function splitOr(expr, known, what) {
  const names = expr.replace(/[()]/g, ' ').split('|').map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!known.has(n)) fail(`unknown ${what} ${n}`);
  return names;
}

const events = evRows.map((row, id) => {
  const code = eventCodes[id][0];
  if (rowComments[id] && rowComments[id] !== code) warn(`event ${id}: table comment says ${rowComments[id]}, enum says ${code}`);
  const [nameEl, catEl, flagsEl, nEl, paramsEl] = row.value.list;
  const name = nameEl.value[0].v;
  const category = tokText(catEl.value);
  const categoryValue = evalExpr(category, scope);
  const flagsExpr = tokText(flagsEl.value).replace(/^\(enum ppm_event_flags\)/, '');
  const flagNames = splitOr(flagsExpr, EF, 'event flag').filter((f) => f !== 'EF_NONE');
  const flagsValue = evalExpr(flagsExpr, scope);
  const nparams = evalExpr(tokText(nEl.value), scope);
  let plist = paramsEl ? paramsEl.value.list : [];
  let ignoredParams;
  if (plist.length < nparams) fail(`event ${code}: nparams=${nparams} but only ${plist.length} params listed`);
  if (plist.length > nparams) {
    // nparams is what every consumer (and `sysdig -L`) goes by; keep the surplus only as a note
    warn(`event ${code}: nparams=${nparams} but ${plist.length} params listed; extra ignored`);
    ignoredParams = plist.slice(nparams).map((p) => p.value.list[0].value[0].v);
    plist = plist.slice(0, nparams);
  }
  const params = plist.map((p, k) => {
    const f = p.value.list;
    const pname = f[0].value[0].v;
    const type = tokText(f[1].value), fmt = tokText(f[2].value);
    if (!PT.has(type)) fail(`${code}: unknown type ${type}`);
    if (!PF.has(fmt)) fail(`${code}: unknown fmt ${fmt}`);
    let info = null;
    if (f[3]) {
      const it = f[3].value;
      const txt = tokText(it);
      const dm = /^DIRFD_PARAM\s*\(\s*(\d+)\s*\)$/.exec(txt);
      if (dm) info = { dirfdParam: Number(dm[1]) };
      else if (flagTables[txt]) info = txt;
      else if (dynTables[txt]) {
        info = txt;
        if (f[4]) {
          const ninfo = evalExpr(tokText(f[4].value), scope);
          if (ninfo !== dynTables[txt].length) fail(`${code}.${pname}: ninfo ${ninfo} != ${txt} length`);
        }
      } else if (txt === '0' || txt === 'NULL') info = null;
      else fail(`${code}.${pname}: unknown info ${txt}`);
    }
    if (type === 'PT_FSRELPATH' && !(info && info.dirfdParam !== undefined)) warn(`${code}.${pname}: PT_FSRELPATH without DIRFD_PARAM`);
    if (type === 'PT_DYN' && !(typeof info === 'string' && dynTables[info])) fail(`${code}.${pname}: PT_DYN without dyn table`);
    void k;
    return { name: pname, type, typeValue: PT.get(type), fmt, fmtValue: PF.get(fmt), info };
  });
  return {
    id, code, name, dir: (id & 1) === 0 ? '>' : '<',
    category, categoryValue, flags: flagNames, flagsValue, params,
    ...(ignoredParams ? { ignoredParams } : {}),
  };
});

// ---------------------------------------------------------------- syscall_info_table.c (PPM_SC names)
const siSrc = readSrc('userspace/libscap/syscall_info_table.c');
const siComments = [...siSrc.matchAll(/\/\*\s*(PPM_SC_\w+|dummy)\s*\*\/\s*\{/g)].map((m) => m[1]);
const siText = preprocess(siSrc, new Map(scope));
const siRows = parseArrayInit(siText, 'g_syscall_info_table');
if (siRows.length !== PPM_SC_MAX) fail(`g_syscall_info_table has ${siRows.length} rows, PPM_SC_MAX=${PPM_SC_MAX}`);
const ppmSyscalls = siRows.map((row, id) => {
  const code = scCodes[id][0];
  if (siComments[id] && siComments[id] !== 'dummy' && siComments[id] !== code) warn(`ppm_sc ${id}: table comment ${siComments[id]}, enum ${code}`);
  const [catEl, flEl, nmEl] = row.value.list;
  const category = tokText(catEl.value);
  const flagsExpr = tokText(flEl.value).replace(/^\(enum ppm_event_flags\)/, '');
  return {
    id, code, name: nmEl.value[0].v, category, categoryValue: evalExpr(category, scope),
    flags: splitOr(flagsExpr, EF, 'event flag').filter((f) => f !== 'EF_NONE'), flagsValue: evalExpr(flagsExpr, scope),
  };
});

// ---------------------------------------------------------------- syscall_table.c (x86_64)
const nrScope = new Map(); // __NR_name -> nr
for (const m of readFileSync(opt.unistd, 'utf8').matchAll(/^#define\s+(__NR_\w+)\s+(\d+)\s*$/gm)) nrScope.set(m[1], Number(m[2]));
if (!nrScope.has('__NR_openat')) fail(`no __NR_ macros in ${opt.unistd}`);
const stDefines = new Map([...scope, ...nrScope]);
const stText = preprocess(readSrc('driver/syscall_table.c'), stDefines);
if (!stDefines.has('SYSCALL_TABLE_ID0')) stDefines.set('SYSCALL_TABLE_ID0', 0);
const SYSCALL_TABLE_SIZE = evalExpr('SYSCALL_TABLE_SIZE', scope);
const evtIds = new Map(eventCodes);
const scIds = new Map(scCodes);

const sysEvt = new Map();
for (const el of parseArrayInit(stText, 'g_syscall_table')) {
  const nr = evalExpr(tokText(el.designator), stDefines);
  const [flEl, enEl, exEl] = el.value.list;
  const flagsExpr = tokText(flEl.value);
  const flags = splitOr(flagsExpr, UF, 'syscall flag').filter((f) => f !== 'UF_NONE');
  const enter = tokText(enEl.value), exit = tokText(exEl.value);
  if (!evtIds.has(enter) || !evtIds.has(exit)) fail(`syscall ${nr}: unknown event ${enter}/${exit}`);
  if (sysEvt.has(nr)) warn(`g_syscall_table: nr ${nr} initialized twice (last wins)`);
  sysEvt.set(nr, { flags, flagsValue: evalExpr(flagsExpr, stDefines), enter, exit });
}
const sysSc = new Map();
for (const el of parseArrayInit(stText, 'g_syscall_code_routing_table')) {
  const nr = evalExpr(tokText(el.designator), stDefines);
  const code = tokText(el.value);
  if (!scIds.has(code)) fail(`routing table: unknown ${code}`);
  if (sysSc.has(nr)) warn(`g_syscall_code_routing_table: nr ${nr} initialized twice (last wins)`);
  sysSc.set(nr, code);
}
const x86_64Syscalls = {};
const nrNames = [...nrScope].sort((a, b) => a[1] - b[1]);
const nrSeen = new Set();
for (const [macro, nr] of nrNames) {
  if (nrSeen.has(nr)) continue;
  nrSeen.add(nr);
  if (nr >= SYSCALL_TABLE_SIZE) { warn(`${macro}=${nr} beyond SYSCALL_TABLE_SIZE`); continue; }
  const ev = sysEvt.get(nr);
  const sc = sysSc.get(nr);
  const own = ev && ev.enter !== 'PPME_GENERIC_E';
  x86_64Syscalls[nr] = {
    nr, name: macro.slice(5),
    ppmSc: sc ? scIds.get(sc) : null, ppmScCode: sc ?? null,
    enterEvent: own ? evtIds.get(ev.enter) : null, exitEvent: own ? evtIds.get(ev.exit) : null,
    enterEventCode: own ? ev.enter : null,
    flags: ev ? ev.flags : [], flagsValue: ev ? ev.flagsValue : 0,
  };
}
for (const nr of new Set([...sysEvt.keys(), ...sysSc.keys()])) if (!x86_64Syscalls[nr]) warn(`syscall table entry ${nr} has no __NR_ name`);

// ---------------------------------------------------------------- libsinsp utils: errno / signal / type names
const seDefs = new Map();
preprocess(readSrc('userspace/libsinsp/sinsp_errno.h'), seDefs);
preprocess(readSrc('userspace/libsinsp/sinsp_signal.h'), seDefs);
const utilsText = stripComments(readSrc('userspace/libsinsp/utils.cpp'));

function switchTable(fn, labelScope) {
  const o = {};
  for (const { labels, ret } of parseSwitchReturns(utilsText, fn)) {
    const s = retString(ret);
    for (const l of labels) {
      if (l === null || s === null || s === '') continue;
      const v = evalExpr(l, labelScope);
      if (!(v in o)) o[v] = s;
    }
  }
  return o;
}
const errnoNames = switchTable('sinsp_utils::errno_to_str', seDefs);
const signalNames = switchTable('sinsp_utils::signal_to_str', seDefs);
const paramTypeNames = switchTable('param_type_to_string', scope);
const printFormatNames = switchTable('print_format_to_string', scope);

// ---------------------------------------------------------------- fd type letters
const scapHdr = stripComments(readSrc('userspace/libscap/scap.h'));
const fdScope = new Map();
const fdEnum = (() => {
  const m = /typedef\s+enum\s+scap_fd_type\s*\{([^}]*)\}/.exec(scapHdr);
  if (!m) fail('scap_fd_type not found');
  return parseEnum(`enum scap_fd_type {${m[1]}}`, 'scap_fd_type', fdScope);
})();
const fdinfoH = new Map();
preprocess(readSrc('userspace/libsinsp/fdinfo.h'), fdinfoH);
const fdinfoCpp = stripComments(readSrc('userspace/libsinsp/fdinfo.cpp'));
function fdSwitch(fn, valueOf) {
  const o = {}; let dflt = null;
  for (const { labels, ret } of parseSwitchReturns(fdinfoCpp, fn)) {
    const v = valueOf(ret);
    for (const l of labels) { if (l === null) dflt = v; else o[fdScope.get(l)] = v; }
  }
  return [Object.fromEntries(Object.entries(o).sort((a, b) => a[0] - b[0])), dflt];
}
const charOf = (r) => {
  const t = fdinfoH.get(r.trim()) ?? r.trim();
  const m = /^'(.)'$/.exec(t);
  if (!m) fail(`fd type char: cannot resolve ${r}`);
  return m[1];
};
const [fdTypeChars, fdTypeCharDefault] = fdSwitch('sinsp_fdinfo_t::get_typechar', charOf);
const [fdTypeNames, fdTypeNameDefault] = fdSwitch('sinsp_fdinfo_t::get_typestring', retString);

// ---------------------------------------------------------------- sanity checks
{
  const open = events[evtIds.get('PPME_SYSCALL_OPEN_X')];
  const want = 'fd,name,flags,mode,dev';
  if (open.params.map((p) => p.name).join(',') !== want) fail('open exit params changed');
  if (errnoNames[2] !== 'ENOENT') fail('errno 2 is not ENOENT');
  if (!flagTables.file_flags.some(([n, v]) => n === 'O_RDONLY' && v === 1)) warn('file_flags O_RDONLY != PPM value 1');
}

// ---------------------------------------------------------------- output
const schema = {
  source: `falcosecurity/libs@${opt.commit.slice(0, 12)}`,
  eventCount: PPM_EVENT_MAX,
  ppmScCount: PPM_SC_MAX,
  syscallTableSize: SYSCALL_TABLE_SIZE,
  categories: enumObj(categories),
  eventFlags: enumObj(eventFlagsE),
  paramTypes: enumObj(paramTypes),
  printFormats: enumObj(printFormats),
  syscallFlags: enumObj(syscallFlags),
  paramTypeNames,
  printFormatNames,
  events,
  flagTables,
  dynTables,
  ppmSyscalls,
  x86_64Syscalls,
  errnoNames,
  signalNames,
  fdTypes: enumObj(fdEnum),
  fdTypeChars,
  fdTypeCharDefault,
  fdTypeNames,
  fdTypeNameDefault,
};

/** JSON with the top two levels expanded and everything deeper on one line (diff-friendly). */
function format(v, depth = 0, ind = '') {
  if (depth >= 2 || v === null || typeof v !== 'object') return JSON.stringify(v);
  const inner = ind + '  ';
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    return `[\n${v.map((x) => inner + format(x, depth + 1, inner)).join(',\n')}\n${ind}]`;
  }
  const ks = Object.keys(v);
  if (!ks.length) return '{}';
  return `{\n${ks.map((k) => `${inner}${JSON.stringify(k)}: ${format(v[k], depth + 1, inner)}`).join(',\n')}\n${ind}}`;
}

mkdirSync(dirname(opt.out), { recursive: true });
writeFileSync(opt.out, format(schema) + '\n');
for (const w of warnings) process.stderr.write(`gen-schema: warning: ${w}\n`);
process.stderr.write(`gen-schema: wrote ${opt.out}: ${events.length} events, ${Object.keys(flagTables).length} flag tables, ` +
  `${Object.keys(dynTables).length} dyn tables, ${ppmSyscalls.length} PPM_SC codes, ${Object.keys(x86_64Syscalls).length} x86_64 syscalls\n`);
