"""Concurrency and parallelism, measured.

Concurrency: several tasks are under way at once, taking turns on a core (interleaving).
Parallelism: several tasks run at the same instant on different cores (overlap); it needs more
than one core. Two CPU-bound tasks run one after another, on two threads, and on two processes;
the CPU time used per second while the tasks ran tells how many cores were really busy. Each task
reports when it ran and its own CPU time through a queue (under the spawn and forkserver start
methods a finished process's CPU does not show in the parent's os.times()); starting processes
takes time too, printed apart, so it is not mistaken for taking turns.

    python3 parallel.py                  sequential, threads, processes
    python3 parallel.py --variant processes --threads 4
"""
import argparse
import os
import time
from multiprocessing import Process, SimpleQueue
from threading import Thread


WORK = 6_000_000  # loop rounds per task: about half a second on a laptop-class core


def crunch(number, rounds, reports):
    began, cpu = time.perf_counter(), time.thread_time()  # thread_time: this thread's CPU alone
    total = 0
    for i in range(rounds):
        total += i * i % 7
    reports.put((began, time.perf_counter(), time.thread_time() - cpu))
    return total


def sequential(tasks, rounds, reports):
    for number in range(1, tasks + 1):
        crunch(number, rounds, reports)


def with_threads(tasks, rounds, reports):
    start_and_wait([Thread(target=crunch, args=(n, rounds, reports)) for n in range(1, tasks + 1)])


def with_processes(tasks, rounds, reports):
    start_and_wait([Process(target=crunch, args=(n, rounds, reports)) for n in range(1, tasks + 1)])


def start_and_wait(workers):
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


VARIANTS = {
    'sequential': ('Sequential', sequential, 'one after another'),
    'threads': ('Threads', with_threads, 'at once'),
    'processes': ('Processes', with_processes, 'at once'),
}


def main():
    parser = argparse.ArgumentParser(description='Two CPU-bound tasks: one after another, on threads, on processes.')
    parser.add_argument('--variant', choices=VARIANTS, help='run only this variant')
    parser.add_argument('--threads', type=int, default=2, help='tasks (threads or processes) at once')
    parser.add_argument('--scale', type=float, default=1.0, help='multiplies the work of each task')
    args = parser.parse_args()
    print(f'{os.cpu_count()} CPU core(s) on this machine')
    rounds = int(WORK * args.scale)
    for variant_id, (title, run, how) in VARIANTS.items():
        if args.variant in (None, variant_id):
            print(f'== {title}: {args.threads} task(s) {how} ==', flush=True)
            reports = SimpleQueue()  # a pipe: no helper thread, and it works across processes
            start = time.perf_counter()
            run(args.threads, rounds, reports)
            wall = time.perf_counter() - start
            done = [reports.get() for _ in range(args.threads)]  # (began, ended, cpu) per task
            first, last = min(d[0] for d in done), max(d[1] for d in done)
            busy = sum(d[2] for d in done) / (last - first)
            if variant_id == 'sequential':
                verdict = 'no concurrency: one task at a time'
            elif busy > 1.3:
                verdict = 'parallelism: the tasks overlapped on several cores'
            else:
                verdict = 'concurrency without parallelism: the tasks took turns (interleaved)'
            print(f'{title}: {wall:.3f} s ({first - start:.3f} s to start), '
                  f'{busy:.2f} cores busy while the tasks ran -> {verdict}', flush=True)


if __name__ == '__main__':  # needed wherever processes start: spawn and forkserver re-import this file
    main()
