"""The GIL: CPU-bound threads take turns, processes run side by side.

In CPython a thread must hold the Global Interpreter Lock (GIL) to run Python code, so threads
doing pure computation cannot use two cores at once. Every process has its own interpreter and its
own GIL, so processes can. (The GIL is handed over on a timer, every 5 ms by default, not after a
fixed number of instructions; and since Python 3.13 there is an optional free-threaded build without
it, e.g. python3.13t.)

    python3 gil.py                   sequential, threads, processes (--threads tasks each)
    python3 gil.py --variant threads
"""
import argparse
import sys
import time
from multiprocessing import Process
from threading import Thread

WORK = 6_000_000  # loop rounds per task: about half a second on a laptop-class core


def crunch(number, rounds):
    start = time.perf_counter()
    total = 0
    for i in range(rounds):  # pure Python: needs the GIL all the time
        total += i * i % 7
    print(f'task {number}: {time.perf_counter() - start:.3f} s', flush=True)
    return total


def sequential(tasks, rounds):
    for number in range(1, tasks + 1):
        crunch(number, rounds)


def with_threads(tasks, rounds):
    threads = [Thread(target=crunch, args=(n, rounds)) for n in range(1, tasks + 1)]
    start_and_wait(threads)


def with_processes(tasks, rounds):
    processes = [Process(target=crunch, args=(n, rounds)) for n in range(1, tasks + 1)]
    start_and_wait(processes)


def start_and_wait(workers):
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


VARIANTS = {
    'sequential': ('Sequential', sequential),
    'threads': ('Threads', with_threads),
    'processes': ('Processes', with_processes),
}


def main():
    parser = argparse.ArgumentParser(description='CPU-bound work: sequential, on threads, on processes.')
    parser.add_argument('--variant', choices=VARIANTS, help='run only this variant')
    parser.add_argument('--threads', type=int, default=2, help='tasks (threads or processes) at once')
    parser.add_argument('--scale', type=float, default=1.0, help='multiplies the work of each task')
    args = parser.parse_args()
    gil = getattr(sys, '_is_gil_enabled', lambda: True)()  # False only on a free-threaded build
    print(f'Python {sys.version.split()[0]}, GIL enabled: {gil}, '
          f'switch interval: {sys.getswitchinterval() * 1000:.1f} ms')
    rounds = int(WORK * args.scale)
    times = {}
    for variant_id, (title, run) in VARIANTS.items():
        if args.variant in (None, variant_id):
            print(f'== {title}: {args.threads} task(s) ==', flush=True)
            start = time.perf_counter()
            run(args.threads, rounds)
            times[variant_id] = time.perf_counter() - start
            speedup = f', {times["sequential"] / times[variant_id]:.2f}x sequential' if 'sequential' in times else ''
            print(f'{title}: {times[variant_id]:.3f} s{speedup}', flush=True)


if __name__ == '__main__':  # needed wherever processes start: spawn and forkserver re-import this file
    main()
