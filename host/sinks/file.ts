// SPDX-License-Identifier: Apache-2.0
// The file sink appends one event per line, rotates by size and age, keeps max_files rotated files
// (optionally gzipped) and reopens its file on SIGHUP for external log rotation. Rotation happens
// between two lines, and a retried batch resumes where the failed attempt stopped, so across a
// rotation or a failure no event is lost or written twice.
import * as fs from 'fs';
import * as path from 'path';
import { pipeline } from 'stream/promises';
import * as zlib from 'zlib';
import { bool, duration, int, obj, size, str } from '../pipeline/config/schema';
import { GrowBuffer } from './grow';
import { Sink, SinkDefinition, SinkRecord } from './types';

export interface FileConfig {
  path: string;
  rotate: { max_size: number; max_age: number; max_files: number; gzip: boolean };
}

/** Rotated files of `base`, oldest first: base.000001[.gz], base.000002[.gz], ... */
export function rotatedFiles(base: string): string[] {
  const dir = path.dirname(base);
  const prefix = path.basename(base) + '.';
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && /^\d{6,}(\.gz)?$/.test(f.slice(prefix.length)))
    .sort((a, b) => parseInt(a.slice(prefix.length), 10) - parseInt(b.slice(prefix.length), 10))
    .map((f) => path.join(dir, f));
}

class FileSink implements Sink {
  private fd = -1;
  private size = 0;
  private opened = 0;
  private seq: number;
  private compressing = new Set<Promise<void>>();
  private resume?: { batch: readonly SinkRecord[]; done: number };
  private c = { lines: 0, bytes: 0, rotations: 0, reopens: 0, gzip_errors: 0 };
  private closed = false;
  private readonly out = new GrowBuffer(1 << 16);

  constructor(private readonly cfg: FileConfig) {
    fs.mkdirSync(path.dirname(cfg.path), { recursive: true });
    const last = rotatedFiles(cfg.path).pop();
    this.seq = last ? parseInt(last.slice(cfg.path.length + 1), 10) : 0;
    this.open();
  }

  private open(): void {
    this.fd = fs.openSync(this.cfg.path, 'a');
    this.size = fs.fstatSync(this.fd).size;
    this.opened = Date.now();
  }

  private rotate(): void {
    fs.closeSync(this.fd);
    const to = `${this.cfg.path}.${String(++this.seq).padStart(6, '0')}`;
    fs.renameSync(this.cfg.path, to);
    this.c.rotations++;
    this.open();
    if (this.cfg.rotate.gzip) {
      const job = pipeline(fs.createReadStream(to), zlib.createGzip(), fs.createWriteStream(to + '.gz.tmp'))
        .then(() => { fs.renameSync(to + '.gz.tmp', to + '.gz'); fs.unlinkSync(to); })
        .catch(() => { this.c.gzip_errors++; })
        .finally(() => { this.compressing.delete(job); this.prune(); });
      this.compressing.add(job);
    }
    this.prune();
  }

  private prune(): void {
    const files = rotatedFiles(this.cfg.path);
    for (const f of files.slice(0, Math.max(0, files.length - this.cfg.rotate.max_files))) fs.rmSync(f, { force: true });
  }

  private due(adding: number): boolean {
    const { max_size, max_age } = this.cfg.rotate;
    if (this.size === 0) return false;
    return (max_size > 0 && this.size + adding > max_size) || (max_age > 0 && Date.now() - this.opened >= max_age);
  }

  async write(batch: readonly SinkRecord[]): Promise<void> {
    if (this.closed) throw new Error('file sink is closed');
    let i = this.resume?.batch === batch ? this.resume.done : 0;
    this.resume = { batch, done: i };
    const out = this.out;
    while (i < batch.length) {
      out.pos = 0;
      const start = i;
      for (; i < batch.length; i++) {
        // lines the source rendered as bytes are copied, others written as UTF-8
        const r = batch[i];
        const at = out.pos;
        if (r.raw) { out.reserve(r.rawEnd! - r.rawStart! + 1); out.pos += r.raw.copy(out.buf, out.pos, r.rawStart, r.rawEnd); }
        else { out.reserve(r.line.length * 3 + 1); out.pos += out.buf.write(r.line, out.pos); }
        out.buf[out.pos++] = 10;
        if (this.due(out.pos)) { out.pos = at; if (i === start) this.rotate(); break; }
      }
      if (i === start) continue;
      const bytes = out.pos;
      fs.writeSync(this.fd, out.buf, 0, bytes);
      this.size += bytes;
      this.c.lines += i - start;
      this.c.bytes += bytes;
      this.resume.done = i;
    }
    this.resume = undefined;
  }

  /** Reopens the file by name (after an external rotation, on SIGHUP). */
  reopen(): void {
    if (this.closed) return;
    fs.closeSync(this.fd);
    this.open();
    this.c.reopens++;
  }

  async flush(): Promise<void> {
    if (this.fd >= 0 && !this.closed) fs.fsyncSync(this.fd);
    await Promise.all([...this.compressing]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.compressing]);
    fs.closeSync(this.fd);
  }

  counters(): Record<string, number> { return { ...this.c }; }
}

export const fileSink: SinkDefinition<FileConfig> = {
  type: 'file',
  doc: 'Appends one event per line to a file, with size/age rotation, retention and gzip.',
  fields: {
    path: str('file to append to; its directory is created', {}, { required: true }),
    rotate: obj('when to start a new file', {
      max_size: size('rotate before the file would exceed this size; 0 = never', 0),
      max_age: duration('rotate a file this old; 0 = never', '0'),
      max_files: int('rotated files to keep', 1, 100_000, { default: 10 }),
      gzip: bool('gzip rotated files', false),
    }),
  },
  example: 'type: file\npath: /var/log/quarry/events.jsonl\nrotate:\n  max_size: 100MiB\n  max_age: 1h\n  max_files: 5\n  gzip: true\n',
  async checkConnect(cfg) {
    try { fs.mkdirSync(path.dirname(cfg.path), { recursive: true }); fs.accessSync(path.dirname(cfg.path), fs.constants.W_OK); return undefined; }
    catch (e) { return `cannot write to ${path.dirname(cfg.path)}: ${(e as Error).message}`; }
  },
  create: (cfg) => new FileSink(cfg),
};
