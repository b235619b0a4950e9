// SPDX-License-Identifier: Apache-2.0
// Builds programs inside the core: field references, filters and formats. Names and values
// travel through the core's scratch region; each program is built once, before the scan.
import { Core } from './wasm';
import { ResolvedField } from './fieldnames';
import { EVENTS } from '../filter/events';

export const ARG_NONE = 0, ARG_NAME = 1, ARG_INDEX = 2;

export class CoreProgram {
  constructor(readonly core: Core) {}

  /** Copies bytes into the scratch region; returns their length. */
  scratch(bytes: Uint8Array): number {
    if (bytes.length > 65536) throw new Error('value too long');
    const p = this.core.scratchPtr(65536);
    new Uint8Array(this.core.memory.buffer, p, bytes.length).set(bytes);
    return bytes.length;
  }

  ref(r: ResolvedField): number {
    const name = r.argName ?? '';
    const len = this.scratch(Buffer.from(name, 'utf8'));
    const kind = r.argName !== undefined ? ARG_NAME : r.argIndex !== undefined ? ARG_INDEX : ARG_NONE;
    const id = this.core.refNew(r.id, kind, r.argIndex ?? 0, len);
    if (r.field.name === 'evt.type.is' && r.argName !== undefined) {
      const ids = EVENTS.filter((e) => e.name === r.argName).map((e) => e.id);
      this.core.refSetTypeIs(id, ids[0] ?? -1, ids[1] ?? -1);
    }
    return id;
  }
}
