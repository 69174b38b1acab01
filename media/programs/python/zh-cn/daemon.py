"""守护线程：不会让程序一直活着的线程。

两个线程不停地打印 "Ping" 和 "Pong"。设了 daemon=True，主线程（最后一个非守护线程）一结束，
它们就被直接掐断。不设的话，解释器会等它们：课程里它们是死循环，所以那个程序永远不会结束。
这里非守护的打印线程 2 秒后（再乘以 --scale）会自己停下，好让演示跑完。

    python3 daemon.py                        两种都跑，各用一个新的解释器
    python3 daemon.py --variant daemon       只跑其中一种
"""
import argparse
import subprocess
import sys
import time
from threading import Thread


WORDS = ['Ping', 'Pong']


def display(content, stop_at=None):
    # flush=True：不带换行的输出，否则会一直留在缓冲区里，看不到。
    while stop_at is None or time.perf_counter() < stop_at:
        print(content, end='', flush=True)
        time.sleep(0.1)


def run(daemon, threads, scale):
    stop_at = None if daemon else time.perf_counter() + 2 * scale
    for i in range(threads):
        Thread(target=display, args=(WORDS[i % 2], stop_at), daemon=daemon).start()
    time.sleep(1 * scale)
    if daemon:
        print('\n主线程结束：守护线程随之结束。', flush=True)
    else:
        print('\n主线程结束：解释器还要等非守护线程……', flush=True)


VARIANTS = {'daemon': ('daemon=True', True), 'non-daemon': ('daemon=False', False)}


def main():
    parser = argparse.ArgumentParser(description='主线程结束时，守护线程与非守护线程的不同下场。')
    parser.add_argument('--variant', choices=VARIANTS, help='只运行这一种做法')
    parser.add_argument('--threads', type=int, default=2, help='打印线程的个数')
    parser.add_argument('--scale', type=float, default=1.0, help='所有时长的倍数')
    args = parser.parse_args()
    if args.variant is None:
        # 守护线程只会随它所在的解释器一起结束，所以每种做法各用一个解释器。
        for variant_id, (title, _) in VARIANTS.items():
            print(f'== {title} ==', flush=True)
            start = time.perf_counter()
            subprocess.run([sys.executable, __file__, '--variant', variant_id,
                            '--threads', str(args.threads), '--scale', str(args.scale)], check=True)
            print(f'\n程序运行了 {time.perf_counter() - start:.3f} 秒', flush=True)
        return
    title, daemon = VARIANTS[args.variant]
    run(daemon, args.threads, args.scale)


if __name__ == '__main__':
    main()
