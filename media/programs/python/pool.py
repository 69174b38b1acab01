"""A thread pool: a few threads, made once, that take tasks from a queue one after another.

Creating and destroying a thread for every small task wastes time; a pool keeps its threads and
hands each the next waiting task. The same 8 tasks (each ~0.2 s of waiting, times --scale) go
through pools of 1, 2, 4 and 8 threads: the more threads, the sooner the queue is empty.

    python3 pool.py                  every pool size in --pools (1,2,4,8)
    python3 pool.py --variant pool-2
"""
import argparse
import time
from concurrent.futures import ThreadPoolExecutor, as_completed


SCALE = 1.0


def work(number):
    start = time.perf_counter()
    time.sleep(0.2 * SCALE)  # stands in for a download or a database query
    return number, time.perf_counter() - start


def run(workers, tasks):
    # max_workers: how many threads the pool may make; the with block waits for every task.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(work, number) for number in range(1, tasks + 1)]
        for future in as_completed(futures):  # in the order they finish
            number, seconds = future.result()
            print(f'task {number} done in {seconds:.3f} s')


def main():
    global SCALE
    parser = argparse.ArgumentParser(description='One batch of tasks through pools of several sizes.')
    parser.add_argument('--variant', help='run only this pool, e.g. pool-2')
    parser.add_argument('--tasks', type=int, default=8, help='how many tasks')
    parser.add_argument('--pools', default='1,2,4,8', type=lambda text: [int(n) for n in text.split(',') if n],
                        help='pool sizes to compare, e.g. 1,2,4')
    parser.add_argument('--scale', type=float, default=1.0, help='multiplies every task time')
    args = parser.parse_args()
    SCALE = args.scale
    for workers in args.pools:
        variant_id = f'pool-{workers}'
        if args.variant in (None, variant_id):
            print(f'== Pool of {workers} ==')
            start = time.perf_counter()
            run(workers, args.tasks)
            print(f'Total: {time.perf_counter() - start:.3f} s with {workers} thread(s)')


if __name__ == '__main__':
    main()
