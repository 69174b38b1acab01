"""A thread pool: a few threads, made once, that take tasks from a queue one after another.

Creating and destroying a thread for every small task wastes time; a pool keeps its threads and
hands each the next waiting task. The same 8 tasks (each ~0.2 s of waiting, times --scale) go
through pools of 1, 2, 4 and 8 threads: the more threads, the sooner the queue is empty.

    python3 pool.py                  every pool size in --pools (1,2,4,8)
    python3 pool.py --variant pool-2
"""
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

from labtrace import trace, options

SCALE = 1.0


def work(number):
    start = time.perf_counter()
    with trace.io('task %d' % number):
        time.sleep(0.2 * SCALE)  # stands in for a download or a database query
    return number, time.perf_counter() - start


def run(workers, tasks):
    # max_workers: how many threads the pool may make; the with block waits for every task.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(trace.task(work), number) for number in range(1, tasks + 1)]
        for future in trace.waiting(as_completed(futures)):  # in the order they finish
            number, seconds = future.result()
            print(f'task {number} done in {seconds:.3f} s')


def main():
    global SCALE
    args = options(tasks=8)
    SCALE = args.scale
    for workers in args.pools:
        variant_id = f'pool-{workers}'
        if args.variant in (None, variant_id):
            print(f'== Pool of {workers} ==')
            start = time.perf_counter()
            with trace.variant(variant_id, f'Pool of {workers}'):
                run(workers, args.tasks)
            print(f'Total: {time.perf_counter() - start:.3f} s with {workers} thread(s)')


if __name__ == '__main__':
    main()
