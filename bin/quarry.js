#!/usr/bin/env node
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
require(main).main(process.argv.slice(2)).then((code) => { process.exitCode = code; },
  (err) => { process.stderr.write('quarry: internal error: ' + (err && err.stack || err) + '\n'); process.exitCode = 70; });
