"""两个线程都需要两把锁，但获取的顺序相反。如果每个线程都先拿到了第一把锁，
然后才去要第二把，它们就会各自等待对方持有的锁：这就是死锁。
"""
import threading

lock_a = threading.Lock()
lock_b = threading.Lock()


def first_a_then_b():
    with lock_a:
        with lock_b:
            print('先 A 后 B：完成')


def first_b_then_a():
    with lock_b:
        with lock_a:
            print('先 B 后 A：完成')


if __name__ == '__main__':
    threads = [threading.Thread(target=first_a_then_b), threading.Thread(target=first_b_then_a)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
