"""Daemon threads: background threads that do not keep the program alive.

Two threads print "Ping" and "Pong" over and over. With daemon=True they are cut off as soon as the
main thread (the last non-daemon thread) ends. Without it the interpreter waits for them: in the
lesson they loop forever, so that program never ends. Here the non-daemon printers stop on their
own after 2 s (times --scale) so the demo finishes.

    python3 daemon.py                        both variants, each in a fresh interpreter
    python3 daemon.py --variant daemon       just one
"""
import argparse
import subprocess
import sys
import time
from threading import Thread


WORDS = ['Ping', 'Pong']


def display(content, stop_at=None):
    # flush=True: text without a newline would otherwise wait in the output buffer.
    while stop_at is None or time.perf_counter() < stop_at:
        print(content, end='', flush=True)
        time.sleep(0.1)


def run(daemon, threads, scale):
    stop_at = None if daemon else time.perf_counter() + 2 * scale
    for i in range(threads):
        Thread(target=display, args=(WORDS[i % 2], stop_at), daemon=daemon).start()
    time.sleep(1 * scale)
    if daemon:
        print('\nMain thread ends: the daemon threads end with it.', flush=True)
    else:
        print('\nMain thread ends: the interpreter waits for the non-daemon threads...', flush=True)


VARIANTS = {'daemon': ('daemon=True', True), 'non-daemon': ('daemon=False', False)}


def main():
    parser = argparse.ArgumentParser(description='Daemon and non-daemon threads when the main thread ends.')
    parser.add_argument('--variant', choices=VARIANTS, help='run only this variant')
    parser.add_argument('--threads', type=int, default=2, help='how many printer threads')
    parser.add_argument('--scale', type=float, default=1.0, help='multiplies every duration')
    args = parser.parse_args()
    if args.variant is None:
        # Daemon threads only die with their interpreter, so each variant gets one of its own.
        for variant_id, (title, _) in VARIANTS.items():
            print(f'== {title} ==', flush=True)
            start = time.perf_counter()
            subprocess.run([sys.executable, __file__, '--variant', variant_id,
                            '--threads', str(args.threads), '--scale', str(args.scale)], check=True)
            print(f'\nProgram ran for {time.perf_counter() - start:.3f} s', flush=True)
        return
    title, daemon = VARIANTS[args.variant]
    run(daemon, args.threads, args.scale)


if __name__ == '__main__':
    main()
