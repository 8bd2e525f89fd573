/**
 * The round-robin balancer (round-robin.ts) as its own process, for `npm run bench:load:pg`:
 * so its work never shares the load generator's event loop. TARGETS is a comma-separated list
 * of instance URLs; it listens on PORT.
 */
import { roundRobin } from './round-robin.js';

const targets = (process.env.TARGETS ?? '').split(',').filter(Boolean);
if (targets.length === 0) throw new Error('TARGETS: give the instance URLs, comma-separated');
const balancer = await roundRobin(targets, Number(process.env.PORT ?? 0));
console.log(`round robin on ${balancer.url} over ${targets.join(', ')}`);
process.on('SIGTERM', () => void balancer.close().then(() => process.exit(0)));
