"""线程池：几个线程只创建一次，然后从队列里一个接一个地领任务。

每来一个小任务就创建、销毁一个线程，很浪费时间；线程池把线程留着，谁空下来就把下一个排队的任务
交给谁。同样的 8 个任务（每个约等待 0.2 秒，再乘以 --scale）依次交给 1、2、4、8 个线程的
线程池：线程越多，队列空得越快。

    python3 pool.py                  --pools 里的每种大小（1,2,4,8）都跑一遍
    python3 pool.py --variant pool-2
"""
import argparse
import time
from concurrent.futures import ThreadPoolExecutor, as_completed


SCALE = 1.0


def work(number):
    start = time.perf_counter()
    time.sleep(0.2 * SCALE)  # 代替一次下载或一次数据库查询
    return number, time.perf_counter() - start


def run(workers, tasks):
    # max_workers：线程池最多创建几个线程；with 块结束时会等所有任务做完。
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(work, number) for number in range(1, tasks + 1)]
        for future in as_completed(futures):  # 按完成的先后顺序
            number, seconds = future.result()
            print(f'任务 {number} 完成，用时 {seconds:.3f} 秒')


def main():
    global SCALE
    parser = argparse.ArgumentParser(description='同一批任务交给不同大小的线程池。')
    parser.add_argument('--variant', help='只运行这一个线程池，例如 pool-2')
    parser.add_argument('--tasks', type=int, default=8, help='任务的个数')
    parser.add_argument('--pools', default='1,2,4,8', type=lambda text: [int(n) for n in text.split(',') if n],
                        help='要比较的线程池大小，例如 1,2,4')
    parser.add_argument('--scale', type=float, default=1.0, help='每个任务耗时的倍数')
    args = parser.parse_args()
    SCALE = args.scale
    for workers in args.pools:
        variant_id = f'pool-{workers}'
        if args.variant in (None, variant_id):
            print(f'== {workers} 个线程的线程池 ==')
            start = time.perf_counter()
            run(workers, args.tasks)
            print(f'总耗时：{time.perf_counter() - start:.3f} 秒，{workers} 个线程')


if __name__ == '__main__':
    main()
