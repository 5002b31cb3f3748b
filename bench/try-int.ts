import { runInternship } from './internship.js';
const t = performance.now();
console.log(await runInternship(console.log));
console.log('total', ((performance.now() - t) / 1000).toFixed(1), 's');
