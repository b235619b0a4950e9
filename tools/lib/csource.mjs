// SPDX-License-Identifier: Apache-2.0
// Helpers the table generators share for reading C sources.

/** Blanks comments (keeping line structure), keeps string literals, joins continued lines. */
export function stripComments(src) {
  let out = '';
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const body = src.slice(i, end < 0 ? n : end + 2);
      out += body.replace(/[^\n]/g, ' ');   // keep line structure
      i = end < 0 ? n : end + 2;
    } else if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && src[j] !== c) { if (src[j] === '\\') j++; j++; }
      out += src.slice(i, j + 1);
      i = j + 1;
    } else { out += c; i++; }
  }
  return out.replace(/\\\r?\n/g, ' ');
}
