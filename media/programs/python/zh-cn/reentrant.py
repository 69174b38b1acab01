"""用 Lock 还是 RLock：一个加锁的方法里调用另一个加锁的方法。

普通的 Lock 不记得是哪个线程持有它：已经持有它的线程再去获取它，就是在等自己，永远等不到。
RLock（可重入锁）记得自己的持有者，并且会计数，所以持有者可以再次获取它。

    python3 reentrant.py               用 RLock：每一笔存款都能完成
    python3 reentrant.py --lock lock   用普通 Lock：第一次调用 deposit_twice() 就再也回不来
"""
import argparse
from concurrent.futures import ThreadPoolExecutor
from threading import Lock, RLock


class Account:
    def __init__(self, lock):
        self.balance = 0
        self.lock = lock

    def deposit(self, money):
        with self.lock:
            self.balance = self.balance + money

    def deposit_twice(self, money):
        with self.lock:  # 已经拿着锁……
            self.deposit(money)  # ……在 deposit() 里又要拿一次
            self.deposit(money)


def main():
    parser = argparse.ArgumentParser(description='重复获取同一把锁：RLock 可以，Lock 会死锁。')
    parser.add_argument('--lock', choices=['rlock', 'lock'], default='rlock', help='账户用哪种锁')
    args = parser.parse_args()
    account = Account(RLock() if args.lock == 'rlock' else Lock())
    print(f'账户用的锁：{type(account.lock).__name__}', flush=True)
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(10):
            pool.submit(account.deposit_twice, 1)
    print(f'余额：{account.balance}（应为 20）')


if __name__ == '__main__':
    main()
