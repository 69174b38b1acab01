"""Downloading files one after another, then with one thread per file.

Nothing is really downloaded: time.sleep() stands in for the network. The lesson waited
3 to 6 seconds per file; here a "download" takes 0.3 to 0.7 s (times --scale) so the demo is quick.

    python3 download.py                      all three variants
    python3 download.py --variant threads    just one
"""
import argparse
import random
import time
from threading import Thread

FILES = ['Python从入门到住院.pdf', 'MySQL从删库到跑路.avi', 'Linux从精通到放弃.mp4']
SCALE = 1.0


def download(*, filename):
    print(f'Start downloading {filename}.')
    start = time.perf_counter()
    time.sleep(random.uniform(0.3, 0.7) * SCALE)  # stands in for the network
    print(f'{filename} downloaded in {time.perf_counter() - start:.3f} s.')


def sequential(filenames):
    for filename in filenames:
        download(filename=filename)


def with_threads(filenames):
    # target= names the function the thread runs; args=(...) or kwargs={...} are its arguments.
    threads = [Thread(target=download, kwargs={'filename': name}) for name in filenames]
    for thread in threads:
        thread.start()  # all downloads begin at once...
    for thread in threads:
        thread.join()  # ...and the main thread waits for every one to finish


class DownloadThread(Thread):
    """The other way to make a thread: subclass Thread and override run()."""

    def __init__(self, filename):
        super().__init__()  # Thread must set itself up before start() can be called
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
    'sequential': ('Sequential', sequential),
    'threads': ('Thread(target=…)', with_threads),
    'subclass': ('Thread subclass', with_subclass),
}


def main():
    global SCALE
    parser = argparse.ArgumentParser(description='Sequential and threaded downloads, timed.')
    parser.add_argument('--variant', choices=VARIANTS, help='run only this variant')
    parser.add_argument('--tasks', type=int, default=3, help='how many files to download')
    parser.add_argument('--scale', type=float, default=1.0, help='multiplies every download time')
    args = parser.parse_args()
    SCALE = args.scale
    # More tasks than names: the same joke files again, numbered.
    filenames = [FILES[i % 3] if i < 3 else f'({i // 3 + 1}) {FILES[i % 3]}' for i in range(args.tasks)]
    for variant_id, (title, run) in VARIANTS.items():
        if args.variant in (None, variant_id):
            print(f'== {title} ==')
            start = time.perf_counter()
            run(filenames)
            print(f'Total: {time.perf_counter() - start:.3f} s')


if __name__ == '__main__':
    main()
