"""两个线程各给共享的计数器加 1。`counter += 1` 只有一行，但解释器把它拆成几条字节码指令执行：
读取 counter、加 1、再写回。切换到字节码视图，找出会丢失一次加 1 的执行顺序。
"""
import threading

# watch: counter
# expect: counter == 2

counter = 0


def increment():
    global counter
    counter += 1


if __name__ == '__main__':
    threads = [threading.Thread(target=increment) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print('counter：', counter)
