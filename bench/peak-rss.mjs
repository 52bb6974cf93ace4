// Preloaded into a child process with `node --import ./bench/peak-rss.mjs …`: when the process
// exits, writes its peak resident set size in bytes (getrusage's maxRSS, exact rather than
// sampled) to the file named by CHATSEAL_PEAK_RSS_FILE. The bench uses it for the real CLI.
import { writeFileSync } from 'node:fs';

const target = process.env.CHATSEAL_PEAK_RSS_FILE;
if (target) process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS * 1024)));
