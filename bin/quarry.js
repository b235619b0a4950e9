#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS QUARRY_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS} node
// SPDX-License-Identifier: Apache-2.0
// Entry point: loads the compiled CLI, or says how to build it.
'use strict';
const path = require('path');
const fs = require('fs');
const main = path.join(__dirname, '..', 'dist', 'host', 'cli', 'main.js');
if (!fs.existsSync(main) || !fs.existsSync(path.join(__dirname, '..', 'build', 'core.wasm'))) {
  process.stderr.write('quarry is not built: run `npm ci && npm run build` in ' + path.join(__dirname, '..') + '\n');
  process.exit(1);
}
// Run through the first line (npx, or the file itself), Node starts without NODE_EXTRA_CA_CERTS:
// Node reads and parses that bundle before any code runs (70 ms of a 100 ms start here), and only
// the pipeline sinks (TLS to Kafka or an OTLP endpoint) can need it. It is kept aside and given
// back to the `pipeline run` child below.
const extraCa = process.env.QUARRY_EXTRA_CA_CERTS;
delete process.env.QUARRY_EXTRA_CA_CERTS;
// `pipeline run` is a service whose sources hand the sinks thousands of decoded events at a time:
// with V8's default young generation (16 MiB semi-spaces) many outlive a scavenge and are promoted
// (file -> Kafka, 515k events: ~100 MB promoted, scavenge pauses ~560 ms; with 64 MiB: ~20 MB and
// ~350 ms). So it runs in a child with 64 MiB semi-spaces; signals are passed on, the exit code back.
const args = process.argv.slice(2);
if (args[0] === 'pipeline' && args[1] === 'run' && !process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) {
  const env = extraCa ? { ...process.env, NODE_EXTRA_CA_CERTS: extraCa } : process.env;
  const child = require('child_process').spawn(process.execPath, ['--max-semi-space-size=64', ...process.execArgv, __filename, ...args], { stdio: 'inherit', env });
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => { process.exitCode = code ?? (signal ? 128 + (require('os').constants.signals[signal] || 0) : 1); });
} else {
  require(main).main(args).then((code) => { process.exitCode = code; },
    (err) => { process.stderr.write('quarry: internal error: ' + (err && err.stack || err) + '\n'); process.exitCode = 70; });
}
