"""`transfer` takes the account's lock and then calls `deposit`, which takes the same lock again.
With a `Lock`, the second `with` waits for a lock its own thread holds, which is never released.
Change `threading.Lock()` to `threading.RLock()`: an RLock counts how often its owner took it, so
the same thread may take it again.
"""
import threading


class Account:
    def __init__(self):
        self.balance = 0
        self.lock = threading.Lock()

    def deposit(self, money):
        with self.lock:
            self.balance += money

    def transfer(self, money):
        with self.lock:
            self.deposit(money)


account = Account()

if __name__ == '__main__':
    worker = threading.Thread(target=account.transfer, args=(100,))
    worker.start()
    worker.join()
    print('balance:', account.balance)
