"""Lock or RLock: a locked method that calls another locked method.

A plain Lock does not know which thread holds it: taking it again from the thread that already
holds it waits for itself, forever. An RLock (re-entrant lock) remembers its owner and counts, so
its owner may take it again.

    python3 reentrant.py               with an RLock: every deposit goes through
    python3 reentrant.py --lock lock   with a plain Lock: the first deposit_twice() never returns
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
        with self.lock:  # holds the lock...
            self.deposit(money)  # ...and takes it again inside deposit()
            self.deposit(money)


def main():
    parser = argparse.ArgumentParser(description='Re-entering a lock: RLock works, Lock deadlocks.')
    parser.add_argument('--lock', choices=['rlock', 'lock'], default='rlock', help='which lock the account uses')
    args = parser.parse_args()
    account = Account(RLock() if args.lock == 'rlock' else Lock())
    print(f'Account lock: {type(account.lock).__name__}', flush=True)
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(10):
            pool.submit(account.deposit_twice, 1)
    print(f'Balance: {account.balance} (expected 20)')


if __name__ == '__main__':
    main()
