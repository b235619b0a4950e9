// SPDX-License-Identifier: Apache-2.0
// In-kernel pre-filtering: the syscalls a live capture asks the probe for. With an engine filter,
// only syscalls whose events the filter can match, plus those whose events keep process and fd
// state (EF_MODIFIES_STATE), are emitted. The core drops every other event before parsing it
// anyway (as sysdig filters events that do not change state before parsing them), so the
// output is the same while the probe writes, and Quarry reads, far fewer events.
import { Core } from '../core/wasm';
import { EVENTS, X86_64_SYSCALLS } from '../filter/events';

export const SYSCALL_TABLE_SIZE = 512;

function mask(core: Core, slot: number, sc: boolean): Uint8Array | undefined {
  const n = core.filterMask(slot, sc ? 1 : 0);
  return n ? new Uint8Array(core.memory.buffer, core.scratchPtr(0), n).slice() : undefined;
}

const modifiesState = (t: number) => EVENTS[t]?.flags.includes('EF_MODIFIES_STATE') ?? true;

/** The probe's syscall mask for engine filter `slot` (512 flags by native number), or undefined
 *  when every syscall is needed. */
export function syscallsForFilter(core: Core, slot: number): Uint8Array | undefined {
  if (slot < 0) return undefined;
  const types = mask(core, slot, false);
  if (!types) return undefined;
  const codes = mask(core, slot, true);
  // syscalls the table does not know come out as generic events of code 0
  const out = new Uint8Array(SYSCALL_TABLE_SIZE).fill(!codes || codes[0] === 1 ? 1 : 0);
  for (const s of X86_64_SYSCALLS) {
    if (s.nr < 0 || s.nr >= SYSCALL_TABLE_SIZE) continue;
    let keep: boolean;
    if (s.enterEvent == null) keep = !codes || codes[s.ppmSc] === 1; // a generic event
    else keep = types[s.enterEvent] === 1 || types[s.exitEvent!] === 1 || modifiesState(s.enterEvent) || modifiesState(s.exitEvent!);
    out[s.nr] = keep ? 1 : 0;
  }
  return out;
}

/** Whether the filter can match context switches (the probe's sched_switch events). */
export function switchesForFilter(core: Core, slot: number): boolean {
  const types = slot >= 0 ? mask(core, slot, false) : undefined;
  return !types || EVENTS.some((e, i) => e.name === 'switch' && types[i] === 1);
}

/** The probe selection for a programmed core: its engine filter's, or else the union over its
 *  queries (each query's rows need the events its filter can match; one without a filter needs
 *  all). QUARRY_ALL_SYSCALLS=1 turns pre-filtering off (every syscall, as sysdig). */
export function selectionForCore(core: Core): { syscalls?: Uint8Array; captureSwitch: boolean } {
  if (process.env.QUARRY_ALL_SYSCALLS === '1') return { captureSwitch: true };
  const engine = core.engineFilterSlot();
  if (engine >= 0) return { syscalls: syscallsForFilter(core, engine), captureSwitch: switchesForFilter(core, engine) };
  const n = core.queryCount();
  if (n === 0) return { captureSwitch: true };
  let union: Uint8Array | undefined = new Uint8Array(SYSCALL_TABLE_SIZE);
  let switches = false;
  for (let q = 0; q < n; q++) {
    const slot = core.queryFilter(q);
    const m = syscallsForFilter(core, slot);
    switches ||= switchesForFilter(core, slot);
    if (!m) { union = undefined; continue; }
    if (union) for (let i = 0; i < SYSCALL_TABLE_SIZE; i++) union[i] |= m[i];
  }
  return { syscalls: union, captureSwitch: switches };
}
