/**
 * `node --import ./bench/cpu-profile-preload.mjs ...` (or in NODE_OPTIONS, where --cpu-prof is not
 * allowed): a CPU profile of the whole process, written to $CPU_PROFILE_DIR when it exits. Used by
 * bench/turn-pairs.ts --profile.
 */
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const session = new Session();
session.connect();
session.post('Profiler.setSamplingInterval', { interval: 500 });
session.post('Profiler.enable');
session.post('Profiler.start');
process.on('exit', () => {
  session.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(join(process.env.CPU_PROFILE_DIR ?? '.', `CPU.${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});
