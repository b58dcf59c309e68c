/**
 * Preloaded (`node --require dist/bench/cpu-report.js ...`) into a process the bench measures
 * whole: at exit it writes the process's CPU time (every thread: V8's compiler and GC
 * included) and peak RSS to the file named by XOS_BENCH_CPU_FILE.
 */
import * as fs from 'fs';

const file = process.env.XOS_BENCH_CPU_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.cpuUsage();
    fs.writeFileSync(file, JSON.stringify({ cpuMs: (u.user + u.system) / 1000, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
  });
}
