// SPDX-License-Identifier: Apache-2.0
// Quarry's own help text. The flags and their meaning are sysdig's; the wording is ours.
export const VERSION = '0.1.0';

export const HELP = `quarry version ${VERSION}
Usage: quarry [options] [-p <output_format>] [filter]

Quarry captures and inspects Linux system calls. Its flags, filter language, output
formats and chisels are those of sysdig, so existing sysdig command lines work unchanged.

Reading and writing captures:
 -r <file>, --readfile=<file>   Read events from a capture file (.scap, plain or gzip).
                                May be repeated; the files are read one after another.
 -w <file>, --writefile=<file>  Write the captured events to a capture file.
 -z, --compress                 Gzip the file written with -w.
 -n <num>, --numevents=<num>    Stop after <num> events.
 -M <secs>                      Stop after <secs> seconds of capture time.
 -s <len>, --snaplen=<len>      Bytes of each I/O buffer captured live (default 80).

Output:
 -p <fmt>, --print=<fmt>        Print events with this format (-pp shows the default).
 -j, --json                     One JSON object per event.
 -A, --print-ascii              Show data buffers as printable text only.
 -x, --print-hex                Show data buffers as hex.
 -X, --print-hex-ascii          Show data buffers as hex and text.
 -b, --print-base64             Show data buffers as base64.
 -t h|a|r|d|D, --timetype=...   Time as wall clock (h), absolute seconds (a), relative to
                                the first event (r), syscall latency (d) or delta since the
                                previously printed event (D).
 -v, --verbose                  Do not cut data buffers; print capture statistics at the end.
 -D, --debug                    Also show internal events.
 -q, --quiet                    Do not print events.
 -S, --summary                  Print per-event-type call counts at the end.
 -d, --displayflt               Apply the filter after state tracking, before printing.
 -R, --resolve-ports            Show port numbers as service names in fd names.
 --unbuffered                   Flush output after each event.

Listings and chisels:
 -l, --list                     List the fields usable in filters and formats.
 -L, --list-events              List the event types.
 -c <chisel> [args]             Run a chisel;  -cl lists them;  -i <chisel> describes one.

Other:
 -h, --help                     This help.
 --version                      Print the version.
 quarry pipeline validate|run <file.yaml>
                                Check or run a declarative pipeline (see pipeline.example.yaml).

Without -r, quarry captures live from the kernel (needs root and BPF).
`;
