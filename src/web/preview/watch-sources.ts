// Watch the folders an editor saves into (data, templates, the archive) and report each burst
// of saves once: editors write a file in several syscalls, and "save all" touches many files.
import { existsSync, type FSWatcher, watch } from 'node:fs';
import path from 'node:path';

export type WatchOptions = {
  dirs: string[];
  /** Quiet time after the last event before reporting, in ms. */
  debounceMs?: number;
  onChange: (files: string[]) => void;
  onError?: (error: Error) => void;
};

export type SourceWatcher = { close: () => void };

/** Editor swap and backup files are noise, not saves. */
const IGNORED = /(^|\/)(\.#|#|\.[^/]*\.sw[a-p]$|[^/]*~$|4913$)/;

export function watchSources(opts: WatchOptions): SourceWatcher {
  const debounceMs = opts.debounceMs ?? 100;
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const files = [...pending].sort();
    pending.clear();
    if (files.length > 0) opts.onChange(files);
  };
  const watchers: FSWatcher[] = [];
  for (const dir of new Set(opts.dirs.map((d) => path.resolve(d)))) {
    // A folder that does not exist yet (an empty archive) is simply not watched.
    if (!existsSync(dir)) continue;
    try {
      const w = watch(dir, { recursive: true }, (_event, name) => {
        const file = name ? path.join(dir, name.toString()) : dir;
        if (IGNORED.test(file.split(path.sep).join('/'))) return;
        pending.add(file);
        clearTimeout(timer);
        timer = setTimeout(flush, debounceMs);
      });
      w.on('error', (e) => opts.onError?.(e));
      watchers.push(w);
    } catch (e) {
      opts.onError?.(e as Error);
    }
  }
  return {
    close() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
