// SPDX-License-Identifier: Apache-2.0
// Kernel open flags -> PPM_O_* (the encoding scap files and events use), as the real driver
// converts them. Used for the fd table of a /proc scan.

const O = {
  WRONLY: 0o1, RDWR: 0o2, CREAT: 0o100, EXCL: 0o200, TRUNC: 0o1000, APPEND: 0o2000, NONBLOCK: 0o4000,
  DSYNC: 0o10000, DIRECT: 0o40000, LARGEFILE: 0o100000, DIRECTORY: 0o200000, CLOEXEC: 0o2000000,
  SYNC: 0o4010000, TMPFILE: 0o20200000,
};

export function openFlagsToPpm(f: number): number {
  let r = (f & 3) === O.WRONLY ? 2 : (f & 3) === O.RDWR ? 3 : 1;
  const bit = (k: number, b: number) => { if (f & k) r |= 1 << b; };
  bit(O.CREAT, 2); bit(O.APPEND, 3); bit(O.DSYNC, 4); bit(O.EXCL, 5); bit(O.NONBLOCK, 6);
  bit(O.SYNC, 7); bit(O.TRUNC, 8); bit(O.DIRECT, 9); bit(O.DIRECTORY, 10); bit(O.LARGEFILE, 11);
  bit(O.CLOEXEC, 12); bit(O.TMPFILE, 13);
  return r >>> 0;
}
