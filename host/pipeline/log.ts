// SPDX-License-Identifier: Apache-2.0
// Structured logs: one JSON object per line on stderr, so stdout stays free for event output.

export type Level = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export class Logger {
  constructor(public level: Level = 'info', private readonly out: (line: string) => void = (l) => process.stderr.write(l)) {}

  log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
    if (RANK[level] < RANK[this.level]) return;
    const rec = { time: new Date().toISOString(), level, msg, ...fields };
    this.out(JSON.stringify(rec, (_k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Error ? v.message : v)) + '\n');
  }
  debug(msg: string, f?: Record<string, unknown>): void { this.log('debug', msg, f); }
  info(msg: string, f?: Record<string, unknown>): void { this.log('info', msg, f); }
  warn(msg: string, f?: Record<string, unknown>): void { this.log('warn', msg, f); }
  error(msg: string, f?: Record<string, unknown>): void { this.log('error', msg, f); }
}
