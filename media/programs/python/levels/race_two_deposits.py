"""Two threads deposit 100 each into one account. Each deposit reads the balance, pauses, then
writes the new balance back: if both read before either writes, one deposit is lost.

Run it as the scheduler: choose which thread takes its next line, and end with a wrong balance.
"""
import threading
import time

# watch: account.balance
# expect: account.balance == 200


class Account:
    def __init__(self):
        self.balance = 0

    def deposit(self, money):
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
