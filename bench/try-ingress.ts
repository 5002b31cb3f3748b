import { runIngress } from './ingress.js';
import { ensureBuild } from './lib/proc.js';
const runner = await ensureBuild(console.log);
console.log(JSON.stringify(await runIngress(runner, console.log), null, 1));
