import { runScale } from './scale.js';
import { ensureBuild } from './lib/proc.js';
const runner = await ensureBuild(console.log);
const t = performance.now();
console.log(await runScale(runner, console.log));
console.log('total', ((performance.now() - t) / 1000).toFixed(1), 's');
