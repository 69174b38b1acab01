"""并发与并行，实际测一测。

并发：几个任务在同一段时间里都在进行，轮流使用一个核（交替执行）。
并行：几个任务在同一时刻运行在不同的核上（真正重叠），至少要有两个核。两个计算密集的任务分别
顺序执行、用两个线程、用两个进程各跑一遍；任务运行期间平均每秒用掉的 CPU 时间，说明真正忙起来的
有几个核。每个任务通过一个队列报告自己何时运行、用了多少 CPU 时间（在 spawn 和 forkserver 启动方法下，
结束了的子进程的 CPU 时间不会算进父进程的 os.times()）；启动进程本身也要花时间，单独打印出来，
免得被误当成轮流运行。

    python3 parallel.py                  顺序执行、线程、进程
    python3 parallel.py --variant processes --threads 4
"""
import argparse
import os
import time
from multiprocessing import Process, SimpleQueue
from threading import Thread


WORK = 6_000_000  # 每个任务循环的圈数：在笔记本电脑一级的 CPU 核上大约半秒


def crunch(number, rounds, reports):
    began, cpu = time.perf_counter(), time.thread_time()  # thread_time：只算这个线程自己的 CPU 时间
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
    'sequential': ('顺序执行', sequential, '一个接一个'),
    'threads': ('线程', with_threads, '同时进行'),
    'processes': ('进程', with_processes, '同时进行'),
}


def main():
    parser = argparse.ArgumentParser(description='两个计算密集的任务：一个接一个、用线程、用进程。')
    parser.add_argument('--variant', choices=VARIANTS, help='只运行这一种做法')
    parser.add_argument('--threads', type=int, default=2, help='同时运行的任务数（线程数或进程数）')
    parser.add_argument('--scale', type=float, default=1.0, help='每个任务计算量的倍数')
    args = parser.parse_args()
    print(f'这台机器有 {os.cpu_count()} 个 CPU 核')
    rounds = int(WORK * args.scale)
    for variant_id, (title, run, how) in VARIANTS.items():
        if args.variant in (None, variant_id):
            print(f'== {title}：{args.threads} 个任务{how} ==', flush=True)
            reports = SimpleQueue()  # 一根管道：不需要辅助线程，跨进程也能用
            start = time.perf_counter()
            run(args.threads, rounds, reports)
            wall = time.perf_counter() - start
            done = [reports.get() for _ in range(args.threads)]  # 每个任务一项：(开始, 结束, CPU 时间)
            first, last = min(d[0] for d in done), max(d[1] for d in done)
            busy = sum(d[2] for d in done) / (last - first)
            if variant_id == 'sequential':
                verdict = '没有并发：一次只做一个任务'
            elif busy > 1.3:
                verdict = '并行：任务在几个核上重叠运行'
            else:
                verdict = '有并发而没有并行：任务轮流运行（交替执行）'
            print(f'{title}：实际耗时 {wall:.3f} 秒（其中启动用了 {first - start:.3f} 秒），'
                  f'任务运行期间平均有 {busy:.2f} 个核在忙 -> {verdict}', flush=True)


if __name__ == '__main__':  # 凡是会启动进程的程序都需要这一行：spawn 和 forkserver 会重新导入这个文件
    main()
