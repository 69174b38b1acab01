"""竞态条件：许多线程同时往同一个账户里存 100 笔钱，每笔 1 元。

deposit() 先读出余额，停一小会儿（就像一个慢吞吞的数据库），再把新余额写回去。读到同一个旧余额的
线程会互相覆盖对方的存款（丢失的更新），所以最后的余额远远不到 100。加一把锁，同一时刻就只有
一个线程能走完“读—等—写”这几步。

    python3 race.py                  先不加锁，再加锁
    python3 race.py --lock on        只运行加锁的版本
"""
import argparse
import time
from concurrent.futures import ThreadPoolExecutor
from threading import Lock

SCALE = 1.0


class Account:
    def __init__(self):
        self.balance = 0

    def deposit(self, money):
        new_balance = self.balance + money  # 读出共享的余额……
        time.sleep(0.01 * SCALE)            # ……停一下，别的线程也趁机读到了同一个值……
        self.balance = new_balance          # ……再写回去，把它们写的盖掉


class LockedAccount(Account):
    def __init__(self):
        super().__init__()
        # 换成可重入锁 threading.RLock 也行，而且持有它的线程还可以再次获取它。
        # 也可以 acquire() 之后在 finally 里 release()；with 语句把这两步都替你做了。
        self.lock = Lock()

    def deposit(self, money):
        with self.lock:  # 下面这三步同一时刻只有一个线程在执行
            new_balance = self.balance + money
            time.sleep(0.01 * SCALE)
            self.balance = new_balance


def run(account, deposits, threads):
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for _ in range(deposits):
            pool.submit(account.deposit, 1)
    # 离开 with 块时，已经等到每一笔存款都做完了
    print(f'余额：{account.balance}（应为 {deposits}）')


VARIANTS = {'no-lock': ('不加锁', Account), 'lock': ('加锁', LockedAccount)}


def main():
    global SCALE
    parser = argparse.ArgumentParser(description='不加锁会丢失更新，加锁就不会。')
    parser.add_argument('--variant', choices=VARIANTS, help='只运行这一种做法')
    parser.add_argument('--lock', choices=('both', 'on', 'off'), default='both', help='运行哪几种做法')
    parser.add_argument('--threads', type=int, default=16, help='线程池的 max_workers')
    parser.add_argument('--tasks', type=int, default=100, help='存几笔 1 元')
    parser.add_argument('--scale', type=float, default=1.0, help='deposit() 里停顿时间的倍数')
    args = parser.parse_args()
    SCALE = args.scale
    wanted = {'both': ('no-lock', 'lock'), 'on': ('lock',), 'off': ('no-lock',)}[args.lock]
    for variant_id, (title, account_class) in VARIANTS.items():
        if args.variant == variant_id or (args.variant is None and variant_id in wanted):
            print(f'== {title} ==')
            start = time.perf_counter()
            run(account_class(), args.tasks, args.threads)
            print(f'耗时：{time.perf_counter() - start:.3f} 秒')


if __name__ == '__main__':
    main()
