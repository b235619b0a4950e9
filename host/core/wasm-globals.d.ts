// SPDX-License-Identifier: Apache-2.0
// The few WebAssembly JS API types Node.js 20 provides at run time (not in lib ES2022).
declare namespace WebAssembly {
  class Module { constructor(bytes: Uint8Array); }
  class Instance { constructor(module: Module, imports?: Record<string, Record<string, unknown>>); readonly exports: Record<string, unknown>; }
  class Memory { readonly buffer: ArrayBuffer; }
  class RuntimeError extends Error {}
}
