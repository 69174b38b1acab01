"""The same two deposits, with the read, the pause and the write inside `with self.lock:`.
A thread that reaches the lock while the other holds it has to wait: try any order you like,
the balance comes out right every time.
"""
import threading
import time

# watch: account.balance
# expect: account.balance == 200


class Account:
    def __init__(self):
        self.balance = 0
        self.lock = threading.Lock()

    def deposit(self, money):
        with self.lock:
            new_balance = self.balance + money
            time.sleep(0.01)
            self.balance = new_balance


account = Account()

if __name__ == '__main__':
    threads = [threading.Thread(target=account.deposit, args=(100,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print('balance:', account.balance)
