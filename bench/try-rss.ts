import { startApi } from './lib/trellis-proc.js';
import { benchPrefix } from './lib/redis.js';
import { sleep } from './lib/stats.js';
const api = await startApi({ runner: 'dist', prefix: benchPrefix('rss'), gitlabUrl: 'http://127.0.0.1:9' });
for (let i = 0; i < 3; i++) { console.log(api.child.memory()); await sleep(1000); }
await api.child.stop();
