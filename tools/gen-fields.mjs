#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// gen-fields.mjs — builds schema/fields.json, Quarry's normalized table of filter/format fields
// (what `sysdig -l` lists), from the C++ sources of falcosecurity/libs.
//
// Usage:
//   node tools/gen-fields.mjs <libs-dir>                                 (an extracted checkout)
//   node tools/gen-fields.mjs --mirror <bare-git-dir> [--commit SHA]     (reads with `git show`)
// Options: --commit SHA (default e5c53d648f3c, the libs sysdig 0.29.3 is built on; also the label
//          in "source"), --out FILE (default <repo>/schema/fields.json).
//
// Sources read (facts only):
//   userspace/libsinsp/filter_check_list.cpp  the order classes are registered in (= listing order;
//                                             a class whose name+shortdesc repeats is dropped)
//   userspace/libsinsp/filterchecks.cpp       each class constructor (m_info.m_name/m_shortdesc/
//                                             m_desc/m_fields/m_flags) and its field array
//   driver/ppm_events_public.h                PT_* and PF_* values
//   userspace/libsinsp/event.h                EPF_* values
//   userspace/libsinsp/sinsp.h                filter_check_info::FL_* values
// Build configuration assumed (as sysdig's release build): HAS_FILTERING defined; MINIMAL_BUILD,
// CYGWING_AGENT, HAS_ANALYZER, _WIN32 not defined. No plugins are loaded.
//
// Field arguments. Which fields take an argument, and in which form, is code in each class's
// parse_field_name/extract_arg, not data; it is written down below (ARG_RULES) and checked against
// the source: every EPF_REQUIRES_ARGUMENT field needs a rule, and every rule's field name must
// appear in its class's parse_field_name. A field's "arg" in the output is
//   { bare, dot, bracket, dotError?, bracketError?, choices?, onError }
//   bare     the name alone is accepted (otherwise: "filter syntax error: <text>")
//   dot      what `<name>.X` takes, bracket what `<name>[X]` takes (null: form not accepted,
//            "filter syntax error: <text>"), one of
//     evtparam       the longest event parameter name (any event) that prefixes X; none →
//                    "unknown event argument X"
//     int32          X up to the first ']' of the whole text, parsed as a signed 32-bit number
//     uint64         same, unsigned 64-bit (evt.around's timestamp)
//     evttype        a decimal number or an exact event name; no match → the field is unknown
//     cgroup         the longest run of [A-Za-z_] (may be empty)
//     label          the longest run of [A-Za-z0-9/_.-] (may be empty)
//     rest           everything after the '.' to the end of the text
//     index-or-path  X up to the first ']' after the first '['; a number if it parses, else a
//                    mount path or glob (sinsp searches '[' from the end of the field name, so
//                    characters between the name and '[' are skipped)
//     choice         one of "choices"; anything else: only the bare name is consumed
//     reject         the form is refused with dotError / bracketError
//   onError  "throw" (the message is the error) or "unrecognized" (the parse gives length 0, so
//            the field is reported as unknown: proc.apid / proc.aname)
// The argument rules apply to the field found by the usual longest-prefix match inside the class,
// so `evt.args`, `span.tags`, `thread.cgroups`, `container.mounts` … stay plain fields.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripComments } from './lib/csource.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..');

// ---------------------------------------------------------------- arguments
const argv = process.argv.slice(2);
const opt = { commit: 'e5c53d648f3c', out: join(REPO, 'schema', 'fields.json'), mirror: null, dir: null };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--mirror') opt.mirror = argv[++i];
  else if (a === '--commit') opt.commit = argv[++i];
  else if (a === '--out') opt.out = argv[++i];
  else if (a === '-h' || a === '--help') usage(0);
  else if (a.startsWith('-')) usage(2);
  else opt.dir = a;
}
if (!opt.mirror && !opt.dir) usage(2);
function usage(code) {
  process.stderr.write('usage: gen-fields.mjs (<libs-dir> | --mirror <git-dir> [--commit SHA]) [--out FILE]\n');
  process.exit(code);
}
function fail(msg) { process.stderr.write(`gen-fields: ${msg}\n`); process.exit(1); }

function readSrc(rel) {
  if (opt.mirror) {
    return execFileSync('git', ['-C', opt.mirror, 'show', `${opt.commit}:${rel}`],
      { encoding: 'utf8', maxBuffer: 64 << 20 });
  }
  return readFileSync(join(opt.dir, rel), 'utf8');
}

// ---------------------------------------------------------------- argument rules (see header)
const ARG_RULES = {
  // sinsp_filter_check_event::parse_field_name / extract_arg / extract_type
  'evt.type.is': { bare: false, dot: 'evttype', bracket: null },
  'evt.arg': { bare: false, dot: 'evtparam', bracket: 'int32' },
  'evt.rawarg': { bare: false, dot: 'evtparam', bracket: 'reject',
    bracketError: 'evt.arg fields must be expressed explicitly' },
  'evt.around': { bare: false, dot: 'reject', bracket: 'uint64', dotError: 'wrong syntax for evt.around' },
  'evt.abspath': { bare: true, dot: 'choice', bracket: null, choices: ['src', 'dst'] },
  // sinsp_filter_check_thread::parse_field_name / extract_arg
  'proc.apid': { bare: true, dot: null, bracket: 'int32', onError: 'unrecognized' },
  'proc.aname': { bare: true, dot: null, bracket: 'int32', onError: 'unrecognized' },
  'thread.cgroup': { bare: false, dot: 'cgroup', bracket: null },
  // sinsp_filter_check_container::parse_field_name / extract_arg
  'container.mount': { bare: false, dot: null, bracket: 'index-or-path' },
  'container.mount.source': { bare: false, dot: null, bracket: 'index-or-path' },
  'container.mount.dest': { bare: false, dot: null, bracket: 'index-or-path' },
  'container.mount.mode': { bare: false, dot: null, bracket: 'index-or-path' },
  'container.mount.rdwr': { bare: false, dot: null, bracket: 'index-or-path' },
  'container.mount.propagation': { bare: false, dot: null, bracket: 'index-or-path' },
  // sinsp_filter_check_k8s / sinsp_filter_check_mesos ::extract_arg
  'k8s.pod.label': { bare: false, dot: 'label', bracket: null },
  'k8s.rc.label': { bare: false, dot: 'label', bracket: null },
  'k8s.svc.label': { bare: false, dot: 'label', bracket: null },
  'k8s.ns.label': { bare: false, dot: 'label', bracket: null },
  'k8s.rs.label': { bare: false, dot: 'label', bracket: null },
  'k8s.deployment.label': { bare: false, dot: 'label', bracket: null },
  'mesos.task.label': { bare: false, dot: 'label', bracket: null },
  'marathon.app.label': { bare: false, dot: 'label', bracket: null },
  // sinsp_filter_check_tracer::extract_arg
  'span.tag': { bare: false, dot: 'reject', bracket: 'int32', dotError: 'invalid syntax for span.tag' },
  'span.arg': { bare: false, dot: 'rest', bracket: 'int32' },
  'span.enterarg': { bare: false, dot: 'rest', bracket: 'int32' },
  'span.duration.fortag': { bare: false, dot: 'rest', bracket: 'int32' },
  'span.count.fortag': { bare: false, dot: 'rest', bracket: 'int32' },
  'span.childcount.fortag': { bare: false, dot: 'rest', bracket: 'int32' },
  'span.idtag': { bare: false, dot: 'reject', bracket: 'int32', dotError: 'invalid syntax for span.idtag' },
  // sinsp_filter_check_evtin::extract_arg
  ...Object.fromEntries(['', '.p', '.s', '.m'].flatMap((s) => [
    [`evtin.span${s}.tag`, { bare: false, dot: 'evtparam', bracket: 'int32' }],
    [`evtin.span${s}.arg`, { bare: false, dot: 'evtparam', bracket: 'int32' }],
  ])),
};

// ---------------------------------------------------------------- C/C++ text helpers


/** Keeps the lines active under DEFINED (#if/#ifdef/#ifndef/#elif/#else/#endif with defined()). */
function preprocess(src, defined) {
  const evalCond = (expr) => {
    const js = expr.replace(/defined\s*\(\s*(\w+)\s*\)|defined\s+(\w+)/g,
      (_, a, b) => (defined.has(a || b) ? '1' : '0'))
      .replace(/\b[A-Za-z_]\w*\b/g, (w) => (defined.has(w) ? '1' : '0'));
    if (!/^[\s01!&|()]*$/.test(js)) fail(`cannot evaluate #if ${expr}`);
    return Boolean(Function(`"use strict"; return (${js});`)());
  };
  const stack = []; // {active, taken, parentActive}
  const out = [];
  let active = true;
  for (const line of stripComments(src).split('\n')) {
    const m = /^\s*#\s*(\w+)\s*(.*)$/.exec(line);
    if (!m) { out.push(active ? line : ''); continue; }
    const [, dir, rest] = m;
    if (dir === 'if' || dir === 'ifdef' || dir === 'ifndef') {
      const c = dir === 'if' ? evalCond(rest) : dir === 'ifdef' ? defined.has(rest.trim()) : !defined.has(rest.trim());
      stack.push({ parentActive: active, taken: c });
      active = active && c;
    } else if (dir === 'elif') {
      const top = stack[stack.length - 1];
      const c = !top.taken && evalCond(rest);
      top.taken = top.taken || c;
      active = top.parentActive && c;
    } else if (dir === 'else') {
      const top = stack[stack.length - 1];
      active = top.parentActive && !top.taken;
      top.taken = true;
    } else if (dir === 'endif') {
      active = stack.pop().parentActive;
    }
    out.push('');
  }
  return out.join('\n');
}

/** Tokens: {t:'str', v} (adjacent literals joined, escapes decoded), {t:'id'|'num'|'p', v}. */
function tokenize(text) {
  const toks = [];
  const re = /\s+|"((?:[^"\\]|\\.)*)"|([A-Za-z_]\w*(?:::\w+)*)|(\d\w*)|(<<|>>|\S)/gy;
  let m;
  while ((m = re.exec(text)) !== null) {
    if (m[1] !== undefined) {
      const v = unescapeC(m[1]);
      const last = toks[toks.length - 1];
      if (last && last.t === 'str') last.v += v; else toks.push({ t: 'str', v });
    } else if (m[2] !== undefined) toks.push({ t: 'id', v: m[2] });
    else if (m[3] !== undefined) toks.push({ t: 'num', v: m[3] });
    else if (m[4] !== undefined) toks.push({ t: 'p', v: m[4] });
  }
  return toks;
}
function unescapeC(s) {
  const map = { n: '\n', t: '\t', r: '\r', '"': '"', "'": "'", '\\': '\\', '?': '?' };
  return s.replace(/\\(.)/g, (_, c) => {
    if (!(c in map)) fail(`unsupported escape \\${c}`);
    return map[c];
  });
}

/** The text between the braces that follow position START (balanced). */
function braceBody(text, start) {
  const open = text.indexOf('{', start);
  if (open < 0) return null;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') { i++; while (text[i] !== '"') { if (text[i] === '\\') i++; i++; } continue; }
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  return null;
}

/** name -> value of an enum's members (values: integers, <<, |, earlier members; implicit +1). */
function parseEnum(text, re, what) {
  const m = re.exec(text);
  if (!m) fail(`enum ${what} not found`);
  const body = braceBody(text, m.index + m[0].length - 1);
  const vals = new Map();
  let next = 0;
  for (const part of body.split(',')) {
    const e = /^\s*(\w+)\s*(?:=\s*([^]*?))?\s*$/.exec(part);
    if (!e || !e[1]) continue;
    let v = next;
    if (e[2] !== undefined) {
      const js = e[2].replace(/\b[A-Za-z_]\w*\b/g, (w) => {
        if (!vals.has(w)) fail(`enum ${what}: unknown name ${w}`);
        return String(vals.get(w));
      });
      if (!/^[\s\d()<>|+x]*$/.test(js)) fail(`enum ${what}: cannot evaluate ${e[2]}`);
      v = Number(Function(`"use strict"; return (${js});`)());
    }
    vals.set(e[1], v);
    next = v + 1;
  }
  return vals;
}

// ---------------------------------------------------------------- enums
const DEFINED = new Set(['HAS_FILTERING', 'HAS_CAPTURE']);
const PT = parseEnum(stripComments(readSrc('driver/ppm_events_public.h')), /enum\s+ppm_param_type\s*\{/, 'ppm_param_type');
const PF = parseEnum(stripComments(readSrc('driver/ppm_events_public.h')), /enum\s+ppm_print_format\s*\{/, 'ppm_print_format');
const EPF = parseEnum(stripComments(readSrc('userspace/libsinsp/event.h')), /enum\s+filtercheck_field_flags\s*\{/, 'filtercheck_field_flags');
const FL = parseEnum(stripComments(readSrc('userspace/libsinsp/sinsp.h')), /class\s+filter_check_info\s*\{[^{]*enum\s+flags\s*\{/, 'filter_check_info::flags');

// ---------------------------------------------------------------- class order
const listSrc = preprocess(readSrc('userspace/libsinsp/filter_check_list.cpp'), DEFINED);
const ctorAt = listSrc.search(/sinsp_filter_check_list::sinsp_filter_check_list\s*\(\s*\)/);
if (ctorAt < 0) fail('sinsp_filter_check_list constructor not found');
const order = [...braceBody(listSrc, ctorAt).matchAll(/add_filter_check\s*\(\s*new\s+(\w+)\s*\(\s*\)\s*\)/g)].map((m) => m[1]);
if (order.length === 0) fail('no add_filter_check calls found');

// ---------------------------------------------------------------- classes and fields
const fcSrc = preprocess(readSrc('userspace/libsinsp/filterchecks.cpp'), DEFINED);

/** Splits a field array body into rows, each a token list. */
function parseFieldArray(arr) {
  const at = fcSrc.search(new RegExp(`filtercheck_field_info\\s+${arr}\\s*\\[\\s*\\]\\s*=`));
  if (at < 0) fail(`field array ${arr} not found`);
  const toks = tokenize(braceBody(fcSrc, at));
  const rows = [];
  let depth = 0;
  let cur = null;
  for (const tk of toks) {
    if (tk.t === 'p' && tk.v === '{') { if (depth++ === 0) cur = []; else cur.push(tk); continue; }
    if (tk.t === 'p' && tk.v === '}') { if (--depth === 0) rows.push(cur); else cur.push(tk); continue; }
    if (depth > 0) cur.push(tk);
  }
  return rows.map((row) => {
    // split top-level commas
    const parts = [[]];
    let d = 0;
    for (const tk of row) {
      if (tk.t === 'p' && tk.v === '(') d++;
      if (tk.t === 'p' && tk.v === ')') d--;
      if (d === 0 && tk.t === 'p' && tk.v === ',') parts.push([]); else parts[parts.length - 1].push(tk);
    }
    if (parts.length > 6 && parts[parts.length - 1].length === 0) parts.pop();
    if (parts.length !== 6) fail(`${arr}: unexpected row ${JSON.stringify(row.map((t) => t.v))}`);
    const one = (p, t, what) => {
      if (p.length !== 1 || p[0].t !== t) fail(`${arr}: ${what} is not a single ${t}: ${p.map((x) => x.v).join(' ')}`);
      return p[0].v;
    };
    const type = one(parts[0], 'id', 'type');
    const flags = parts[1].filter((t) => t.t === 'id' && t.v.startsWith('EPF_')).map((t) => t.v)
      .filter((f) => f !== 'EPF_NONE');
    const print = one(parts[2], 'id', 'print format');
    const name = one(parts[3], 'str', 'name');
    const display = one(parts[4], 'str', 'display name');
    const desc = one(parts[5], 'str', 'description');
    for (const [n, tab] of [[type, PT], [print, PF], ...flags.map((f) => [f, EPF])]) {
      if (!tab.has(n)) fail(`${arr}/${name}: unknown constant ${n}`);
    }
    return {
      name, type, typeValue: PT.get(type), print, printValue: PF.get(print), flags,
      flagsValue: flags.reduce((a, f) => a | EPF.get(f), 0), display, desc,
    };
  });
}

/** Body of CLS::METHOD(...) { ... } or null. */
function methodBody(cls, method) {
  const at = fcSrc.search(new RegExp(`\\b${cls}::${method}\\s*\\(`));
  return at < 0 ? null : braceBody(fcSrc, at);
}

const classes = [];
for (const cls of order) {
  const body = methodBody(cls, cls);
  if (body === null) fail(`constructor ${cls}::${cls} not found`);
  const strAssign = (member) => {
    const m = new RegExp(`m_info\\.${member}\\s*=\\s*((?:"(?:[^"\\\\]|\\\\.)*"\\s*)+);`).exec(body);
    return m ? tokenize(m[1])[0].v : '';
  };
  const fieldsM = /m_info\.m_fields\s*=\s*(\w+)\s*;/.exec(body);
  if (!fieldsM) fail(`${cls}: m_info.m_fields not found`);
  const flagsM = /m_info\.m_flags\s*=\s*([^;]+);/.exec(body);
  const flags = flagsM ? [...flagsM[1].matchAll(/\bFL_\w+/g)].map((m) => m[0]).filter((f) => f !== 'FL_NONE') : [];
  for (const f of flags) if (!FL.has(f)) fail(`${cls}: unknown class flag ${f}`);
  const entry = { cppClass: cls, name: strAssign('m_name') };
  const shortDesc = strAssign('m_shortdesc');
  if (shortDesc !== '') entry.shortDesc = shortDesc;
  entry.desc = strAssign('m_desc');
  entry.flags = flags;
  entry.fields = parseFieldArray(fieldsM[1]);
  // filter_check_list::add_filter_check drops a class whose name and shortdesc repeat
  if (classes.some((c) => c.name === entry.name && (c.shortDesc ?? '') === (entry.shortDesc ?? ''))) continue;
  classes.push(entry);
}

// ---------------------------------------------------------------- argument rules, checked
const seen = new Set();
for (const c of classes) {
  const pfn = methodBody(c.cppClass, 'parse_field_name') ?? '';
  for (const f of c.fields) {
    if (seen.has(f.name)) fail(`field ${f.name} is defined twice`);
    seen.add(f.name);
    const rule = ARG_RULES[f.name];
    if (!rule) {
      if (f.flags.includes('EPF_REQUIRES_ARGUMENT')) fail(`${f.name} requires an argument but has no rule in ARG_RULES`);
      continue;
    }
    const quoted = `"${f.name}"`;
    const mentioned = pfn.includes(quoted) || (f.name.startsWith('container.mount') &&
      pfn.includes(`"${f.name.slice('container.mount.'.length)}"`));
    if (!mentioned) fail(`ARG_RULES has ${f.name} but ${c.cppClass}::parse_field_name does not mention it`);
    f.arg = { onError: 'throw', ...rule };
  }
}
for (const name of Object.keys(ARG_RULES)) if (!seen.has(name)) fail(`ARG_RULES names unknown field ${name}`);

// ---------------------------------------------------------------- output
const obj = (m) => Object.fromEntries(m);
const schema = {
  source: `falcosecurity/libs@${opt.commit}`,
  paramTypes: obj(PT), printFormats: obj(PF), fieldFlags: obj(EPF), classFlags: obj(FL),
  classes,
};

/** JSON with one line per field, so that diffs of the committed file stay readable. */
function format(s) {
  const lines = ['{'];
  const top = Object.entries(s);
  top.forEach(([k, v], i) => {
    const comma = i < top.length - 1 ? ',' : '';
    if (k !== 'classes') { lines.push(`  ${JSON.stringify(k)}: ${JSON.stringify(v)}${comma}`); return; }
    lines.push('  "classes": [');
    v.forEach((c, ci) => {
      lines.push('    {');
      const { fields, ...head } = c;
      for (const [hk, hv] of Object.entries(head)) lines.push(`      ${JSON.stringify(hk)}: ${JSON.stringify(hv)},`);
      lines.push('      "fields": [');
      fields.forEach((f, fi) => lines.push(`        ${JSON.stringify(f)}${fi < fields.length - 1 ? ',' : ''}`));
      lines.push('      ]');
      lines.push(`    }${ci < v.length - 1 ? ',' : ''}`);
    });
    lines.push(`  ]${comma}`);
  });
  lines.push('}');
  return lines.join('\n') + '\n';
}

mkdirSync(dirname(opt.out), { recursive: true });
writeFileSync(opt.out, format(schema));
const nf = classes.reduce((a, c) => a + c.fields.length, 0);
process.stderr.write(`gen-fields: ${classes.length} classes, ${nf} fields -> ${opt.out}\n`);
