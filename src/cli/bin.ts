#!/usr/bin/env node
import { main } from './main.js';

// A reader that stops early (`rampart … | head`) closes the pipe: that is the end of the output, not an error.
// Without a handler Node raises the EPIPE of the next write as an unhandled error with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = main(process.argv);
