// SPDX-License-Identifier: Apache-2.0
// Field names as pipelines see them. The core owns the full sysdig field table; until it is
// linked in, the host checks names against the field classes sysdig 0.29.3 has, which catches typos.

const CLASSES = new Set([
  'evt', 'proc', 'thread', 'fd', 'fdlist', 'user', 'group', 'syslog', 'container', 'k8s', 'mesos', 'span', 'evtin', 'fspath',
]);

/** Returns an error text if `name` cannot be a sysdig field (e.g. "proc.nmae" passes, "prc.name" does not). */
export function checkFieldName(name: string): string | undefined {
  const m = /^([a-z0-9]+)\.[a-zA-Z0-9_.]+(\[[^\]]*\])?$/.exec(name);
  if (!m) return `"${name}" is not a field name (fields look like proc.name or evt.arg.fd)`;
  if (!CLASSES.has(m[1])) return `unknown field class "${m[1]}" in "${name}"`;
  return undefined;
}
