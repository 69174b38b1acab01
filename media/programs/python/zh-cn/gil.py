"""GIL：计算密集的线程只能轮流运行，进程却能并排运行。

在 CPython 里，线程必须持有 GIL（全局解释器锁）才能执行 Python 代码，所以纯计算的线程没法同时
用上两个核。每个进程都有自己的解释器和自己的 GIL，所以进程可以。（GIL 按时间交接，默认每 5 毫秒
一次，而不是每执行固定条数的指令交接一次；从 Python 3.13 起还有一个可选的、没有 GIL 的自由线程版本，
例如 python3.13t。）

    python3 gil.py                   顺序执行、线程、进程（每种 --threads 个任务）
    python3 gil.py --variant threads
"""
import argparse
import sys
import time
from multiprocessing import Process
from threading import Thread

WORK = 6_000_000  # 每个任务循环的圈数：在笔记本电脑一级的 CPU 核上大约半秒


def crunch(number, rounds):
    start = time.perf_counter()
    total = 0
    for i in range(rounds):  # 纯 Python 计算：一直都需要 GIL
        total += i * i % 7
    print(f'任务 {number}：{time.perf_counter() - start:.3f} 秒', flush=True)
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
    'sequential': ('顺序执行', sequential),
    'threads': ('线程', with_threads),
    'processes': ('进程', with_processes),
}


def main():
    parser = argparse.ArgumentParser(description='计算密集的任务：顺序执行、用线程、用进程。')
    parser.add_argument('--variant', choices=VARIANTS, help='只运行这一种做法')
    parser.add_argument('--threads', type=int, default=2, help='同时运行的任务数（线程数或进程数）')
    parser.add_argument('--scale', type=float, default=1.0, help='每个任务计算量的倍数')
    args = parser.parse_args()
    gil = getattr(sys, '_is_gil_enabled', lambda: True)()  # 只有自由线程版本上才是 False
    print(f'Python {sys.version.split()[0]}，GIL 是否启用：{gil}，'
          f'切换间隔：{sys.getswitchinterval() * 1000:.1f} 毫秒')
    rounds = int(WORK * args.scale)
    times = {}
    for variant_id, (title, run) in VARIANTS.items():
        if args.variant in (None, variant_id):
            print(f'== {title}：{args.threads} 个任务 ==', flush=True)
            start = time.perf_counter()
            run(args.threads, rounds)
            times[variant_id] = time.perf_counter() - start
            speedup = f'，加速比 {times["sequential"] / times[variant_id]:.2f}（相对顺序执行）' if 'sequential' in times else ''
            print(f'{title}：{times[variant_id]:.3f} 秒{speedup}', flush=True)


if __name__ == '__main__':  # 凡是会启动进程的程序都需要这一行：spawn 和 forkserver 会重新导入这个文件
    main()
