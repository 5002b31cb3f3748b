import { startTrainingFixture } from './lib/training-fixture.js';
import { runE2eLatency } from './e2e-latency.js';
import { runEconomy } from './economy.js';
let t = performance.now();
const fx = await startTrainingFixture(40);
console.log('fixture', ((performance.now() - t) / 1000).toFixed(1), 's');
t = performance.now();
try { console.log(await runE2eLatency(fx, console.log)); console.log(JSON.stringify(await runEconomy(fx, console.log), null, 1)); } finally { await fx.close(); }
console.log('run', ((performance.now() - t) / 1000).toFixed(1), 's');
