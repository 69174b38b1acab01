"""A race condition: 100 deposits of 1 into one account from many threads at once.

deposit() reads the balance, waits a moment (as a slow database would), then writes back. Threads
that read the same old balance overwrite each other's deposits ("lost updates"), so the final
balance falls far short of 100. A lock lets one thread at a time through the read-wait-write steps.

    python3 race.py                  without a lock, then with one
    python3 race.py --lock on        only the variant with the lock
"""
import time
from concurrent.futures import ThreadPoolExecutor
from threading import Lock

from labtrace import trace, options

SCALE = 1.0


class Account:
    def __init__(self):
        self.balance = 0

    def deposit(self, money):
        new_balance = self.balance + money  # read the shared balance...
        with trace.sleeping():
            time.sleep(0.01 * SCALE)        # ...give other threads time to read it too...
        self.balance = new_balance          # ...and write back, over what they wrote


class LockedAccount(Account):
    def __init__(self):
        super().__init__()
        # An RLock (threading.RLock) would also do, and the thread holding it may acquire it again.
        # acquire() with release() in a finally block works too; the with statement does both.
        self.lock = trace.lock(Lock())

    def deposit(self, money):
        with self.lock:  # only one thread at a time runs the three steps below
            new_balance = self.balance + money
            with trace.sleeping():
                time.sleep(0.01 * SCALE)
            self.balance = new_balance


def run(account, deposits, threads):
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for _ in range(deposits):
            pool.submit(trace.task(account.deposit), 1)
        with trace.joining('shutdown'):
            pool.shutdown()  # wait for every deposit (leaving the with block would do the same)
    print(f'Balance: {account.balance} (expected {deposits})')
    trace.outcome(expected=deposits, actual=account.balance)


VARIANTS = {'no-lock': ('Without a lock', Account), 'lock': ('With a lock', LockedAccount)}


def main():
    global SCALE
    args = options(threads=16, tasks=100)
    SCALE = args.scale
    wanted = {'both': ('no-lock', 'lock'), 'on': ('lock',), 'off': ('no-lock',)}[args.lock]
    for variant_id, (title, account_class) in VARIANTS.items():
        if args.variant == variant_id or (args.variant is None and variant_id in wanted):
            print(f'== {title} ==')
            start = time.perf_counter()
            with trace.variant(variant_id, title):
                run(account_class(), args.tasks, args.threads)
            print(f'Time: {time.perf_counter() - start:.3f} s')


if __name__ == '__main__':
    main()
