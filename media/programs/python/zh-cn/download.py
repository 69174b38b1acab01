"""先一个接一个地下载文件，再给每个文件开一个线程下载。

这里并没有真的联网下载：用 time.sleep() 代替网络传输。课程里每个文件要等 3 到 6 秒，
这里一次“下载”只要 0.3 到 0.7 秒（再乘以 --scale），演示很快就能跑完。

    python3 download.py                      三种做法都跑一遍
    python3 download.py --variant threads    只跑其中一种
"""
import argparse
import random
import time
from threading import Thread

FILES = ['Python从入门到住院.pdf', 'MySQL从删库到跑路.avi', 'Linux从精通到放弃.mp4']
SCALE = 1.0


def download(*, filename):
    print(f'开始下载 {filename}。')
    start = time.perf_counter()
    time.sleep(random.uniform(0.3, 0.7) * SCALE)  # 用休眠代替网络传输
    print(f'{filename} 下载完成，用时 {time.perf_counter() - start:.3f} 秒。')


def sequential(filenames):
    for filename in filenames:
        download(filename=filename)


def with_threads(filenames):
    # target= 指定线程要执行的函数；args=(...) 或 kwargs={...} 是传给它的参数。
    threads = [Thread(target=download, kwargs={'filename': name}) for name in filenames]
    for thread in threads:
        thread.start()  # 所有下载同时开始……
    for thread in threads:
        thread.join()  # ……主线程等每一个都结束


class DownloadThread(Thread):
    """创建线程的另一种写法：继承 Thread，重写 run()。"""

    def __init__(self, filename):
        super().__init__()  # 先让 Thread 完成自己的初始化，之后才能调用 start()
        self.filename = filename

    def run(self):
        download(filename=self.filename)


def with_subclass(filenames):
    threads = [DownloadThread(name) for name in filenames]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


VARIANTS = {
    'sequential': ('顺序执行', sequential),
    'threads': ('Thread(target=…)', with_threads),
    'subclass': ('Thread 子类', with_subclass),
}


def main():
    global SCALE
    parser = argparse.ArgumentParser(description='顺序下载与多线程下载，并计时。')
    parser.add_argument('--variant', choices=VARIANTS, help='只运行这一种做法')
    parser.add_argument('--tasks', type=int, default=3, help='要下载几个文件')
    parser.add_argument('--scale', type=float, default=1.0, help='每次下载耗时的倍数')
    args = parser.parse_args()
    SCALE = args.scale
    # 任务数多于文件名时，重复使用这几个文件名，并加上编号。
    filenames = [FILES[i % 3] if i < 3 else f'({i // 3 + 1}) {FILES[i % 3]}' for i in range(args.tasks)]
    for variant_id, (title, run) in VARIANTS.items():
        if args.variant in (None, variant_id):
            print(f'== {title} ==')
            start = time.perf_counter()
            run(filenames)
            print(f'总耗时：{time.perf_counter() - start:.3f} 秒')


if __name__ == '__main__':
    main()
