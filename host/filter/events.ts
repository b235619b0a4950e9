// SPDX-License-Identifier: Apache-2.0
// The event table for the host (names, directions, parameters, syscall names), read once from
// schema/events.json.
import * as fs from 'fs';
import * as path from 'path';
import type { EventNames } from '../core/fieldnames';

export interface EventParam { name: string; type: string; typeValue: number; fmt: string; fmtValue: number }
export interface EventInfo { id: number; name: string; dir: string; params: EventParam[]; flags: string[]; category: string }

const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'schema', 'events.json'), 'utf8'));

export const EVENTS: EventInfo[] = schema.events as EventInfo[];
export const EVENT_NAMES: EventNames = { events: EVENTS };
/** Names of the PPM syscall codes (generic events show these as their type). */
export const PPMSC_NAMES: string[] = (schema.ppmSyscalls as Array<{ id: number; name: string }>).map((s) => s.name);
/** The x86_64 syscall table the probe uses: native number -> its event types (null: a generic
 *  event) and PPM_SC code. */
export interface NativeSyscall { nr: number; name: string; ppmSc: number; enterEvent: number | null; exitEvent: number | null }
export const X86_64_SYSCALLS: NativeSyscall[] = Object.values(schema.x86_64Syscalls as Record<string, NativeSyscall>);
