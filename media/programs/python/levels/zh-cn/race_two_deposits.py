"""两个线程各向同一个账户存入 100。每次存款先读余额，停顿一下，再把新余额写回：
如果两个线程都在对方写回之前读了余额，就会丢失一笔存款。

用调度器运行它：每一步由你选择哪个线程执行下一行，让余额最后出错。
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
    print('余额：', account.balance)
