import { execFileSync } from 'node:child_process';

/**
 * Warns when the open-file limit cannot hold the sockets a run needs. Node cannot raise its own
 * limit, so the npm scripts start through `ulimit -n $(ulimit -Hn)`; this says so when that did not happen.
 */
export function raiseFdLimitNote(sockets: number): void {
  try {
    const soft = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
    const perProcess = Math.ceil(sockets / 2) + 100;
    if (Number.isFinite(soft) && soft < perProcess)
      console.warn(`open-file limit ${soft} is below the ~${perProcess} a process needs: run "ulimit -n $(ulimit -Hn)" first`);
  } catch {
    // Not fatal: the run reports failed connections itself.
  }
}
