// SPDX-License-Identifier: Apache-2.0
// Reads the collector's OTLP JSON lines and prints one flat JSON object per span (or metric point).
'use strict';
const fs = require('fs');
const [file, kind] = process.argv.slice(2);
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
for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const req = JSON.parse(line);
  for (const rs of req.resourceSpans || req.resourceMetrics || []) {
    const resource = attrs(rs.resource && rs.resource.attributes);
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
