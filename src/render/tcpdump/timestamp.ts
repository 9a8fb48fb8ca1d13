import type { Frame } from '../../core/frame.js';
import type { Micros } from '../../core/time.js';
import type { TimestampStyle } from './options.js';
import { StringLine, type LineSink } from '../line-sink.js';

const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;

/**
 * tcpdump timestamps at microsecond precision (libpcap scales nanosecond captures down by
 * truncation unless asked for nanoseconds). Local-time formatting is cached per second because
 * building a Date for every packet is the slowest part of a line.
 */
export class TimestampFormatter {
  private cachedSec = Number.NaN;
  private cachedPrefix = '';
  private refSec = Number.NaN;
  private refUsec = 0;

  constructor(private readonly style: TimestampStyle) {}

  /** The timestamp and its trailing space, as a string. */
  format(frame: Frame): string {
    const line = new StringLine();
    this.print(frame, line);
    return line.text;
  }

  /** The timestamp of a pipeline time (whole microseconds since the epoch), as a string. */
  formatMicros(t: Micros): string {
    const line = new StringLine();
    this.printTime(Math.floor(t / 1_000_000), t % 1_000_000, line);
    return line.text;
  }

  print(frame: Frame, out: LineSink): void {
    this.printTime(frame.tsSec, Math.floor(frame.tsNsec / 1000), out);
  }

  private printTime(sec: number, usec: number, out: LineSink): void {
    switch (this.style) {
      case 'none':
        return;
      case 'epoch':
        out.printNumber(sec);
        out.print('.');
        out.printPadded(usec, 6);
        out.print(' ');
        return;
      case 'local-time':
      case 'local-date-time':
        out.print(this.localPrefix(sec));
        out.print('.');
        out.printPadded(usec, 6);
        out.print(' ');
        return;
      default:
        out.print(this.delta(sec, usec));
    }
  }

  /** -ttt and -ttttt: time since the previous or the first packet, as [-]HH:MM:SS.ffffff. */
  private delta(sec: number, usec: number): string {
    if (Number.isNaN(this.refSec)) {
      this.refSec = sec;
      this.refUsec = usec;
    }
    let diff = (sec - this.refSec) * 1_000_000 + (usec - this.refUsec);
    const sign = diff < 0 ? '-' : ' ';
    diff = Math.abs(diff);
    if (this.style === 'delta-previous') {
      this.refSec = sec;
      this.refUsec = usec;
    }
    const secs = Math.floor(diff / 1_000_000);
    const frac = String(diff % 1_000_000).padStart(6, '0');
    return `${sign}${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor(secs / 60) % 60)}:${pad2(secs % 60)}.${frac} `;
  }

  private localPrefix(sec: number): string {
    if (sec !== this.cachedSec) {
      const d = new Date(sec * 1000);
      const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
      this.cachedPrefix =
        this.style === 'local-date-time' ? `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${time}` : time;
      this.cachedSec = sec;
    }
    return this.cachedPrefix;
  }
}
