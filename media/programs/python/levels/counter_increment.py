"""Two threads each add 1 to a shared counter. `counter += 1` is one line, but the interpreter runs
it as several bytecode instructions: load the counter, add 1, store it back. Switch to the bytecode
view and find the order that loses an increment.
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
    print('counter:', counter)
