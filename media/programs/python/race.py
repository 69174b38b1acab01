"""A race condition: 100 deposits of 1 into one account from many threads at once.

deposit() reads the balance, waits a moment (as a slow database would), then writes back. Threads
that read the same old balance overwrite each other's deposits ("lost updates"), so the final
balance falls far short of 100. A lock lets one thread at a time through the read-wait-write steps.

    python3 race.py                  without a lock, then with one
    python3 race.py --lock on        only the variant with the lock
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
        new_balance = self.balance + money  # read the shared balance...
        time.sleep(0.01 * SCALE)            # ...give other threads time to read it too...
        self.balance = new_balance          # ...and write back, over what they wrote


class LockedAccount(Account):
    def __init__(self):
        super().__init__()
        # An RLock (threading.RLock) would also do, and the thread holding it may acquire it again.
        # acquire() with release() in a finally block works too; the with statement does both.
        self.lock = Lock()

    def deposit(self, money):
        with self.lock:  # only one thread at a time runs the three steps below
            new_balance = self.balance + money
            time.sleep(0.01 * SCALE)
            self.balance = new_balance


def run(account, deposits, threads):
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for _ in range(deposits):
            pool.submit(account.deposit, 1)
    # leaving the with block waited for every deposit
    print(f'Balance: {account.balance} (expected {deposits})')


VARIANTS = {'no-lock': ('Without a lock', Account), 'lock': ('With a lock', LockedAccount)}


def main():
    global SCALE
    parser = argparse.ArgumentParser(description='Lost updates without a lock, none with one.')
    parser.add_argument('--variant', choices=VARIANTS, help='run only this variant')
    parser.add_argument('--lock', choices=('both', 'on', 'off'), default='both', help='which variants to run')
    parser.add_argument('--threads', type=int, default=16, help="the pool's max_workers")
    parser.add_argument('--tasks', type=int, default=100, help='how many deposits of 1')
    parser.add_argument('--scale', type=float, default=1.0, help='multiplies the pause inside deposit()')
    args = parser.parse_args()
    SCALE = args.scale
    wanted = {'both': ('no-lock', 'lock'), 'on': ('lock',), 'off': ('no-lock',)}[args.lock]
    for variant_id, (title, account_class) in VARIANTS.items():
        if args.variant == variant_id or (args.variant is None and variant_id in wanted):
            print(f'== {title} ==')
            start = time.perf_counter()
            run(account_class(), args.tasks, args.threads)
            print(f'Time: {time.perf_counter() - start:.3f} s')


if __name__ == '__main__':
    main()
