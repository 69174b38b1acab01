"""Two threads need both locks, but take them in opposite order. If each gets its first lock before
the other asks for its second, each waits for the lock the other holds: a deadlock.
"""
import threading

lock_a = threading.Lock()
lock_b = threading.Lock()


def first_a_then_b():
    with lock_a:
        with lock_b:
            print('A then B: done')


def first_b_then_a():
    with lock_b:
        with lock_a:
            print('B then A: done')


if __name__ == '__main__':
    threads = [threading.Thread(target=first_a_then_b), threading.Thread(target=first_b_then_a)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
