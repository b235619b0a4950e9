// SPDX-License-Identifier: Apache-2.0
// Counters and gauges with labels, rendered in the Prometheus text format for /metrics.

export type Labels = Record<string, string>;

interface Family { help: string; type: 'counter' | 'gauge'; series: Map<string, { labels: Labels; value: number | (() => number) }> }

function key(labels: Labels): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
}

export class Metrics {
  private readonly families = new Map<string, Family>();

  private family(name: string, help: string, type: 'counter' | 'gauge'): Family {
    let f = this.families.get(name);
    if (!f) { f = { help, type, series: new Map() }; this.families.set(name, f); }
    return f;
  }

  /** Adds `n` to a counter. */
  inc(name: string, help: string, labels: Labels, n = 1): void {
    const f = this.family(name, help, 'counter');
    const k = key(labels);
    const s = f.series.get(k);
    if (s && typeof s.value === 'number') s.value += n;
    else f.series.set(k, { labels, value: n });
  }

  /** Sets a gauge, or registers a function read at scrape time. */
  gauge(name: string, help: string, labels: Labels, value: number | (() => number)): void {
    this.family(name, help, 'gauge').series.set(key(labels), { labels, value });
  }

  /** Registers a counter whose value a component keeps itself, read at scrape time. */
  counterFrom(name: string, help: string, labels: Labels, read: () => number): void {
    this.family(name, help, 'counter').series.set(key(labels), { labels, value: read });
  }

  /** Current value (0 when absent); sums over series when `labels` is partial. */
  get(name: string, labels: Labels = {}): number {
    const f = this.families.get(name);
    if (!f) return 0;
    let total = 0;
    for (const s of f.series.values()) {
      if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) total += typeof s.value === 'number' ? s.value : s.value();
    }
    return total;
  }

  /** Drops every series carrying these labels (a sink that went away on reload). */
  forget(labels: Labels): void {
    for (const f of this.families.values()) {
      for (const [k, s] of f.series) if (Object.entries(labels).every(([n, v]) => s.labels[n] === v)) f.series.delete(k);
    }
  }

  render(): string {
    const out: string[] = [];
    for (const [name, f] of [...this.families].sort(([a], [b]) => a.localeCompare(b))) {
      out.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      for (const s of f.series.values()) {
        const v = typeof s.value === 'number' ? s.value : s.value();
        const l = Object.entries(s.labels).map(([k, x]) => `${k}="${x.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',');
        out.push(`${name}${l ? `{${l}}` : ''} ${v}`);
      }
    }
    return out.join('\n') + '\n';
  }
}
