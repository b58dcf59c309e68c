/** Where a command writes: standard output and standard error, replaceable in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

// A reader that stops early (`xos rules | head`) is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};
