"""Concurrency and parallelism, measured.

Concurrency: several tasks are under way at once, taking turns on a core (interleaving).
Parallelism: several tasks run at the same instant on different cores (overlap); it needs more
than one core. Two CPU-bound tasks run one after another, on two threads, and on two processes;
the CPU time used per second of wall time tells how many cores were really busy.

    python3 parallel.py                  sequential, threads, processes
    python3 parallel.py --variant processes --threads 4
"""
import argparse
import os
import time
from multiprocessing import Process
from threading import Thread


WORK = 6_000_000  # loop rounds per task: about half a second on a laptop-class core


def crunch(number, rounds):
    total = 0
    for i in range(rounds):
        total += i * i % 7
    return total


def sequential(tasks, rounds):
    for number in range(1, tasks + 1):
        crunch(number, rounds)


def with_threads(tasks, rounds):
    start_and_wait([Thread(target=crunch, args=(n, rounds)) for n in range(1, tasks + 1)])


def with_processes(tasks, rounds):
    start_and_wait([Process(target=crunch, args=(n, rounds)) for n in range(1, tasks + 1)])


def start_and_wait(workers):
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def cpu_seconds():
    """CPU time of this process (all its threads) plus its finished child processes."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


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
            wall, cpu = time.perf_counter(), cpu_seconds()
            run(args.threads, rounds)
            wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
            busy = cpu / wall
            if variant_id == 'sequential':
                verdict = 'no concurrency: one task at a time'
            elif busy > 1.3:
                verdict = 'parallelism: the tasks overlapped on several cores'
            else:
                verdict = 'concurrency without parallelism: the tasks took turns (interleaved)'
            print(f'{title}: {wall:.3f} s, {busy:.2f} cores busy on average -> {verdict}', flush=True)


if __name__ == '__main__':  # needed wherever processes start: spawn and forkserver re-import this file
    main()
