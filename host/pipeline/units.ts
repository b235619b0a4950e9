// SPDX-License-Identifier: Apache-2.0
// Durations ("250ms", "5s", "1h30m") and sizes ("512KiB", "10MB") as they appear in pipeline configs.

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZE_UNITS: Record<string, number> = {
  b: 1, k: 1000, kb: 1000, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9,
  kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3,
};

/** Parses a duration into milliseconds; returns an error text when it is not one. Bare numbers are refused: a unit is required. */
export function parseDuration(text: string): number | string {
  const s = text.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d+)?)([a-zµ]+)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const unit = DURATION_UNITS[m[2]];
    if (unit === undefined) return `unknown duration unit "${m[2]}" in "${text}" (use ns, us, ms, s, m, h, d)`;
    total += Number(m[1]) * unit;
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== s.length) return `"${text}" is not a duration (examples: 250ms, 5s, 1h30m)`;
  return total;
}

/** Parses a size into bytes; returns an error text when it is not one. A bare integer means bytes. */
export function parseSize(text: string): number | string {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) return `"${text}" is not a size (examples: 4096, 512KiB, 10MB, 1GiB)`;
  const unit = SIZE_UNITS[m[2].toLowerCase() || 'b'];
  if (unit === undefined) return `unknown size unit "${m[2]}" in "${text}" (use B, KB, MB, GB, KiB, MiB, GiB)`;
  return Math.floor(Number(m[1]) * unit);
}
