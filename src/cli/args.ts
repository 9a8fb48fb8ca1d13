import { UsageError } from '../core/errors.js';
import { STANDARD_MAX_SNAPLEN } from '../capture/limits.js';
import type { PayloadDump, TimestampStyle } from '../render/tcpdump/options.js';

/** 'none': only side outputs (--flows DIR without a --view, as tcpflow prints nothing). */
export type ViewName = 'packets' | 'exchanges' | 'pairs' | 'summary' | 'none';
const VIEWS: readonly ViewName[] = ['packets', 'exchanges', 'pairs', 'summary'];
const TIMESTAMP_STYLES: readonly TimestampStyle[] = ['local-time', 'none', 'epoch', 'delta-previous', 'local-date-time', 'delta-first'];

export interface CliOptions {
  readonly readFiles: readonly string[];
  readonly interface: string | null;
  readonly writeFile: string | null;
  readonly count: number | undefined;
  /** Live capture: -s (0 means the default, 262144, as in tcpdump), -B in KiB, -Z user. */
  readonly live: LiveCaptureArgs;
  /**
   * Number of -n flags. Host names are never looked up; as in tcpdump 4.99, any -n also keeps
   * ports numeric, and without it well-known ports are named ("http").
   */
  readonly numeric: number;
  readonly payload: PayloadDump;
  readonly timestamps: TimestampStyle;
  readonly view: ViewName;
  readonly json: boolean;
  /** --flows DIR: write each reassembled direction to its own file, named as tcpflow names them. */
  readonly flowsDir: string | null;
  readonly listInterfaces: boolean;
  readonly help: boolean;
  readonly version: boolean;
  /** pcap-filter expression: the remaining words joined by spaces, as tcpdump does. */
  readonly expression: string;
  /** -q: the pairs view without message payloads. */
  readonly quiet: boolean;
  readonly pairing: PairingOptions;
  /** --har FILE: both legs of every pair as HAR entries. */
  readonly harFile: string | null;
  /** --summary: the per-route table (or record, with --json) at the end. */
  readonly summary: boolean;
  /** --fail-on conditions, as given (parsed by the gate). */
  readonly failOn: readonly string[];
  /** --pods FILE: the JSON of `kubectl get pods -A -o json`, to name pod IPs. */
  readonly podsFile: string | null;
  /** --k8s: read the pod list from kubectl now. */
  readonly k8s: boolean;
  /** --tui / --no-tui; null: the TUI when stdout is a terminal and the view is pairs. */
  readonly tui: boolean | null;
  /** --max-pairs N: pairs the TUI keeps (the oldest go first, counted); null: its default. */
  readonly maxPairs: number | null;
  /** --redact[=NAMES]: mask credential headers (and NAMES) everywhere; null without it. */
  readonly redact: readonly string[] | null;
}

export interface LiveCaptureArgs {
  readonly snaplen: number;
  readonly bufferKiB: number | null;
  readonly dropUser: string | null;
}

/** How legs are told apart and compared (--key, --shadow-suffix, --shadow-dst, --ignore-*, --window). */
export interface PairingOptions {
  readonly key: string;
  readonly shadowSuffix: string;
  readonly shadowDestinations: readonly string[];
  readonly ignoreHeaders: readonly string[];
  readonly ignoreJsonPaths: readonly string[];
  /** Seconds to wait for the other leg. */
  readonly windowSeconds: number;
}

/** Short flags that take no value; letters may be bundled (-nntA) as with tcpdump. */
const BOOLEAN_FLAGS = new Set(['n', 'A', 'X', 't', 'D', 'h', 'q']);
/** Short flags that take a value, attached (-c10) or as the next word (-c 10). */
const VALUE_FLAGS = new Set(['r', 'i', 'w', 'c', 's', 'B', 'Z']);

const USAGE = `Usage: shadowdump [-r FILE]... [-i IFACE] [-w FILE] [-c COUNT] [-s SNAPLEN] [-B KIB] [-Z USER]
                  [-n|-nn] [-q|-A|-X] [-t|-tt|-ttt|-tttt|-ttttt]
                  [--view pairs|exchanges|packets|summary] [--json] [--har FILE] [--summary] [--flows DIR]
                  [--key HEADER] [--shadow-suffix SUFFIX] [--shadow-dst HOST|IP|IP:PORT|CIDR]...
                  [--ignore-header NAME]... [--ignore-json-path PATH]... [--window SECONDS]
                  [--fail-on CONDITION[,CONDITION]]... [--pods FILE | --k8s] [--redact[=HEADER,...]]
                  [--tui|--no-tui] [--max-pairs N]
                  [EXPRESSION...]
       shadowdump -D

  --tui, --no-tui         the interactive view (the default for pairs on a terminal), or text
  --view pairs (default)  each mirrored request: primary and shadow side by side, verdict, differences
  --view exchanges        one line per HTTP request and response
  --view packets          one line per packet, as tcpdump prints it
  --view summary          only the per-route table
  --fail-on differ>1%     exit 3 when a condition holds (verdicts: match, differ, shadow-error,
                          shadow-missing, primary-missing, incomplete, ambiguous; also mirror-rate<N%)`;

export function usageText(): string {
  return USAGE;
}

function positiveInteger(flag: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new UsageError(`${flag} needs a positive whole number, got "${value}"`);
  return Number(value);
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const readFiles: string[] = [];
  let iface: string | null = null;
  let writeFile: string | null = null;
  let count: number | undefined;
  let snaplen = 0;
  let bufferKiB: number | null = null;
  let dropUser: string | null = null;
  let numeric = 0;
  let ascii = false;
  let hex = false;
  let tCount = 0;
  let view: ViewName | null = null;
  let json = false;
  let flowsDir: string | null = null;
  let podsFile: string | null = null;
  let k8s = false;
  let redact: string[] | null = null;
  let tui: boolean | null = null;
  let maxPairs: number | null = null;
  let listInterfaces = false;
  let help = false;
  let version = false;
  let quiet = false;
  let harFile: string | null = null;
  let summary = false;
  const failOn: string[] = [];
  let key = 'x-request-id';
  let shadowSuffix = '-shadow';
  let windowSeconds = 10;
  const shadowDestinations: string[] = [];
  const ignoreHeaders: string[] = [];
  const ignoreJsonPaths: string[] = [];
  const words: string[] = [];

  const takeValue = (flag: string, attached: string, i: number): [string, number] => {
    if (attached) return [attached, i];
    const next = argv[i + 1];
    if (next === undefined) throw new UsageError(`${flag} needs a value (see shadowdump -h)`);
    return [next, i + 1];
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, ''];
      switch (name) {
        case '--view': {
          let value: string;
          [value, i] = takeValue(name, inline, i);
          if (!(VIEWS as readonly string[]).includes(value)) throw new UsageError(`--view must be one of ${VIEWS.join(', ')}; got "${value}"`);
          view = value as ViewName;
          break;
        }
        case '--json':
          json = true;
          break;
        case '--pods':
          [podsFile, i] = takeValue(name, inline, i);
          break;
        case '--k8s':
          k8s = true;
          break;
        case '--tui':
          tui = true;
          break;
        case '--no-tui':
          tui = false;
          break;
        case '--max-pairs': {
          let value: string;
          [value, i] = takeValue(name, inline, i);
          maxPairs = positiveInteger('--max-pairs', value);
          break;
        }
        case '--redact':
          // Only an attached value (--redact=x-api-key): a next word could be the filter expression.
          redact = [...(redact ?? []), ...inline.split(',').map((v) => v.trim()).filter((v) => v !== '')];
          break;
        case '--flows':
          [flowsDir, i] = takeValue(name, inline, i);
          break;
        case '--har':
          [harFile, i] = takeValue(name, inline, i);
          break;
        case '--summary':
          summary = true;
          break;
        case '--fail-on':
        case '--shadow-dst':
        case '--ignore-header':
        case '--ignore-json-path': {
          let value: string;
          [value, i] = takeValue(name, inline, i);
          const list = { '--fail-on': failOn, '--shadow-dst': shadowDestinations, '--ignore-header': ignoreHeaders, '--ignore-json-path': ignoreJsonPaths }[name];
          // JSON paths may hold commas ($['a,b']); the other lists may be given comma-separated.
          list.push(...(name === '--ignore-json-path' ? [value] : value.split(',').map((v) => v.trim()).filter((v) => v !== '')));
          break;
        }
        case '--key':
          [key, i] = takeValue(name, inline, i);
          if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) throw new UsageError(`--key must be a header name (letters, digits, -), got "${key}"`);
          break;
        case '--shadow-suffix':
          [shadowSuffix, i] = takeValue(name, inline, i);
          if (shadowSuffix === '') throw new UsageError('--shadow-suffix must not be empty (for meshes that add none, name the shadow with --shadow-dst)');
          break;
        case '--window': {
          let value: string;
          [value, i] = takeValue(name, inline, i);
          if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw new UsageError(`--window needs a positive number of seconds, got "${value}"`);
          windowSeconds = Number(value);
          break;
        }
        case '--help':
          help = true;
          break;
        case '--version':
          version = true;
          break;
        default:
          throw new UsageError(`unknown option ${name} (see shadowdump --help)`);
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j];
        if (VALUE_FLAGS.has(letter)) {
          let value: string;
          [value, i] = takeValue(`-${letter}`, arg.slice(j + 1), i);
          if (letter === 'r') readFiles.push(value);
          else if (letter === 'i') iface = value;
          else if (letter === 'w') writeFile = value;
          else if (letter === 's') snaplen = /^\d+$/.test(value) ? Number(value) : positiveInteger('-s', value);
          else if (letter === 'B') bufferKiB = positiveInteger('-B', value);
          else if (letter === 'Z') dropUser = value;
          else count = positiveInteger('-c', value);
          break;
        }
        if (!BOOLEAN_FLAGS.has(letter)) throw new UsageError(`unknown option -${letter} (see shadowdump -h)`);
        if (letter === 'n') numeric++;
        else if (letter === 'A') ascii = true;
        else if (letter === 'X') hex = true;
        else if (letter === 't') tCount++;
        else if (letter === 'D') listInterfaces = true;
        else if (letter === 'q') quiet = true;
        else help = true;
      }
      continue;
    }
    words.push(arg);
  }

  if (tCount >= TIMESTAMP_STYLES.length) throw new UsageError(`-t may be given at most ${TIMESTAMP_STYLES.length - 1} times`);
  return {
    readFiles,
    interface: iface,
    writeFile,
    count,
    live: { snaplen: snaplen === 0 ? STANDARD_MAX_SNAPLEN : Math.min(snaplen, STANDARD_MAX_SNAPLEN), bufferKiB, dropUser },
    numeric,
    // As in tcpdump, -X wins over -A.
    payload: hex ? 'hex-ascii' : ascii ? 'ascii' : 'none',
    timestamps: TIMESTAMP_STYLES[tCount],
    // Side outputs alone (--flows DIR, or -w FILE as with tcpdump) print no view.
    view: view ?? (flowsDir !== null || (writeFile !== null && !json && !summary && harFile === null && failOn.length === 0) ? 'none' : 'pairs'),
    json,
    flowsDir,
    listInterfaces,
    help,
    version,
    expression: words.join(' '),
    quiet,
    pairing: { key, shadowSuffix, shadowDestinations, ignoreHeaders, ignoreJsonPaths, windowSeconds },
    harFile,
    summary,
    failOn,
    podsFile,
    k8s,
    redact,
    tui,
    maxPairs,
  };
}
