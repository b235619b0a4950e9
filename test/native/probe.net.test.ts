// SPDX-License-Identifier: Apache-2.0
// Probe > socket syscalls: the qwork "net" scenario over loopback, every parameter in order.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ev, runCaptured, scenario, skipReason, i64, u32, u8, paramNames } from './helpers';

const skip = skipReason();

const LOOPBACK = Buffer.from([127, 0, 0, 1]);

/** Decodes an IPv4 SOCKTUPLE: family, sip, sport, dip, dport. */
function tuple4(b: Buffer): [number, string, number, string, number] {
  const ip = (o: number) => [...b.subarray(o, o + 4)].join('.');
  return [u8(b), ip(1), b.readUInt16LE(5), ip(7), b.readUInt16LE(11)];
}

test('probe > net > socket, bind, listen, connect, accept4, sendto, recvfrom, sendmsg, recvmsg, close', { skip }, async () => {
  const run = await runCaptured(['net']);
  const [srv, cli, conn, port, cport] = run.stdout.trim().split(' ').map(Number);
  const evs = scenario(run);
  const expect = [
    'SOCKET_SOCKET_E', 'SOCKET_SOCKET_X', 'SOCKET_BIND_E', 'SOCKET_BIND_X', 'SOCKET_LISTEN_E', 'SOCKET_LISTEN_X',
    'SOCKET_GETSOCKNAME_E', 'SOCKET_GETSOCKNAME_X', // getsockname: the event has no parameters
    'SOCKET_SOCKET_E', 'SOCKET_SOCKET_X', 'SOCKET_CONNECT_E', 'SOCKET_CONNECT_X',
    'SOCKET_ACCEPT4_5_E', 'SOCKET_ACCEPT4_5_X', 'SOCKET_SENDTO_E', 'SOCKET_SENDTO_X',
    'SOCKET_RECVFROM_E', 'SOCKET_RECVFROM_X', 'SOCKET_SENDMSG_E', 'SOCKET_SENDMSG_X',
    'SOCKET_RECVMSG_E', 'SOCKET_RECVMSG_X', 'SYSCALL_CLOSE_E', 'SYSCALL_CLOSE_X',
  ].map(ev);
  assert.deepEqual(evs.slice(0, expect.length).map((e) => e.type), expect);
  for (const e of evs.slice(0, expect.length)) assert.equal(e.params.length, paramNames(e.type).length);
  const p = evs.map((e) => e.params);
  // socket(AF_INET, SOCK_STREAM, 0) = srv
  assert.deepEqual([u32(p[0][0]), u32(p[0][1]), u32(p[0][2]), i64(p[1][0])], [2, 1, 0, srv]);
  // bind(srv, 127.0.0.1:0) = 0; SOCKADDR = family, addr, port
  assert.deepEqual([i64(p[2][0]), i64(p[3][0])], [srv, 0]);
  assert.deepEqual([u8(p[3][1]), p[3][1].subarray(1, 5), p[3][1].readUInt16LE(5)], [2, LOOPBACK, 0]);
  // listen(srv, 8) = 0
  assert.deepEqual([i64(p[4][0]), u32(p[4][1]), i64(p[5][0])], [srv, 8, 0]);
  // getsockname: its own event, with no parameters either way
  assert.deepEqual([p[6].length, p[7].length], [0, 0]);
  // connect(cli, 127.0.0.1:port) = 0, tuple local -> server
  assert.deepEqual([i64(p[10][0]), u8(p[10][1]), p[10][1].subarray(1, 5), p[10][1].readUInt16LE(5)], [cli, 2, LOOPBACK, port]);
  assert.equal(i64(p[11][0]), 0);
  assert.deepEqual(tuple4(p[11][1]), [2, '127.0.0.1', cport, '127.0.0.1', port]);
  // accept4(srv, ..., 0) = conn; tuple peer -> local; queue numbers
  assert.equal(u32(p[12][0]), 0);
  assert.equal(i64(p[13][0]), conn);
  assert.deepEqual(tuple4(p[13][1]), [2, '127.0.0.1', cport, '127.0.0.1', port]);
  assert.deepEqual([u8(p[13][2]), u32(p[13][3]), u32(p[13][4])], [0, 0, 8]);
  // sendto(cli, "ping", 4) = 4
  assert.deepEqual([i64(p[14][0]), u32(p[14][1])], [cli, 4]);
  assert.deepEqual(tuple4(p[14][2]), [2, '127.0.0.1', cport, '127.0.0.1', port]);
  assert.deepEqual([i64(p[15][0]), p[15][1].toString()], [4, 'ping']);
  // recvfrom(conn, buf, 64) = 4 "ping", tuple peer -> local
  assert.deepEqual([i64(p[16][0]), u32(p[16][1])], [conn, 64]);
  assert.deepEqual([i64(p[17][0]), p[17][1].toString()], [4, 'ping']);
  assert.deepEqual(tuple4(p[17][2]), [2, '127.0.0.1', cport, '127.0.0.1', port]);
  // sendmsg(conn, "pong!") = 5
  assert.deepEqual([i64(p[18][0]), u32(p[18][1])], [conn, 5]);
  assert.deepEqual(tuple4(p[18][2]), [2, '127.0.0.1', port, '127.0.0.1', cport]);
  assert.deepEqual([i64(p[19][0]), p[19][1].toString()], [5, 'pong!']);
  // recvmsg(cli) = 5 "pong!", size 64, tuple peer -> local
  assert.equal(i64(p[20][0]), cli);
  assert.deepEqual([i64(p[21][0]), u32(p[21][1]), p[21][2].toString()], [5, 64, 'pong!']);
  assert.deepEqual(tuple4(p[21][3]), [2, '127.0.0.1', port, '127.0.0.1', cport]);
  // close(conn) = 0
  assert.deepEqual([i64(p[22][0]), i64(p[23][0])], [conn, 0]);
  assert.equal(run.stats.drops, 0);
});
