// SPDX-License-Identifier: Apache-2.0
// thread.cpu* (from procinfo events) and thread.exectime (from switch events): both keep
// state per field reference, as sysdig's filter checks do.
import * as T from "../scap/tables.gen";
import * as F from "./fields.gen";
import { evType, evTs, evCpu, evNParams, pI64 } from "../scap/event";
import { Thread } from "../state/tables";
import { FieldRef } from "./extract";
import { setDbl, setNone, setNum } from "./value";

export function extractCpu(ref: FieldRef, fid: i32, t: Thread): bool {
  if (evType != T.PPME_PROCINFO_E || evNParams < 2) return setNone();
  let total: u64 = 0;
  if (fid != F.F_THREAD_CPU_SYSTEM) total += <u64>pI64(0);
  if (fid != F.F_THREAD_CPU_USER) total += <u64>pI64(1);
  const last = ref.cpuState.has(t.tid) ? ref.cpuState.get(t.tid) : 0;
  let d: f64 = 0;
  if (last != 0) { d = <f64>(total - last); if (d > 100) d = 100; }
  ref.cpuState.set(t.tid, total);
  return setDbl(d);
}

export function extractExectime(ref: FieldRef): bool { return setNum(<i64>exectime(ref)); }

/** sinsp: every extraction adds this event's exec time (0 unless a switch) to the thread's total. */
export function extractTotExectime(ref: FieldRef, t: Thread): bool {
  const add = exectime(ref);
  const tot = (ref.totExec.has(t.tid) ? ref.totExec.get(t.tid) : 0) + add;
  ref.totExec.set(t.tid, tot);
  return setNum(<i64>tot);
}

function exectime(ref: FieldRef): u64 {
  let res: u64 = 0;
  if (evType == T.PPME_SCHEDSWITCH_1_E || evType == T.PPME_SCHEDSWITCH_6_E) {
    while (ref.switchTimes.length <= evCpu) ref.switchTimes.push(0);
    const last = ref.switchTimes[evCpu];
    if (last != 0) res = evTs - last;
    ref.switchTimes[evCpu] = evTs;
  }
  return res;
}
