// SPDX-License-Identifier: Apache-2.0
// Reads the collector's OTLP JSON lines and prints one flat JSON object per span (or metric point),
// optionally only those of one service. The file is streamed line by line: after a benchmark it can
// hold more than a JavaScript string can.
'use strict';
const fs = require('fs');
const readline = require('readline');
const [file, kind, onlyService] = process.argv.slice(2);
if (!fs.existsSync(file)) process.exit(0);
const attrs = (list) => Object.fromEntries((list || []).map((a) => [a.key, plain(a.value)]));
function plain(v) {
  if (!v) return null;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return String(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('boolValue' in v) return v.boolValue;
  return JSON.stringify(v);
}
function flatten(line) {
  if (!line.trim()) return;
  // a request that does not mention the service cannot hold its spans
  if (onlyService && !line.includes(JSON.stringify(onlyService))) return;
  const req = JSON.parse(line);
  for (const rs of req.resourceSpans || req.resourceMetrics || []) {
    const resource = attrs(rs.resource && rs.resource.attributes);
    if (onlyService && resource['service.name'] !== onlyService) continue;
    for (const ss of rs.scopeSpans || rs.scopeMetrics || []) {
      if (kind === 'metrics') {
        for (const m of ss.metrics || []) {
          const h = m.histogram || m.exponentialHistogram || m.sum || m.gauge || {};
          for (const dp of h.dataPoints || []) {
            process.stdout.write(JSON.stringify({ name: m.name, unit: m.unit, attributes: attrs(dp.attributes), count: dp.count, sum: dp.sum, bucketCounts: dp.bucketCounts, explicitBounds: dp.explicitBounds, value: dp.asInt ?? dp.asDouble }) + '\n');
          }
        }
        continue;
      }
      for (const s of ss.spans || []) {
        process.stdout.write(JSON.stringify({
          traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || '', name: s.name, kind: s.kind,
          startTimeUnixNano: s.startTimeUnixNano, endTimeUnixNano: s.endTimeUnixNano,
          attributes: attrs(s.attributes), status: s.status || {}, service: resource['service.name'] ?? null,
        }) + '\n');
      }
    }
  }
}

process.stdout.on('error', (e) => { if (e.code === 'EPIPE') process.exit(0); throw e; });
const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
lines.on('line', flatten);
