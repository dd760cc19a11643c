// The progress bar of long runs (import, traffic, replay, usage, least-privilege): drawn on stderr when it is a
// terminal, nothing at all when it is not (piped, redirected, CI), redrawn at most every 100 ms, with an
// estimate of the time left once a part is done.

export interface ProgressBar {
  update(done: number, total: number, note?: string): void;
  /** clears the bar (when one was drawn) */
  end(): void;
}

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr, enabled = true): ProgressBar {
  if (!enabled || !stream.isTTY) return { update() {}, end() {} };
  let last = 0;
  let drawn = false;
  const t0 = Date.now();
  return {
    update(done, total, note) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      drawn = true;
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      const width = 28;
      const full = Math.round(frac * width);
      const secs = (now - t0) / 1000;
      const eta = frac > 0 && frac < 1 && secs >= 2 ? ` eta ${Math.round((secs / frac) * (1 - frac))}s` : '';
      stream.write(`\r${label} [${'='.repeat(full)}${' '.repeat(width - full)}] ${String(Math.floor(frac * 100)).padStart(3)}%${note ? ` ${note}` : ''}${eta}\x1b[K`);
    },
    end() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
