import { runIntakeBreakdown } from './intake-breakdown.js';
console.log(await runIntakeBreakdown());
