"""`transfer` 先获取账户的锁，再调用 `deposit`，而 `deposit` 又要获取同一把锁。
用 `Lock` 时，第二个 `with` 会等待一把被自己线程持有的锁，而这把锁永远不会被释放。
把 `threading.Lock()` 改成 `threading.RLock()`：可重入锁会记录持有者获取了几次，
同一个线程可以再次获取它。
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
    print('余额：', account.balance)
