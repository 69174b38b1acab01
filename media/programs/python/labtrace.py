"""labtrace: records what each thread and process of a lesson program does, for Concurrency Lab.

With the environment variable CLAB_TRACE unset (a plain `python3 race.py`) every call here does
nothing, and the wrappers hand back the very objects they were given, so the lesson programs run
exactly as written. With CLAB_TRACE=host:port:token set by the engine, each process opens one TCP
connection and sends one JSON event per line (see src/shared/events.ts).

Only coarse events are sent (a thread starts, sleeps, waits for a lock, ends): per-call hooks such
as sys.setprofile would slow the very code being measured several times over. Whether a thread that
"wants the CPU" really runs or waits for the GIL is measured by the engine from outside.

When the engine's bootstrap (bootstrap/sitecustomize.py) has loaded the automatic tracer
(_labtrace_auto), every thread, process, task and blocking call is already seen without this API:
then `variant`, `outcome`, `mark` and `options` still work, and everything else hands back what it
was given (the hooks report it).

Standard library only; Python 3.8+; safe on free-threaded builds (all shared state is locked).
"""
import atexit
import os
import sys
import threading
import time

__all__ = ['trace', 'options']

_now = time.perf_counter_ns
_thread_cpu = getattr(time, 'thread_time_ns', None)


def _process_kind():
    """'process' in a multiprocessing child (fork, spawn or forkserver), else None."""
    mp = sys.modules.get('multiprocessing')
    parent = getattr(mp, 'parent_process', None) if mp else None
    return 'process' if parent is not None and parent() is not None else None


class _Lane:
    __slots__ = ('id', 'pid', 'variant', 'states', 'thread', 'kind')

    def __init__(self, lane_id, variant, thread, kind):
        self.id, self.pid, self.variant = lane_id, os.getpid(), variant
        self.states, self.thread, self.kind = ['cpu'], thread, kind


class _State:
    """Everything that must be fresh in a forked child."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pid = os.getpid()
        self.counter = 0
        self.variant = 0
        self.lanes = []
        self.local = threading.local()


class Tracer:
    def __init__(self, spec):
        self._spec = spec
        self.enabled = bool(spec)
        self._s = _State()
        self._auto = None
        if self.enabled:
            atexit.register(self._at_exit)
            if hasattr(os, 'register_at_fork'):
                os.register_at_fork(after_in_child=self._after_fork)
            self._connect()  # now, so the handshake's delay never falls inside a variant

    # ----- transport (shared with the automatic tracer) -----------------------------------------
    def _after_fork(self):
        self._s = _State()  # the parent's lanes and locks are not ours; the channel resets itself

    def _connect(self):
        import _labtrace_auto
        self._auto = _labtrace_auto
        if not _labtrace_auto.start_channel(self._spec):
            self.enabled = False

    def _emit(self, event):
        self._auto.emit_json(event)

    def _emit_line(self, line):
        """The frequent events (state, mark) are formatted by hand: 4x cheaper than json."""
        self._auto._emit(line)

    def flush(self):
        if self._auto is not None:
            self._auto.flush()

    # ----- lanes -----------------------------------------------------------------------------
    def _lane(self):
        lane = getattr(self._s.local, 'lane', None)
        if lane is not None and lane.variant == self._s.variant and lane.pid == self._s.pid:
            return lane
        return None

    def _open_lane(self, kind=None, name=None):
        thread = threading.current_thread()
        kind = kind or (_process_kind() if thread is threading.main_thread() else None) or 'thread'
        with self._s.lock:
            self._s.counter += 1
            lane = _Lane('%d.%d' % (os.getpid(), self._s.counter), self._s.variant, thread, kind)
            self._s.lanes.append(lane)
        self._s.local.lane = lane
        if kind == 'process' and name is None:
            name = sys.modules['multiprocessing'].current_process().name
        event = {'k': 'lane', 'lane': lane.id, 'name': name or thread.name, 'kind': kind,
                 'daemon': thread.daemon, 'pid': lane.pid, 'tid': threading.get_native_id(),
                 't': _now()}
        self._cpu_clock(event)
        self._emit(event)
        return lane

    def _close_lane(self, lane, at=None, own_thread=True):
        with self._s.lock:
            if lane not in self._s.lanes:
                return
            self._s.lanes.remove(lane)
        event = {'k': 'end', 'lane': lane.id, 't': at or _now()}
        if own_thread:
            self._cpu_clock(event)
        self._emit(event)
        if lane.kind == 'process':
            self.flush()  # forked children leave by os._exit(): no atexit to flush for them

    @staticmethod
    def _cpu_clock(event):
        if _thread_cpu is not None:
            event['c'] = _thread_cpu()

    def _set_state(self, lane, state, note=None):
        now = _now()
        line = '{"k":"state","lane":"%s","s":"%s","t":%d' % (lane.id, state, now)
        if note:
            line += ',"note":' + _quote(note)
        if _thread_cpu is not None:
            line += ',"c":%d' % _thread_cpu()
        self._emit_line(line + '}\n')

    # ----- public API ------------------------------------------------------------------------
    def variant(self, variant_id, title):
        """`with trace.variant('threads', 'Threads'):` around one variant, run by the main thread."""
        return _VariantScope(self, variant_id, title) if self.enabled else _NOTHING

    def traced(self, func=None, *, kind=None, name=None):
        """Decorator for a thread's or process's target (or a Thread subclass's run): the call gets
        its own lane, unless the calling thread has one already (e.g. a sequential variant)."""
        if func is None:
            return lambda f: self.traced(f, kind=kind, name=name)
        if not self.enabled:
            return func
        import functools

        @functools.wraps(func)
        def lane_of_its_own(*args, **kwargs):
            if self._lane() is not None:
                return func(*args, **kwargs)
            lane = self._open_lane(kind, name)
            try:
                return func(*args, **kwargs)
            finally:
                self._close_lane(lane)
        return lane_of_its_own

    def task(self, func):
        """Wraps a callable submitted to a pool: a 'task' mark when it starts; the worker thread
        shows 'idle' between tasks."""
        if not self.enabled:
            return func
        import functools

        @functools.wraps(func)
        def pool_task(*args, **kwargs):
            lane = self._lane() or self._open_lane()
            before = lane.states
            self.mark('task', _describe_call(func, args))
            if before[-1] != 'cpu':
                lane.states = ['cpu']
                self._set_state(lane, 'cpu')
            try:
                return func(*args, **kwargs)
            finally:
                # a pool worker goes idle; the main thread (a task called directly) resumes
                lane.states = before if lane.kind == 'main' else ['idle']
                self._set_state(lane, lane.states[-1])
        return pool_task

    def state(self, state, note=None):
        """`with trace.state('io'):` — the current thread is in `state` until the block ends."""
        return _StateScope(self, state, note) if self.enabled else _NOTHING

    def sleeping(self, note=None):
        return self.state('sleeping', note)

    def io(self, note=None):
        return self.state('io', note)

    def idle(self, note=None):
        """A worker with nothing to do (waiting for work); `trace.task` shows this by itself."""
        return self.state('idle', note)

    def lock_wait(self, note=None):
        """Blocked on a synchronisation object the tracer does not wrap (e.g. Condition.wait)."""
        return self.state('lock-wait', note)

    def joining(self, note='join'):
        """Waiting for other threads (join, pool shutdown): shown as synchronisation, not as CPU."""
        return self.state('lock-wait', note)

    def waiting(self, iterable, note='wait'):
        """`for f in trace.waiting(as_completed(fs)):` — blocked in the iterator, running in the body."""
        if not self.enabled:
            return iterable
        return self._waiting(iterable, note)

    def _waiting(self, iterable, note):
        iterator = iter(iterable)
        while True:
            with self.joining(note):
                try:
                    item = next(iterator)
                except StopIteration:
                    return
            yield item

    def lock(self, lock):
        """`self.lock = trace.lock(Lock())`: the same lock, recording lock waits, acquires and releases."""
        return _TracedLock(self, lock) if self.enabled else lock

    def mark(self, kind, note=None):
        lane = self._lane() if self.enabled else None
        if lane is not None:
            line = '{"k":"mark","lane":"%s","m":"%s","t":%d' % (lane.id, kind, _now())
            if note:
                line += ',"note":' + _quote(note)
            self._emit_line(line + '}\n')

    def outcome(self, expected=None, actual=None):
        if self.enabled:
            self._emit({'k': 'outcome', 'expected': expected, 'actual': actual,
                        'ok': expected == actual})

    def _at_exit(self):
        pending = getattr(self._s, 'pending_end', None)
        if pending is not None:
            pending()
        self.flush()


class _Nothing:
    """The untraced stand-in for every context manager."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_NOTHING = _Nothing()


class _StateScope:
    def __init__(self, tracer, state, note):
        self._tracer, self._state, self._note, self._lane = tracer, state, note, None

    def __enter__(self):
        self._lane = lane = self._tracer._lane() or self._tracer._open_lane()
        lane.states.append(self._state)
        self._tracer._set_state(lane, self._state, self._note)
        return self

    def __exit__(self, *exc):
        lane = self._lane
        if len(lane.states) > 1:
            lane.states.pop()
        self._tracer._set_state(lane, lane.states[-1])
        return False


class _TracedLock:
    def __init__(self, tracer, lock):
        self._tracer, self._lock = tracer, lock

    def acquire(self, blocking=True, timeout=-1):
        tracer = self._tracer
        got = self._lock.acquire(False)  # free: no wait to record
        if not got and blocking:
            with tracer.state('lock-wait'):
                got = self._lock.acquire(True, timeout)
        if got:
            tracer.mark('acquire')
        return got

    def release(self):
        self._lock.release()
        self._tracer.mark('release')

    def locked(self):
        return self._lock.locked()

    __enter__ = acquire

    def __exit__(self, *exc):
        self.release()
        return False


class _VariantScope:
    def __init__(self, tracer, variant_id, title):
        self._tracer, self._id, self._title = tracer, variant_id, title

    def __enter__(self):
        tracer, s = self._tracer, self._tracer._s
        with s.lock:
            s.variant += 1
        self._wall, self._cpu, self._children = _now(), time.process_time_ns(), _children_cpu()
        tracer._emit({'k': 'variant', 'id': self._id, 'title': self._title, 't': self._wall})
        self._main = tracer._open_lane('main')
        return self

    def __exit__(self, exc_type, *exc):
        tracer, s = self._tracer, self._tracer._s
        tracer._close_lane(self._main)
        if exc_type is not None:
            tracer.flush()  # a partial trace: the engine reports the crash
            return False
        with s.lock:
            lanes = list(s.lanes)
        if any(not lane.thread.daemon and lane.thread.is_alive() for lane in lanes):
            # Non-daemon threads still run: the interpreter waits for them before atexit, so
            # the variant really ends there.
            s.pending_end = self._end
        else:
            self._end()
        return False

    def _end(self):
        tracer, s = self._tracer, self._tracer._s
        s.pending_end = None
        now = _now()
        with s.lock:
            lanes = list(s.lanes)
        for lane in lanes:
            if not lane.thread.is_alive():  # e.g. pool workers after shutdown
                tracer._close_lane(lane, now, own_thread=False)
        cpu = time.process_time_ns() - self._cpu + _children_cpu() - self._children
        tracer._emit({'k': 'variant-end', 'id': self._id, 't': now, 'wall': now - self._wall,
                      'cpu': cpu})
        tracer.flush()


def _quote(text):
    import json
    return json.dumps(str(text), ensure_ascii=False)


def _describe_call(func, args):
    """'work(3)' for a task mark's note: which task a worker took."""
    shown = ', '.join(repr(a) for a in args[:2] if isinstance(a, (int, float, str)))
    return '%s(%s)' % (getattr(func, '__name__', 'task'), shown[:40])


def _children_cpu():
    """CPU time of waited-for child processes in ns (0 where the OS does not report it)."""
    times = os.times()
    return int((times.children_user + times.children_system) * 1e9)


def options(**defaults):
    """The flags every lesson program understands (the engine passes all of them):
    --variant ID --threads N --tasks N --scale X --lock both|on|off --pools 1,2,4"""
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument('--variant', default=None, help='run only this variant')
    parser.add_argument('--threads', type=int, default=defaults.get('threads', 2))
    parser.add_argument('--tasks', type=int, default=defaults.get('tasks', 2))
    parser.add_argument('--scale', type=float, default=defaults.get('scale', 1.0))
    parser.add_argument('--lock', choices=('both', 'on', 'off'), default='both')
    parser.add_argument('--pools', default=defaults.get('pools', '1,2,4,8'),
                        type=lambda text: [int(n) for n in text.split(',') if n])
    return parser.parse_args()


class _AutoTracer:
    """The API when the automatic tracer runs: the hooks already report threads, processes, tasks and
    waits, so only what they cannot know (variants, outcomes, explicit marks) is sent from here."""
    enabled = True

    def __init__(self, auto):
        self._auto = auto
        self._pending_end = None
        atexit.register(self._at_exit)  # after the bootstrap's: runs before the main lane ends

    def variant(self, variant_id, title):
        return _AutoVariantScope(self, variant_id, title)

    def traced(self, func=None, *, kind=None, name=None):
        return func if func is not None else (lambda f: f)

    def task(self, func):
        return func

    def state(self, *args, **kwargs):
        return _NOTHING

    sleeping = io = idle = lock_wait = joining = state

    def waiting(self, iterable, note='wait'):
        return iterable

    def lock(self, lock):
        return lock

    def mark(self, kind, note=None):
        self._auto.mark(kind, note)

    def outcome(self, expected=None, actual=None):
        self._auto.emit_json({'k': 'outcome', 'expected': expected, 'actual': actual, 'ok': expected == actual})

    def flush(self):
        self._auto.flush()

    def _at_exit(self):
        if self._pending_end is not None:
            self._pending_end()
        self.flush()


class _AutoVariantScope:
    def __init__(self, tracer, variant_id, title):
        self._tracer, self._id, self._title = tracer, variant_id, title

    def __enter__(self):
        self._wall, self._cpu, self._children = _now(), time.process_time_ns(), _children_cpu()
        self._tracer._auto.emit_json({'k': 'variant', 'id': self._id, 'title': self._title, 't': self._wall})
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is not None:
            self._tracer.flush()  # a partial trace: the engine reports the crash
            return False
        me = threading.current_thread()
        if any(not t.daemon and t is not me and t.is_alive() for t in threading.enumerate()):
            self._tracer._pending_end = self._end  # ends when the interpreter has waited for them
        else:
            self._end()
        return False

    def _end(self):
        self._tracer._pending_end = None
        now = _now()
        cpu = time.process_time_ns() - self._cpu + _children_cpu() - self._children
        self._tracer._auto.emit_json({'k': 'variant-end', 'id': self._id, 't': now, 'wall': now - self._wall,
                                      'cpu': cpu})
        self._tracer.flush()


def _make_tracer():
    spec = os.environ.get('CLAB_TRACE')
    auto = sys.modules.get('_labtrace_auto')
    if spec and auto is not None and auto.active():
        return _AutoTracer(auto)
    return Tracer(spec)


trace = _make_tracer()
