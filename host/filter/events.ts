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
