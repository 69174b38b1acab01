"""What the program calls, replaced while it runs under the scheduler: Lock and RLock made by the
program's own code, Thread.start and join, time.sleep, and stdout/stderr/stdin. Locks and joins wait
in the scheduler (a blocked thread hands its turn back), so only one thread ever moves.
"""
import io
import re
import sys
import threading
import time

from labsched_core import _real_Lock, _real_RLock, _real_allocate_lock, _real_join, _real_sleep, _real_start

SCHED = None


class SchedLock:
    """A lock made by the program: it never blocks in the kernel; a thread that cannot take it
    hands its turn back to the scheduler, marked blocked, until chosen while the lock is free."""
    reentrant = False
    kind = 'Lock'

    def __init__(self):
        self._real = _real_allocate_lock()
        self.owner = None
        self.count = 0
        self.name = self.kind
        frame = sys._getframe(2)
        if SCHED is not None and SCHED.mine(frame):
            # Named as the program names it: `self.lock = threading.Lock()` gives "self.lock".
            text = SCHED.lines[frame.f_lineno - 1] if frame.f_lineno <= len(SCHED.lines) else ''
            m = re.match(r'\s*([A-Za-z_][\w.]*)\s*=', text)
            self.name = m.group(1) if m else '%s (line %d)' % (self.kind, frame.f_lineno)
            SCHED.locks.append(self)

    def acquire(self, blocking=True, timeout=-1):
        rec = SCHED.record() if SCHED else None
        while True:
            if self._try(rec):
                return True
            if rec is None:  # a thread outside the scheduler: a plain lock
                return self._real.acquire(blocking, timeout)
            if not blocking:
                return False
            timed = timeout is not None and timeout >= 0
            SCHED.block(rec, ('lock', self, timed))
            if timed and not self._try(rec):
                return False  # chosen while still held: its timeout expired
            if timed:
                return True

    def _try(self, rec):
        if self.reentrant and rec is not None and self.owner is rec:
            self.count += 1
            return True
        if self._real.acquire(False):
            self.owner, self.count = rec, 1
            return True
        return False

    def release(self):
        if self.reentrant:
            if self.owner is not (SCHED.record() if SCHED else None):
                raise RuntimeError('cannot release un-acquired lock')
            self.count -= 1
            if self.count:
                return
        self.owner, self.count = None, 0
        self._real.release()

    def locked(self):
        return self._real.locked()

    def __repr__(self):
        # What a learner wants to see in a thread's locals: which lock, and who holds it.
        return '<%s %s, %s>' % (self.kind, self.name, 'held by %s' % self.owner.name if self.owner else 'free')

    __enter__ = acquire

    def __exit__(self, *exc):
        self.release()

    def _is_owned(self):
        return self.owner is not None and self.owner is (SCHED.record() if SCHED else None)


class SchedRLock(SchedLock):
    reentrant = True
    kind = 'RLock'


def make_lock():
    return SchedLock() if SCHED is not None and SCHED.mine(sys._getframe(1)) else _real_Lock()


def make_rlock():
    return SchedRLock() if SCHED is not None and SCHED.mine(sys._getframe(1)) else _real_RLock()


def sched_start(self):
    rec = None
    if SCHED is not None and SCHED.record() is not None:
        rec = SCHED.started(self)
        run = self.run

        def run_then_finish():
            try:
                run()
            finally:
                SCHED.finished(rec)
        self.run = run_then_finish
    _real_start(self)


def sched_join(self, timeout=None):
    me = SCHED.record() if SCHED else None
    target = SCHED.threads.get(self) if SCHED else None
    if me is not None and target is not None:
        while target.status != 'done':
            timed = timeout is not None
            SCHED.block(me, ('join', target, timed))
            if timed:
                return  # chosen before the thread ended: the timeout expired
    _real_join(self, timeout)


def sched_sleep(seconds):
    if SCHED is None or SCHED.record() is None:
        _real_sleep(seconds)
    # Under the scheduler a pause changes nothing: the order of steps is what the learner chooses.


class Capture:
    """The program's stdout/stderr, kept with the thread that printed it."""

    def __init__(self, stream):
        self.stream = stream
        self.encoding = 'utf-8'

    def write(self, text):
        if text:
            rec = SCHED.record() if SCHED else None
            SCHED.output.append({'thread': rec.name if rec else threading.current_thread().name, 'stream': self.stream, 'text': text})
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False


def install(sched):
    global SCHED
    SCHED = sched
    threading.Lock = make_lock
    threading.RLock = make_rlock
    threading.Thread.start = sched_start
    threading.Thread.join = sched_join
    time.sleep = sched_sleep
    sys.stdout = Capture('stdout')
    sys.stderr = Capture('stderr')
    sys.stdin = io.StringIO()  # input() must not read the scheduler's commands
