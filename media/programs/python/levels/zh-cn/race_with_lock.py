"""同样的两笔存款，但读余额、停顿、写回都放在 `with self.lock:` 里。
一个线程走到锁前时，如果另一个线程正持有锁，它只能等待：无论你怎样安排顺序，
余额每次都是对的。
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
    print('余额：', account.balance)
