import { runFanout } from './fanout.js';
const t = performance.now();
console.log(await runFanout(console.log));
console.log('total', ((performance.now() - t) / 1000).toFixed(1), 's');
