// SPDX-License-Identifier: Apache-2.0
// Names of the PPM syscall codes (generic events), from schema/events.json.
import * as fs from 'fs';
import * as path from 'path';

const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'schema', 'events.json'), 'utf8'));
export const PPMSC_NAMES: string[] = (schema.ppmSyscalls as Array<{ id: number; name: string }>).map((s) => s.name);
