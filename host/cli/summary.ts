// SPDX-License-Identifier: Apache-2.0
// -S: the per-event-type call counts table, as sysdig prints it. Counts are kept per slot: the
// event type for most events, and for generic events (syscalls without their own event type)
// EVENTS.length + 2 * syscall code + direction (0 enter, 1 exit), as the core counts them.
import { EVENTS, PPMSC_NAMES } from '../filter/events';

export function summarySlots(): number { return EVENTS.length + 2 * PPMSC_NAMES.length; }

export function summaryTable(slots: number, countOf: (slot: number) => number): string {
  const rows: Array<{ dir: string; name: string; n: number }> = [];
  const nev = EVENTS.length;
  for (let i = 0; i < slots; i++) {
    const n = countOf(i);
    if (!n) continue;
    if (i < nev) rows.push({ dir: EVENTS[i].dir, name: EVENTS[i].name, n });
    else { const id = (i - nev) >> 1; rows.push({ dir: (i - nev) & 1 ? '<' : '>', name: PPMSC_NAMES[id] ?? 'unknown', n }); }
  }
  rows.sort((a, b) => b.n - a.n);
  let out = '----------------------\nEvent           #Calls\n----------------------\n';
  for (const r of rows.slice(0, 100)) out += `${r.dir} ${r.name.slice(0, 16).padEnd(16)}${r.n}\n`; // sysdig cuts names at 16
  return out;
}
