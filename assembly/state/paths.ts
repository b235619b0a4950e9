// SPDX-License-Identifier: Apache-2.0
// Path joining as sysdig does it (concatenate_paths + copy_and_sanitize_path): relative
// names are appended to the base and ".", ".." and "//" are folded; invalid bytes become '.'.
import { invalidChar } from "../util/bytes";

const tmp = new Uint8Array(8192);

/** Returns the joined path and whether path2 was relative (sysdig returns false for absolute). */
export let lastWasRelative: bool = false;

export function joinPaths(base: Uint8Array, path: usize, plen: i32): Uint8Array {
  // path is bytes up to plen or NUL
  let n = 0;
  while (n < plen && load<u8>(path + n) != 0) n++;
  const total = base.length + n + 1;
  const buf = total <= tmp.length ? tmp : new Uint8Array(total + 1);
  const tb = buf.dataStart;
  let tc: usize;
  if (n != 0 && load<u8>(path) != 0x2f) {
    memory.copy(tb, base.dataStart, base.length);
    tc = tb + base.length;
    lastWasRelative = true;
  } else {
    tc = tb;
    lastWasRelative = false;
  }
  let pc = path;
  const pend = path + n;
  while (true) {
    if (pc >= pend) {
      if (tc > tb + 1 && load<u8>(tc - 1) == 0x2f) tc--;
      break;
    }
    const c = load<u8>(pc);
    const c1: u8 = pc + 1 < pend ? load<u8>(pc + 1) : 0;
    const c2: u8 = pc + 2 < pend ? load<u8>(pc + 2) : 0;
    if (invalidChar(c)) { store<u8>(tc, 0x2e); tc++; pc++; continue; }
    if (c == 0x2e && c1 == 0x2e && c2 == 0x2f) { tc = rewind(tb, tc); pc += 3; }
    else if (c == 0x2e && c1 == 0x2e) {
      if (pc + 2 >= pend) { tc = rewind(tb, tc); pc += 2; }
      else { store<u8>(tc, 0x2e); store<u8>(tc + 1, 0x2e); tc += 2; pc += 2; }
    } else if (c == 0x2e && c1 == 0x2f) { pc += 2; }
    else if (c == 0x2e) {
      if (pc + 1 >= pend) pc++;
      else { store<u8>(tc, c); tc++; pc++; }
    } else if (c == 0x2f) {
      if (tc > tb && load<u8>(tc - 1) == 0x2f) pc++;
      else { store<u8>(tc, c); tc++; pc++; }
    } else { store<u8>(tc, c); tc++; pc++; }
  }
  const len = <i32>(tc - tb);
  const r = new Uint8Array(len);
  memory.copy(r.dataStart, tb, len);
  return r;
}

function rewind(tb: usize, tc: usize): usize {
  if (tc <= tb + 1) return tc;
  tc--;
  while (tc > tb && load<u8>(tc - 1) != 0x2f) tc--;
  return tc;
}
