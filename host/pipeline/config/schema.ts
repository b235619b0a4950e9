// SPDX-License-Identifier: Apache-2.0
// A small schema language for pipeline configs. Every component declares its keys with it; the
// validator (validate.ts) walks the YAML nodes against it, so each mistake gets the line and column
// of the node that holds it.

export type Schema =
  | { kind: 'string'; enum?: string[]; check?: (v: string) => string | undefined; template?: boolean; secret?: boolean }
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'number'; min?: number; max?: number }
  | { kind: 'bool' }
  /** A duration such as "250ms"; the value becomes milliseconds. */
  | { kind: 'duration'; min?: number; max?: number }
  /** A size such as "8MiB" or 4096; the value becomes bytes. */
  | { kind: 'size'; min?: number; max?: number }
  /** A list; `orScalar` also accepts one bare item. */
  | { kind: 'list'; of: Schema; minItems?: number; orScalar?: boolean }
  /** Named entries chosen by the user (pipelines, sinks, headers). */
  | { kind: 'map'; of: Schema; minItems?: number; what: string }
  | { kind: 'object'; fields: Record<string, Field> }
  /** An object whose `type` key picks the variant; `common` keys are allowed in every variant. */
  | { kind: 'typed'; what: string; variants: Record<string, Record<string, Field>>; common?: Record<string, Field> }
  /** Any scalar, converted by `parse` (returns an error text or the value). */
  | { kind: 'scalar'; describe: string; parse: (v: unknown) => { value: unknown } | { error: string } };

export interface Field {
  schema: Schema;
  required?: boolean;
  default?: unknown;
  /** One line for COMPONENTS.md and error hints. */
  doc: string;
}

export const str = (doc: string, extra: Partial<Extract<Schema, { kind: 'string' }>> = {}, more: Partial<Field> = {}): Field =>
  ({ schema: { kind: 'string', ...extra }, doc, ...more });
export const int = (doc: string, min?: number, max?: number, more: Partial<Field> = {}): Field =>
  ({ schema: { kind: 'int', min, max }, doc, ...more });
export const num = (doc: string, min?: number, max?: number, more: Partial<Field> = {}): Field =>
  ({ schema: { kind: 'number', min, max }, doc, ...more });
export const bool = (doc: string, dflt?: boolean): Field => ({ schema: { kind: 'bool' }, doc, default: dflt });
export const duration = (doc: string, dflt?: string, min?: number, max?: number): Field =>
  ({ schema: { kind: 'duration', min, max }, doc, default: dflt });
export const size = (doc: string, dflt?: string | number, min?: number): Field =>
  ({ schema: { kind: 'size', min }, doc, default: dflt });
export const obj = (doc: string, fields: Record<string, Field>, more: Partial<Field> = {}): Field =>
  ({ schema: { kind: 'object', fields }, doc, default: {}, ...more });
export const enumOf = (doc: string, values: string[], dflt?: string): Field =>
  ({ schema: { kind: 'string', enum: values }, doc, default: dflt });

/** Edit distance, for did-you-mean hints. */
export function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length];
}

/** " (did you mean X?)" when one candidate is close to `word`, else "". */
export function didYouMean(word: string, candidates: string[]): string {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = distance(word.toLowerCase(), c.toLowerCase());
    if (dist < bestD) { bestD = dist; best = c; }
  }
  if (best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3))) return ` (did you mean "${best}"?)`;
  const prefixed = word.length >= 3 ? candidates.find((c) => c.toLowerCase().startsWith(word.toLowerCase())) : undefined;
  return prefixed ? ` (did you mean "${prefixed}"?)` : '';
}
