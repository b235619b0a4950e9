// SPDX-License-Identifier: Apache-2.0
// sysdig's command line, turned into one plain options object.
import { parseArgs } from './args';
import { QuarryError } from '../core/types';

export type BufMode = 'normal' | 'ascii' | 'hex' | 'hexascii' | 'base64';

export interface Options {
  readFiles: string[];
  numEvents: number;          // 0 = unlimited
  debug: boolean;
  timeType: string;           // h a r d D
  verbose: boolean;
  quiet: boolean;
  json: boolean;
  bufMode: BufMode;
  format?: string;
  help: boolean;
  version: boolean;
  libsVersion: boolean;
  listFields: boolean;
  listEvents: boolean;
  listMarkdown: boolean;
  summary: boolean;
  unbuffered: boolean;
  displayFilter: boolean;
  resolvePorts: boolean;
  writeFile?: string;
  chisels: { name: string; args?: string }[];
  listChisels: boolean;
  chiselInfo?: string;
  filter: string;
  /** Options seen but not handled by the file reader (live capture, writing...). */
  other: { key: string; value?: string }[];
}

export function parseOptions(argv: string[]): Options {
  const { opts, rest } = parseArgs(argv);
  const o: Options = {
    readFiles: [], numEvents: 0, debug: false, timeType: 'h', verbose: false, quiet: false, json: false,
    bufMode: 'normal', help: false, version: false, libsVersion: false, listFields: false, listEvents: false, listMarkdown: false,
    summary: false, unbuffered: false, displayFilter: false, resolvePorts: false, chisels: [], listChisels: false,
    filter: rest.join(' '), other: [],
  };
  let bufSet = false;
  const setBuf = (m: BufMode) => {
    if (bufSet) throw new QuarryError('you cannot specify more than one output format');
    bufSet = true;
    o.bufMode = m;
  };
  for (const { key, value } of opts) {
    switch (key) {
      case 'r': o.readFiles.push(value!); break;
      case 'n': {
        const v = value!.trim();
        if (!/^\d+$/.test(v)) throw new QuarryError("can't parse the -n argument, make sure it's a number");
        const n = Number(v);
        if (n === 0) throw new QuarryError('invalid event count 0');
        o.numEvents = n;
        break;
      }
      case 'D': o.debug = true; break;
      case 't':
        if (!['h', 'a', 'r', 'd', 'D'].includes(value!)) throw new QuarryError('invalid modifier for flag -t');
        o.timeType = value!;
        break;
      case 'v': o.verbose = true; break;
      case 'q': o.quiet = true; break;
      case 'j': o.json = true; break;
      case 'A': setBuf('ascii'); break;
      case 'x': setBuf('hex'); break;
      case 'X': setBuf('hexascii'); break;
      case 'b': setBuf('base64'); break;
      case 'p': o.format = value; break;
      case 'h': o.help = true; break;
      case 'version': o.version = true; break;
      case 'libs-version': o.libsVersion = true; break;
      case 'l': o.listFields = true; break;
      case 'L': o.listEvents = true; break;
      case 'list-markdown': o.listMarkdown = true; break;
      case 'S': o.summary = true; break;
      case 'unbuffered': o.unbuffered = true; break;
      case 'd': o.displayFilter = true; break;
      case 'R': o.resolvePorts = true; break;
      case 'w': o.writeFile = value; break;
      case 'c':
        if (value === 'l') o.listChisels = true; else o.chisels.push({ name: value! });
        break;
      case 'list-chisels': o.listChisels = true; break;
      case 'i': o.chiselInfo = value; break;
      default: o.other.push({ key, value });
    }
  }
  return o;
}
