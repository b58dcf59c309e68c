// Preloaded (node -r) into a measured process: on exit, its peak resident set size in KB is
// written to the file XOS_MAX_RSS_FILE names. The measure is the process's own, whole.
const fs = require('fs');
const file = process.env.XOS_MAX_RSS_FILE;
if (file) process.on('exit', () => fs.writeFileSync(file, String(process.resourceUsage().maxRSS)));
