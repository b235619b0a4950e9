// SPDX-License-Identifier: Apache-2.0
// The event table for the host (names, directions, parameters), read from schema/events.json.
import * as fs from 'fs';
import * as path from 'path';
import type { EventNames } from '../core/fieldnames';

export interface EventParam { name: string; type: string; typeValue: number; fmt: string; fmtValue: number }
export interface EventInfo { id: number; name: string; dir: string; params: EventParam[]; flags: string[]; category: string }

function load(): EventInfo[] {
  const p = path.join(__dirname, '..', '..', '..', 'schema', 'events.json');
  return JSON.parse(fs.readFileSync(p, 'utf8')).events as EventInfo[];
}

export const EVENTS: EventInfo[] = load();
export const EVENT_NAMES: EventNames = { events: EVENTS };
