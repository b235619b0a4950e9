// SPDX-License-Identifier: Apache-2.0
// Socket names as sysdig prints them: "1.2.3.4:80->5.6.7.8:1234", IPv6 as inet_ntop does.
import { Builder, cstr, sanitize } from "../util/bytes";
import { Fd } from "../state/tables";

const b = new Builder();

export let resolvePorts: bool = false;
export function setResolvePorts(on: bool): void { resolvePorts = on; }
/** Port → service name table filled by the host for -R (keyed by port*4 + proto: 0 any, 1 tcp, 2 udp). */
export const services = new Map<u32, Uint8Array>();

function port(p: u16, l4: u8): void {
  if (resolvePorts) {
    const proto: u32 = l4 == 2 ? 1 : l4 == 3 ? 2 : 0;
    const k = (<u32>p) * 4 + proto;
    if (services.has(k)) { b.a(services.get(k)); return; }
    const k0 = (<u32>p) * 4;
    if (proto == 0 && services.has(k0)) { b.a(services.get(k0)); return; }
  }
  b.u(p);
}

function ip4(ip: u32): void {
  b.u(ip & 255); b.c(46); b.u((ip >> 8) & 255); b.c(46); b.u((ip >> 16) & 255); b.c(46); b.u(ip >> 24);
}

/** inet_ntop(AF_INET6) into the builder. */
export function ip6To(bb: Builder, a: Uint8Array): void {
  if (a.length < 16) return;
  const w = new StaticArray<u32>(8);
  for (let i = 0; i < 8; i++) w[i] = (<u32>a[2 * i] << 8) | <u32>a[2 * i + 1];
  let bestBase = -1, bestLen = 0, curBase = -1, curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (w[i] == 0) {
      if (curBase == -1) { curBase = i; curLen = 1; } else curLen++;
    } else if (curBase != -1) {
      if (bestBase == -1 || curLen > bestLen) { bestBase = curBase; bestLen = curLen; }
      curBase = -1;
    }
  }
  if (curBase != -1 && (bestBase == -1 || curLen > bestLen)) { bestBase = curBase; bestLen = curLen; }
  if (bestBase != -1 && bestLen < 2) bestBase = -1;
  for (let i = 0; i < 8; i++) {
    if (bestBase != -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i == bestBase) bb.c(58);
      continue;
    }
    if (i != 0) bb.c(58);
    if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff))) {
      bb.u(a[12]); bb.c(46); bb.u(a[13]); bb.c(46); bb.u(a[14]); bb.c(46); bb.u(a[15]);
      return;
    }
    bb.hexLower(w[i]);
  }
  if (bestBase != -1 && bestBase + bestLen == 8) bb.c(58);
}

export function ipv4ServerName(ip: u32, p: u16, l4: u8): Uint8Array {
  b.reset(); ip4(ip); b.c(58); port(p, l4); return b.take();
}

export function ipv4TupleName(sip: u32, sport: u16, dip: u32, dport: u16, l4: u8): Uint8Array {
  b.reset(); ip4(sip); b.c(58); port(sport, l4); b.s("->"); ip4(dip); b.c(58); port(dport, l4); return b.take();
}

export function ipv6ServerName(ip: Uint8Array, p: u16, l4: u8): Uint8Array {
  b.reset(); ip6To(b, ip); b.c(58); port(p, l4); return b.take();
}

export function ipv6TupleName(sip: Uint8Array, sport: u16, dip: Uint8Array, dport: u16, l4: u8): Uint8Array {
  b.reset(); ip6To(b, sip); b.c(58); port(sport, l4); b.s("->"); ip6To(b, dip); b.c(58); port(dport, l4); return b.take();
}

/** sinsp is_ipv4_mapped_ipv6: ::ffff:a.b.c.d, or the all-zero address (taken as IPv4 too). */
export function isMapped(p: usize): bool {
  for (let i = 0; i < 10; i++) if (load<u8>(p + i) != 0) return false;
  if (load<u8>(p + 10) == 0xff && load<u8>(p + 11) == 0xff) return true;
  return load<u8>(p + 10) == 0 && load<u8>(p + 11) == 0 && load<u32>(p + 12) == 0;
}

/** PT_SOCKADDR rendering (sinsp_evt::get_param_as_str), l4 from the event's fd. */
export function sockAddrName(p: usize, len: i32, l4: u8): Uint8Array {
  const bb = new Builder();
  sockAddrTo(bb, p, len, l4);
  return bb.take();
}

export function sockAddrTo(bb: Builder, p: usize, len: i32, l4: u8): void {
  if (len == 0) { bb.s("NULL"); return; }
  const fam = load<u8>(p);
  if (fam == 1) { bb.a(sanitize(cstr(p + 1, len - 1))); return; }
  if (fam == 2) {
    if (len == 7) {
      bb.a(ipv4ServerName(load<u32>(p + 1), load<u16>(p + 5), l4));
      return;
    }
    bb.s("INVALID IPv4"); return;
  }
  if (fam == 10) {
    if (len == 19) {
      const ip = new Uint8Array(16); memory.copy(ip.dataStart, p + 1, 16);
      bb.a(ipv6ServerName(ip, load<u16>(p + 17), l4));
      return;
    }
    bb.s("INVALID IPv6"); return;
  }
  bb.s("family "); bb.i(<i32><i8>fam);
}

/** PT_SOCKTUPLE rendering. */
export function sockTupleName(p: usize, len: i32, l4: u8): Uint8Array {
  // the IPv4 tuple (most sockets) straight from ipv4TupleName: one allocation
  if (len == 13 && load<u8>(p) == 2) return ipv4TupleName(load<u32>(p + 1), load<u16>(p + 5), load<u32>(p + 7), load<u16>(p + 11), l4);
  tupleB.reset();
  sockTupleTo(tupleB, p, len, l4);
  return tupleB.take();
}
/** sockTupleName's text (not `b`, which the names it appends are built in). */
const tupleB = new Builder();

export function sockTupleTo(bb: Builder, p: usize, len: i32, l4: u8): void {
  if (len == 0) { bb.s("NULL"); return; }
  const fam = load<u8>(p);
  if (fam == 2) {
    if (len == 13) { bb.a(ipv4TupleName(load<u32>(p + 1), load<u16>(p + 5), load<u32>(p + 7), load<u16>(p + 11), l4)); return; }
    bb.s("INVALID IPv4"); return;
  }
  if (fam == 10) {
    if (len == 37) {
      if (isMapped(p + 1) && isMapped(p + 19)) {
        bb.a(ipv4TupleName(load<u32>(p + 13), load<u16>(p + 17), load<u32>(p + 31), load<u16>(p + 35), l4));
        return;
      }
      const s = new Uint8Array(16); memory.copy(s.dataStart, p + 1, 16);
      const d = new Uint8Array(16); memory.copy(d.dataStart, p + 19, 16);
      bb.a(ipv6TupleName(s, load<u16>(p + 17), d, load<u16>(p + 35), l4));
      return;
    }
    bb.s("INVALID IPv6"); return;
  }
  if (fam == 1) {
    if (len < 17) { bb.s("family 1"); return; }
    bb.hexLower(load<u64>(p + 1)); bb.s("->"); bb.hexLower(load<u64>(p + 9)); bb.c(32);
    bb.a(sanitize(cstr(p + 17, len - 17)));
    return;
  }
  bb.s("family "); bb.i(<i32><i8>fam);
}

export function ipv4PairName(sip: u32, dip: u32): Uint8Array {
  b.reset(); ip4(sip); b.s("->"); ip4(dip); return b.take();
}

export function ipv6PairName(sip: Uint8Array, dip: Uint8Array): Uint8Array {
  b.reset(); ip6To(b, sip); b.s("->"); ip6To(b, dip); return b.take();
}
