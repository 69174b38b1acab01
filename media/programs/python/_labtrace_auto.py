"""Automatic tracer for Concurrency Lab: instruments an unmodified Python program.

Loaded by bootstrap/sitecustomize.py in every Python process of a run when CLAB_TRACE=host:port:token
is set (the program, multiprocessing children under fork/spawn/forkserver, Python subprocesses). It
hooks the standard library's blocking points and reports, per lane (a thread, a child process's main
thread, an asyncio task), what the lane waits for: see src/shared/events.ts for the protocol and
docs/python-tracer.md for the list of hooks.

Rules every hook follows:
- the program's behaviour never changes: same arguments reach the original, same results and
  exceptions come back, the original runs even when tracing fails;
- a wait state is sent only when the call really blocks (a non-blocking try or a cheap peek first);
- nested hooks: the outermost label wins (Queue.get blocking in Condition.wait is one "Queue.get");
- the tracer's own thread and socket use the unhooked originals and never become lanes.

Standard library only; Python 3.8+; no json, socket.py or re at start-up (interpreter start matters).
"""
import _socket
import _thread
import atexit
import itertools
import os
import sys
import threading
import time

try:
    from _json import encode_basestring as _q  # JSON string literal, non-ASCII kept
except ImportError:  # pragma: no cover - every CPython has _json
    from json.encoder import py_encode_basestring as _q

__all__ = ['install', 'active', 'start_channel', 'emit_json', 'mark', 'flush']

_now = time.perf_counter_ns
_tcpu = getattr(time, 'thread_time_ns', None) or (lambda: 0)
_ident = _thread.get_ident
_native_id = getattr(threading, 'get_native_id', _thread.get_ident)
_getframe = sys._getframe
_sleep = time.sleep
_TIMEOUT_MAX = _thread.TIMEOUT_MAX
_RawLock = _thread.allocate_lock
_RawLockType = _thread.LockType
_RLOCK = threading.RLock  # the original factory, kept before it is hooked

_HERE = os.path.dirname(os.path.abspath(__file__))
_OWN_FILES = {os.path.join(_HERE, name) for name in (
    '_labtrace_auto.py', '_labtrace_lib.py', '_labtrace_async.py', 'labtrace.py')}
_OWN_FILES.add(os.path.join(_HERE, 'bootstrap', 'sitecustomize.py'))

_spec = None          # CLAB_TRACE
_hooked = False       # install() ran: the hooks are in place
_counter = itertools.count(1)
_counting = _RawLock()


# ----- which code is the program's -------------------------------------------------------------

def _library_dirs():
    dirs = {os.path.dirname(os.__file__), os.path.dirname(threading.__file__)}
    site = sys.modules.get('site')
    for name in ('getsitepackages', 'getusersitepackages'):
        try:
            found = getattr(site, name)()
            dirs.update([found] if isinstance(found, str) else found)
        except Exception:
            pass
    return tuple(os.path.realpath(d) + os.sep for d in dirs if d)


_LIB = None  # computed at the first classification, not at start-up (realpath costs)
_prog = {}  # code filename -> short name when it is the program's code, else False


# `python -c CODE` is the program's code, except multiprocessing's own -c (spawn, forkserver)
_STRING_IS_PROGRAM = sys.argv[:1] == ['-c'] and '--multiprocessing-fork' not in sys.argv


def _classify(filename):
    global _LIB
    if _LIB is None:
        _LIB = _library_dirs()
    if filename.startswith('<'):
        short = filename if filename == '<stdin>' or filename == '<string>' and _STRING_IS_PROGRAM else False
    else:
        real = os.path.realpath(filename)
        mine = real in _OWN_FILES or os.path.abspath(filename) in _OWN_FILES
        short = False if mine or real.startswith(_LIB) else os.path.basename(filename)
    _prog[filename] = short
    return short


def _where(frame):
    """'file.py:12' of the innermost frame of the program's own code, from `frame` outwards."""
    prog = _prog
    while frame is not None:
        filename = frame.f_code.co_filename
        short = prog.get(filename)
        if short is None:
            short = _classify(filename)
        if short:
            return '%s:%d' % (short, frame.f_lineno)
        frame = frame.f_back
    return None


def _site(frame):
    """The creation site of an object made directly by the program's code, else None."""
    if frame is None:
        return None
    filename = frame.f_code.co_filename
    short = _prog.get(filename)
    if short is None:
        short = _classify(filename)
    return '%s:%d' % (short, frame.f_lineno) if short else None


def _site_through(frame, obj, *modules):
    """Like _site, looking past the __init__ of library subclasses of `obj` (BoundedSemaphore)."""
    for _ in range(4):
        if frame is None or frame.f_code.co_filename not in modules or frame.f_code.co_name != '__init__' \
                or frame.f_locals.get('self') is not obj:
            break
        frame = frame.f_back
    return _site(frame) if frame is not None else None


# ----- per-process state and the channel --------------------------------------------------------

class _Proc:
    """Everything that must be fresh in a forked child."""

    def __init__(self, dormant=False):
        self.pid = os.getpid()
        self.dormant = dormant   # forkserver / resource tracker / subprocess pre-exec: no lanes
        self.buf = []
        self.armed = False       # the flusher was woken for the events in buf
        self.sock = None
        self.wake = None         # (read fd, write fd) of the flusher's wake-up pipe
        self.dead = False        # unreachable or gone: drop events
        self.connecting = _RawLock()
        self.sending = _thread.RLock()
        self.lanes = {}          # thread ident -> lane
        self.main = None
        self.flusher = None      # ident of the tracer's thread


P = _Proc()


def _connect(p):
    """hello -> sync -> clock, then a flusher/reader thread. Any failure: one line, untraced."""
    with p.connecting:
        if p.sock is not None or p.dead:
            return
        sock = None
        try:
            host, port, token = _spec.rsplit(':', 2)
            host = host.strip('[]')
            sock = _socket.socket(_socket.AF_INET6 if ':' in host else _socket.AF_INET,
                                  _socket.SOCK_STREAM)
            sock.settimeout(5)
            sock.connect((host, int(port)))
            sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
            gil = getattr(sys, '_is_gil_enabled', lambda: True)()
            t0 = _now()
            sock.sendall(('{"k":"hello","token":%s,"runtime":"python","pid":%d,"version":"%d.%d.%d","gil":%s}\n' % (
                _q(token), p.pid, sys.version_info[0], sys.version_info[1], sys.version_info[2],
                'true' if gil else 'false')).encode('utf-8'))
            reply = b''
            while b'\n' not in reply:
                chunk = sock.recv(4096)
                if not chunk:
                    raise ConnectionError('the engine closed the trace channel')
                reply += chunk
            t1 = _now()
            line, rest = reply.split(b'\n', 1)
            te = _number_after(line, b'"t":')
            sock.sendall(('{"k":"clock","t0":%d,"t1":%d,"te":%d}\n' % (t0, t1, te)).encode())
            sock.settimeout(10)  # a stuck engine must not hang the program's exit for ever
            p.wake = _socket.socketpair()  # a pipe would do, but Windows can only wait on sockets
            p.wake[1].setblocking(False)
            p.sock = sock
            p.flusher = _thread.start_new_thread(_flush_loop, (p, rest))
        except Exception as error:
            p.dead = True
            p.buf = []
            if sock is not None:
                sock.close()
            try:
                sys.stderr.write('labtrace: cannot reach the engine (%s); running untraced\n' % (error,))
            except Exception:
                pass  # no stderr (pythonw): silently untraced


def _number_after(line, key):
    i = line.index(key) + len(key)
    while line[i:i + 1] in (b' ', b'\t'):
        i += 1
    j = i
    while j < len(line) and line[j:j + 1] in b'-+.0123456789eE':
        j += 1
    text = line[i:j]
    return int(text) if text.lstrip(b'-').isdigit() else int(float(text))


def _emit(line):
    """Queue one event line; the flusher sends batches at most every 50 ms."""
    p = P
    if p.dead or p.dormant:
        return
    if p.sock is None:
        _connect(p)
        if p.dead:
            return
    p.buf.append(line)  # list.append is atomic: no lock, so a signal handler cannot deadlock here
    if not p.armed:
        p.armed = True
        try:
            p.wake[1].send(b'.')
        except OSError:
            pass


def _flush(p=None):
    p = p or P
    if p.sock is None or p.dead:
        return
    with p.sending:  # keeps batches in order when two threads flush at once
        n = len(p.buf)
        if not n:
            return
        data = ''.join(p.buf[:n])
        del p.buf[:n]  # only flushers remove, appends go to the end: nothing is lost
        try:
            p.sock.sendall(data.encode('utf-8', 'backslashreplace'))
        except OSError:
            p.dead = True  # the engine went away (cancel): the program carries on untraced


flush = _flush


def _flush_loop(p, pending):
    """The tracer's own thread: sends batches and answers the engine (dump)."""
    import select
    sock, wake = p.sock, p.wake[0]
    fds = (sock.fileno(), wake.fileno())
    make_poll = _RAW_POLL or getattr(select, 'poll', None)
    if make_poll is not None:
        poller = make_poll()
        for fd in fds:
            poller.register(fd, select.POLLIN)

        def wait():
            return [fd for fd, _ in poller.poll()]
    else:  # Windows: select works on sockets
        raw_select = getattr(select.select, '__wrapped__', select.select)

        def wait():
            return raw_select(fds, (), ())[0]
    while not p.dead:
        try:
            ready = wait()
            if fds[1] in ready:
                wake.recv(4096)
                _sleep(0.05)  # gather a batch: one send per 50 ms at most
                p.armed = False
                _flush(p)
            if fds[0] in ready:
                try:
                    chunk = sock.recv(65536)
                except (BlockingIOError, _socket.timeout):
                    continue
                if not chunk:  # the engine closed its side: stop tracing, keep nothing
                    p.dead = True
                    p.buf = []
                    return
                pending += chunk
                while b'\n' in pending:
                    line, pending = pending.split(b'\n', 1)
                    if b'"dump"' in line:
                        _dump(p)
        except Exception:
            if p is not P:
                return
            _sleep(0.05)


def emit_json(event):
    """For the explicit API (variant, outcome): rare events, so the json module is fine."""
    import json
    _emit(json.dumps(event, ensure_ascii=False, separators=(',', ':')) + '\n')


# ----- lanes ------------------------------------------------------------------------------------

class _Lane:
    __slots__ = ('key', 'name', 'kind', 'daemon', 'tid', 'target', 'where', 't', 'own',
                 'waiting', 'ctx', 'in_loop', 'wait_obj', 'wait_lock', 'ended')

    def __init__(self, name, kind, daemon=None, target=None, where=None, tid=None, own=True):
        with _counting:  # itertools.count is not atomic on free-threaded builds
            self.key = '%d.%d' % (P.pid, next(_counter))
        self.name, self.kind, self.daemon = name, kind, daemon
        self.target, self.where = target, where
        self.tid = _native_id() if tid is None else tid
        self.t = _now()
        self.own = own          # the lane is the calling thread itself (its CPU clock is ours)
        self.waiting = False    # a wait state was sent and not yet ended
        self.ctx = None         # (state, note, obj) set by an outer labelling hook
        self.in_loop = 0        # inside an asyncio event loop's run_forever
        self.wait_obj = self.wait_lock = None
        self.ended = False


class _TL(_thread._local):
    lane = None


_tl = _TL()


def _send_lane(lane, rename=False):
    """The lane event; sent again with the same key (and start time) it renames the lane."""
    line = '{"k":"lane","lane":"%s","name":%s,"kind":"%s","pid":%d,"t":%d' % (
        lane.key, _q(str(lane.name)), lane.kind, P.pid, lane.t)
    if lane.tid is not None:
        line += ',"tid":%d' % lane.tid
    if lane.daemon is not None:
        line += ',"daemon":%s' % ('true' if lane.daemon else 'false')
    if lane.target:
        line += ',"target":' + _q(lane.target)
    if lane.where:
        line += ',"where":' + _q(lane.where)
    if lane.own and lane.kind != 'task' and not rename:
        line += ',"c":%d' % _tcpu()
    _emit(line + '}\n')


def _open_lane(name, kind, **fields):
    lane = _Lane(name, kind, **fields)
    if kind != 'task':
        P.lanes[_ident()] = lane
        _tl.lane = lane
    _send_lane(lane)
    return lane


def _end_lane(lane, own=True):
    if lane.ended:
        return
    lane.ended = True
    line = '{"k":"end","lane":"%s","t":%d' % (lane.key, _now())
    if own and lane.kind != 'task':
        line += ',"c":%d' % _tcpu()
    _emit(line + '}\n')


def _cur():
    """The calling thread's lane; a thread the tracer did not see start gets one now."""
    lane = _tl.lane
    if lane is None and not P.dormant and P.sock is not None and _ident() != P.flusher:
        thread = threading._active.get(_ident())
        name = thread.name if thread is not None else 'Thread %d' % _ident()
        lane = _open_lane(name, 'thread', daemon=getattr(thread, 'daemon', None))
    return lane


# The thread CPU clock (`c`) is the engine's fallback for a thread it has no kernel readings of. On
# Linux it reads each thread's schedstat from the thread's `lane` event on, which arrives within a batch
# (50 ms): only a lane's first events need `c` (one that ends sooner is never read). Later the clock
# would cost a system call per event (~1-3 µs, a third of a state event) for nothing.
_KERNEL_READS = sys.platform.startswith('linux') and os.path.exists('/proc/%d/task/%d/schedstat' % (os.getpid(), os.getpid()))
_C_GRACE_NS = 250_000_000


def _state(lane, s, note=None, where=None, obj=None, holder=None):
    t = _now()
    if lane.kind == 'task' or (_KERNEL_READS and t - lane.t > _C_GRACE_NS):
        line = '{"k":"state","lane":"%s","s":"%s","t":%d' % (lane.key, s, t)
    else:
        line = '{"k":"state","lane":"%s","s":"%s","t":%d,"c":%d' % (lane.key, s, t, _tcpu())
    if note or where or obj or holder:
        # A program waits at a few places over and over: their JSON tail is made once.
        key = (note, where, obj, holder)
        tail = _tails.get(key)
        if tail is None:
            tail = ''
            if note:
                tail += ',"note":' + _q(note)
            if where:
                tail += ',"where":' + _q(where)
            if obj:
                tail += ',"obj":' + _q(obj)
            if holder:
                tail += ',"holder":"%s"' % holder
            tail += '}\n'
            if len(_tails) < 4096:
                _tails[key] = tail
        _emit(line + tail)
    else:
        _emit(line + '}\n')


_tails = {}  # (note, where, obj, holder) -> the end of a state event


def _caller(depth):
    """sys._getframe(depth + 1), or None when called from C with no Python frame that deep."""
    try:
        return _getframe(depth + 1)
    except ValueError:
        return None


def _begin(lane, state, note, obj=None, holder=None, lock=None):
    """A blocking call begins to wait. The caller checked `not lane.waiting`."""
    lane.waiting = True
    try:
        ctx = lane.ctx
        if ctx is not None:  # an outer hook named the wait: its label wins
            state, note, holder, lock = ctx[0], ctx[1], None, None
            obj = ctx[2](ctx[3]) if ctx[2] is not None else None
        lane.wait_obj, lane.wait_lock = obj, lock
        _state(lane, state, note, _where(_caller(2)), obj, holder)
    except Exception:
        pass  # tracing never breaks the program


def _end(lane):
    """The wait is over; inside a labelled call the label's owner ends it (one span, not many)."""
    if lane.ctx is None:
        lane.waiting = False
        lane.wait_obj = lane.wait_lock = None
        try:
            _state(lane, 'cpu')
        except Exception:
            pass


def _mark(lane, kind, note=None, obj=None):
    line = '{"k":"mark","lane":"%s","m":"%s","t":%d' % (lane.key, kind, _now())
    try:
        if note:
            line += ',"note":' + _q(note)
        if obj:
            line += ',"obj":' + _q(obj)
    except Exception:
        pass
    _emit(line + '}\n')


def mark(kind, note=None):
    """A mark on the calling thread's lane (the explicit API's trace.mark)."""
    lane = _cur()
    if lane is not None:
        _mark(lane, kind, note)


def _labelled(orig, state, note, obj=None):
    """Wraps an outer blocking call (Queue.get, Future.result…): it names the wait that an inner
    hook (Condition.wait, Thread.join…) detects, and keeps consecutive inner waits one span.
    `obj(self)` names the object waited on."""
    def labelled(*args, **kwargs):
        lane = _tl.lane
        if lane is None or lane.ctx is not None or lane.waiting:
            return orig(*args, **kwargs)
        lane.ctx = (state, note, obj, args[0] if args else None)  # obj(args[0]) only if it blocks
        try:
            return orig(*args, **kwargs)
        finally:
            lane.ctx = None
            if lane.waiting:
                _end(lane)
    return _like(labelled, orig)


def _like(wrapper, orig):
    for name in ('__module__', '__name__', '__qualname__', '__doc__'):
        try:
            setattr(wrapper, name, getattr(orig, name))
        except (AttributeError, TypeError):
            pass
    wrapper.__wrapped__ = orig
    return wrapper


def _nonbinding(wrapper, orig):
    """A builtin function does not bind as a class attribute (selectors keeps `_select =
    select.select`): its replacement must not either, so it is an instance of a callable class."""
    cls = type(orig.__name__, (), {'__slots__': (), '__call__': staticmethod(wrapper), '__doc__': orig.__doc__,
                                   '__repr__': lambda self: repr(orig), '__wrapped__': orig,
                                   '__name__': orig.__name__, '__self__': getattr(orig, '__self__', None),
                                   '__text_signature__': getattr(orig, '__text_signature__', None)})
    cls.__module__ = getattr(orig, '__module__', None) or 'builtins'
    return cls()


def _patch(owner, name, make):
    orig = getattr(owner, name, None)
    if orig is None or getattr(orig, '_clab', False):
        return None
    new = make(orig)
    if type(orig).__name__ == 'builtin_function_or_method':
        new = _nonbinding(new, orig)
        type(new)._clab = True
    else:
        new._clab = True
    setattr(owner, name, new)
    return orig


def _describe(func, args=()):
    """'work(3)' for a task mark: which callable a worker took, with its simple arguments."""
    name = getattr(func, '__qualname__', None) or getattr(func, '__name__', None) or type(func).__name__
    shown = []
    for a in args[:3]:
        if isinstance(a, (int, float, str, bool)) or a is None:
            text = repr(a)
            shown.append(text if len(text) <= 24 else text[:21] + '...')
        else:
            shown.append(type(a).__name__)
    return '%s(%s%s)' % (name, ', '.join(shown), ', ...' if len(args) > 3 else '')


# ----- threading: locks ---------------------------------------------------------------------------

def _holder(lock):
    lane = P.lanes.get(lock._owner)
    return lane.key if lane is not None else None


class _TracedBase:
    """A program's lock: the same lock, which reports contended waits and who holds it. Uncontended it
    costs one extra Python call per acquire; release is the lock's own C method (and so is a Lock's
    __exit__, below). `_owner` is the thread that took it last: while the lock is held, its holder."""
    __slots__ = ('_lk', '_a', 'release', '_owner', '_obj', '__weakref__')

    def __init__(self, lock, obj):
        self._lk, self._a, self.release = lock, lock.acquire, lock.release
        self._owner, self._obj = None, obj

    def acquire(self, blocking=True, timeout=-1, _ident=_ident):
        if timeout == -1 or (blocking and timeout.__class__ in (int, float) and 0 <= timeout <= _TIMEOUT_MAX):
            if self._a(False):
                self._owner = _ident()
                return True
            if not blocking:
                return False
            return self._contended(blocking, timeout)
        return self._a(blocking, timeout)  # unusual arguments: the lock itself decides (or raises)

    def __enter__(self, _ident=_ident):
        if self._a(False):
            self._owner = _ident()
            return True
        return self._contended(True, -1)

    def _contended(self, blocking, timeout):
        lane = _cur()
        if lane is None or lane.waiting:
            got = self._a(blocking, timeout)
        else:
            # Releasing does not clear `_owner` (C speed), so a lock just handed over still names its
            # last owner until the new one, which took it and lost the GIL before noting itself, runs
            # again: let it run first. This thread was about to wait for the lock anyway, and when
            # the lock was let go meanwhile it takes it without waiting.
            _sleep(0)
            if self._a(False):
                self._owner = _ident()
                return True
            holder = _holder(self)
            if holder is not None and holder == lane.key:
                holder = None  # stale (it let go and waits again), or a self-deadlock: the dump says
            _begin(lane, 'lock-wait', None, self._obj, holder, self)
            try:
                got = self._a(blocking, timeout)
            finally:
                _end(lane)
            if got:
                _mark(lane, 'acquire', obj=self._obj)
        if got:
            self._owner = _ident()
        return got

    # No __getattr__ forwarding: a class with one loses CPython's fast attribute lookups (4x slower).
    def locked(self):
        return self._lk.locked()

    def _at_fork_reinit(self):
        self._lk._at_fork_reinit()

    def __reduce_ex__(self, protocol):
        return self._lk.__reduce_ex__(protocol)  # fails as the plain lock does

    def __repr__(self):
        return repr(self._lk)


class _TracedLock(_TracedBase):
    """A program's threading.Lock(). Its __exit__ is the lock's own, kept in a slot: a slot is a C
    descriptor, so leaving a `with` block (which looks __exit__ up on the type) runs no Python code."""
    __slots__ = ('__exit__',)

    def __init__(self, lock, obj):
        _TracedBase.__init__(self, lock, obj)
        self.__exit__ = lock.__exit__


class _TracedRLock(_TracedBase):
    """A program's threading.RLock(), with what Condition needs (_is_owned, _release_save…)."""
    __slots__ = ()

    def __exit__(self, t, v, tb):
        owner, self._owner = self._owner, None
        self.release()
        if self._lk._is_owned():  # a nested `with` ended: this thread still holds it
            self._owner = owner

    def _is_owned(self):
        return self._lk._is_owned()

    def _release_save(self):
        return self._lk._release_save()

    def _acquire_restore(self, state):
        self._lk._acquire_restore(state)
        self._owner = _ident()

    def _recursion_count(self):
        return self._lk._recursion_count()


# what type(lock).__name__ says, as for the plain locks
_TracedLock.__name__ = _TracedLock.__qualname__ = 'lock'
_TracedRLock.__name__ = _TracedRLock.__qualname__ = 'RLock'
_TracedLock.__module__ = _TracedRLock.__module__ = '_thread'


class _LockType(type):
    """threading.Lock on 3.13+, where it is a type: traced and plain locks are both instances."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, (_RawLockType, _TracedLock))


def _hook_locks():
    orig_lock, orig_rlock = threading.Lock, threading.RLock

    def make_lock(site, args, kwargs):
        lock = orig_lock(*args, **kwargs)
        return lock if site is None or P.dormant else _TracedLock(lock, 'Lock (%s)' % site)

    def Lock(*args, **kwargs):
        """threading.Lock: a plain lock for the library's own use, a traced one for the program's."""
        return make_lock(_site(_caller(1)), args, kwargs)

    def __new__(cls, *args, **kwargs):
        return make_lock(_site(_caller(1)), args, kwargs)

    def RLock(*args, **kwargs):
        site = _site(_caller(1))
        lock = orig_rlock(*args, **kwargs)
        return lock if site is None or P.dormant else _TracedRLock(lock, 'RLock (%s)' % site)

    RLock.__module__, RLock.__doc__ = 'threading', orig_rlock.__doc__
    def __init_subclass__(cls, **kwargs):
        raise TypeError("type '_thread.lock' is not an acceptable base type")

    if isinstance(orig_lock, type):  # 3.13+: threading.Lock is the lock type (isinstance works)
        threading.Lock = _LockType('lock', (), {'__new__': __new__, '__doc__': orig_lock.__doc__,
                                                '__module__': orig_lock.__module__,
                                                '__init_subclass__': __init_subclass__})
    else:  # a builtin function before: so is its stand-in (it must not bind as a class attribute)
        threading.Lock = _nonbinding(Lock, orig_lock)
    threading.RLock = RLock


# ----- threading: everything else -------------------------------------------------------------------

_THREADING_FILE = threading.__file__


def _note_site(kind):
    """__init__ wrapper keeping the program's creation site, for the object's identity."""
    def make(orig):
        def __init__(self, *args, **kwargs):
            orig(self, *args, **kwargs)
            try:
                site = _site_through(_getframe(1), self, _THREADING_FILE)
            except Exception:
                site = None
            self._clab_obj = '%s (%s)' % (kind(self), site) if site else kind(self)
        return _like(__init__, orig)
    return make


def _obj_of(self):
    return getattr(self, '_clab_obj', None) or type(self).__name__


def _condition_init(orig):
    """A Condition the program makes itself: its own RLock is traced too (contended `with cond:`)."""
    def __init__(self, lock=None):
        try:
            site = _site(_getframe(1))
        except Exception:
            site = None
        if site is not None and lock is None and not P.dormant:
            lock = _TracedRLock(_RLOCK(), 'Condition (%s)' % site)
        orig(self, lock)
        self._clab_obj = 'Condition (%s)' % site if site else 'Condition'
    return _like(__init__, orig)


def _condition_wait(orig):
    def wait(self, timeout=None):
        lane = _cur()
        if lane is None or lane.waiting:
            return orig(self, timeout)
        try:
            blocks = timeout is None or timeout > 0
        except TypeError:
            blocks = False
        if not blocks:
            return orig(self, timeout)
        _begin(lane, 'lock-wait', 'Condition.wait', _obj_of(self))
        try:
            return orig(self, timeout)
        finally:
            _end(lane)
    return _like(wait, orig)


def _thread_start(orig):
    labelled = _labelled(orig, 'join-wait', 'Thread.start', lambda t: t.name)  # waits for it to begin

    def start(self):
        try:
            self._clab_where = _where(_caller(1))
        except Exception:
            pass
        return labelled(self)
    return _like(start, orig)


def _target_name(runner, target):
    if target is not None:
        return getattr(target, '__qualname__', None) or getattr(target, '__name__', None) or type(target).__name__
    return type(runner).__name__ + '.run'


def _thread_bootstrap_inner(orig):
    def _bootstrap_inner(self):
        lane = None
        if not P.dormant and not P.dead:
            try:
                lane = _open_lane(self.name, 'thread', daemon=self.daemon,
                                  target=_target_name(self, getattr(self, '_target', None)),
                                  where=getattr(self, '_clab_where', None))
            except Exception:
                lane = None
        try:
            orig(self)
        finally:
            if lane is not None:
                try:
                    _end_lane(lane)
                    P.lanes.pop(_ident(), None)
                except Exception:
                    pass
    return _like(_bootstrap_inner, orig)


def _thread_join(orig):
    def join(self, timeout=None):
        lane = _cur()
        if lane is None or lane.waiting:
            return orig(self, timeout)
        try:
            blocks = self.is_alive() and self.ident != _ident() and (timeout is None or timeout > 0)
        except Exception:
            blocks = False
        if not blocks:
            return orig(self, timeout)
        _begin(lane, 'join-wait', 'Thread.join', self.name)
        try:
            return orig(self, timeout)
        finally:
            _end(lane)
    return _like(join, orig)


def _threading_shutdown(orig):
    def _shutdown(*args, **kwargs):
        lane = _tl.lane
        if lane is None or lane.waiting:
            return orig(*args, **kwargs)
        try:
            me = _ident()
            others = any(not t.daemon and t.ident != me and t.is_alive() for t in threading.enumerate())
        except Exception:
            others = False
        if not others:
            return orig(*args, **kwargs)
        _begin(lane, 'join-wait', 'waiting for non-daemon threads')
        try:
            return orig(*args, **kwargs)
        finally:
            _end(lane)
    return _like(_shutdown, orig)


def _time_sleep(orig):
    def sleep(*args):
        lane = _cur()
        if lane is None or lane.waiting or len(args) != 1:
            return orig(*args)
        try:
            blocks = args[0] > 0
        except TypeError:
            blocks = False
        if not blocks:
            return orig(*args)
        # the requested time, so a chart can set it beside the measured one
        _begin(lane, 'sleeping', 'time.sleep(%.4g)' % args[0])
        try:
            return orig(*args)
        finally:
            _end(lane)
    return _like(sleep, orig)


def _hook_threading():
    _hook_locks()
    Condition, Event = threading.Condition, threading.Event
    Semaphore, Barrier = threading.Semaphore, threading.Barrier
    _patch(Condition, '__init__', _condition_init)
    _patch(Condition, 'wait', _condition_wait)
    _patch(Event, '__init__', _note_site(lambda e: 'Event'))
    _patch(Event, 'wait', lambda o: _labelled(o, 'lock-wait', 'Event.wait', _obj_of))
    _patch(Semaphore, '__init__', _note_site(lambda s: type(s).__name__))
    for name in ('acquire', '__enter__'):
        _patch(Semaphore, name, lambda o: _labelled(o, 'lock-wait', 'Semaphore.acquire', _obj_of))
    _patch(Barrier, '__init__', _note_site(lambda b: 'Barrier'))
    _patch(Barrier, 'wait', lambda o: _labelled(o, 'lock-wait', 'Barrier.wait', _obj_of))
    Thread = threading.Thread
    _patch(Thread, 'start', _thread_start)
    _patch(Thread, '_bootstrap_inner', _thread_bootstrap_inner)
    _patch(Thread, 'join', _thread_join)
    _patch(threading, '_shutdown', _threading_shutdown)
    _patch(time, 'sleep', _time_sleep)


# ----- I/O that every program may touch -------------------------------------------------------------

def _select_select(orig):
    def select(rlist, wlist, xlist, timeout=None):
        lane = _cur()
        if lane is None or lane.waiting:
            return orig(rlist, wlist, xlist, timeout)
        try:
            blocks = timeout is None or timeout > 0
        except TypeError:
            blocks = False
        if not blocks:
            return orig(rlist, wlist, xlist, timeout)
        # the lists may be iterators: read them once, pass the same objects twice
        rlist, wlist, xlist = [x if isinstance(x, (list, tuple)) else list(x) for x in (rlist, wlist, xlist)]
        ready = orig(rlist, wlist, xlist, 0)
        if ready[0] or ready[1] or ready[2]:
            return ready
        _begin(lane, 'io', 'select.select')
        try:
            return orig(rlist, wlist, xlist, timeout)
        finally:
            _end(lane)
    return _like(select, orig)


class _PollLike:
    """select.poll() objects: poll() that would block reports io (selectors' own hook comes first)."""
    __slots__ = ('_p',)

    def __init__(self, *args, **kwargs):
        self._p = _RAW_POLL(*args, **kwargs)

    def poll(self, timeout=None, *args):
        inner = self._p
        lane = _cur()
        if lane is None or lane.waiting:
            return inner.poll(timeout, *args)
        try:
            blocks = timeout is None or timeout < 0 or timeout > 0
        except TypeError:
            blocks = False
        if not blocks:
            return inner.poll(timeout, *args)
        ready = inner.poll(0, *args)
        if ready:
            return ready
        _begin(lane, 'io', 'poll')
        try:
            return inner.poll(timeout, *args)
        finally:
            _end(lane)

    def __getattr__(self, name):
        if name == '_p':
            raise AttributeError(name)
        return getattr(self._p, name)


_RAW_POLL = None


def patch_select(select):
    global _RAW_POLL
    _patch(select, 'select', _select_select)
    raw = getattr(select, 'poll', None)
    if raw is not None and raw is not _PollLike:
        _RAW_POLL = raw
        _PollLike.__name__ = _PollLike.__qualname__ = 'poll'
        _PollLike.__module__ = 'select'
        select.poll = _PollLike
    # select.epoll is a type that cannot be subclassed: its waits are seen through selectors


def _input(orig):
    def input(*args):
        lane = _cur()
        if lane is None or lane.waiting:
            return orig(*args)
        _begin(lane, 'io', 'input')
        try:
            return orig(*args)
        finally:
            _end(lane)
    return _like(input, orig)


def _os_exit(orig):
    def _exit(*args, **kwargs):
        try:
            lane = P.main
            if lane is not None:
                _end_lane(lane, own=_tl.lane is lane)
            _flush()
        except Exception:
            pass
        return orig(*args, **kwargs)
    return _like(_exit, orig)


# ----- modules imported later: patched right after they execute --------------------------------------

# module name -> name of the function (in _labtrace_lib or _labtrace_async) that patches it
_LATER = {
    'queue': 'lib:patch_queue',
    'select': 'core:patch_select',
    'selectors': 'lib:patch_selectors',
    'socket': 'lib:patch_socket',
    'subprocess': 'lib:patch_subprocess',
    'concurrent.futures._base': 'lib:patch_futures_base',
    'concurrent.futures.thread': 'lib:patch_futures_thread',
    'concurrent.futures.process': 'lib:patch_futures_process',
    'multiprocessing.process': 'lib:patch_mp_process',
    'multiprocessing.pool': 'lib:patch_mp_pool',
    'multiprocessing.connection': 'lib:patch_mp_connection',
    'multiprocessing.queues': 'lib:patch_mp_queues',
    'asyncio.tasks': 'async:patch_tasks',
    'asyncio.locks': 'async:patch_locks',
    'asyncio.queues': 'async:patch_queues',
    'asyncio.base_events': 'async:patch_base_events',
    'asyncio.streams': 'async:patch_streams',
}


def _apply(name, module):
    try:
        where, func = _LATER[name].split(':')
        helper = sys.modules[__name__] if where == 'core' else __import__('_labtrace_' + where)
        getattr(helper, func)(module)
    except Exception as error:  # a hook that does not fit this version: that part stays untraced
        try:
            sys.stderr.write('labtrace: could not hook %s (%s: %s)\n' % (name, type(error).__name__, error))
        except Exception:
            pass


class _PatchingLoader:
    def __init__(self, loader, name):
        self._loader, self._name = loader, name

    def create_module(self, spec):
        create = getattr(self._loader, 'create_module', None)
        return create(spec) if create is not None else None

    def exec_module(self, module):
        loader = self._loader
        try:
            loader.exec_module(module)
        finally:
            # whoever looks at the module later sees its real loader
            if getattr(module, '__spec__', None) is not None:
                module.__spec__.loader = loader
            try:
                module.__loader__ = loader
            except AttributeError:
                pass
        _apply(self._name, module)

    def __getattr__(self, name):
        return getattr(self._loader, name)


_OWN_MODULES = ('labtrace', '_labtrace_lib', '_labtrace_async')
_loader_class = None  # the bootstrap's loader that caches the tracer's compiled code
_module_spec = None


class _Finder:
    """First on sys.meta_path: for the modules in _LATER, finds the real spec with the other
    finders and has the module patched right after it executes; the tracer's own modules load
    through the bootstrap's caching loader."""

    def find_spec(self, name, path=None, target=None):
        if name in _OWN_MODULES and _loader_class is not None and _module_spec is not None:
            origin = os.path.join(_HERE, name + '.py')
            if os.path.isfile(origin):
                spec = _module_spec(name, _loader_class(name, origin), origin=origin)
                spec.has_location = True
                return spec
        if name not in _LATER:
            return None
        for finder in sys.meta_path:
            if finder is self:
                continue
            find = getattr(finder, 'find_spec', None)
            if find is None:
                continue
            spec = find(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, 'exec_module'):
                    spec.loader = _PatchingLoader(spec.loader, name)
                return spec
        return None

    def invalidate_caches(self):
        pass


# ----- dump: where every thread is (asked at a timeout) -----------------------------------------------

def _dump(p):
    frames = sys._current_frames()
    for ident, frame in frames.items():
        if ident == p.flusher:
            continue
        lane = p.lanes.get(ident)
        if lane is None:
            continue
        stack = []
        while frame is not None:
            filename = frame.f_code.co_filename
            if os.path.realpath(filename) not in _OWN_FILES:
                stack.append('{"file":%s,"line":%d,"func":%s}' % (
                    _q(filename), frame.f_lineno or 0, _q(frame.f_code.co_name)))
            frame = frame.f_back
        line = '{"k":"stuck","lane":"%s","frames":[%s]' % (lane.key, ','.join(reversed(stack[:200])))
        if lane.waiting and lane.wait_obj:
            line += ',"obj":' + _q(lane.wait_obj)
            lock = lane.wait_lock
            holder = _holder(lock) if lock is not None else None
            if holder:
                line += ',"holder":"%s"' % holder
        _emit(line + '}\n')
    _emit('{"k":"dumped"}\n')
    _flush(p)


# ----- processes: fork, start-up kind, exit ---------------------------------------------------------

def _command_line():
    argv = getattr(sys, 'orig_argv', None)
    if argv is None:
        try:
            with open('/proc/self/cmdline', 'rb') as f:
                argv = [a.decode('utf-8', 'replace') for a in f.read().split(b'\0')]
        except OSError:
            argv = list(sys.argv)
    return ' '.join(argv)


def _helper_process():
    """The forkserver and the resource tracker start like a program but are multiprocessing's
    machinery: they get no lanes (the forkserver's forked workers do)."""
    if sys.argv[:1] != ['-c']:
        return False
    command = _command_line()
    return 'multiprocessing.forkserver import main' in command or 'multiprocessing.resource_tracker' in command \
        or 'multiprocessing.semaphore_tracker' in command


def _program_name():
    argv0 = sys.argv[0] if sys.argv else ''
    if argv0 in ('-c', ''):
        return 'python -c'
    if argv0 == '-m':
        return 'python -m'
    return os.path.basename(argv0)


def _after_fork_child():
    global P
    parent = P
    # our copies of the parent's sockets: closed, never shut down (that would end the parent's)
    for sock in (parent.sock,) + tuple(parent.wake or ()):
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass
    # subprocess's fork for preexec_fn runs this too, just before exec: no connection for that
    frame = _caller(1)
    P = _Proc(dormant=frame is not None and frame.f_code.co_name == '_execute_child')
    _tl.lane = None
    if P.dormant or not _hooked:
        return  # the explicit API connects at its first event
    mp = sys.modules.get('multiprocessing')
    name = 'fork of %s' % _program_name()
    if mp is not None:
        try:
            current = mp.current_process().name
            if current != 'MainProcess':
                name = current
        except Exception:
            pass
    P.main = _open_lane(name, 'process')
    _flush()  # a forked worker may be terminated before the flusher's next round


class _ForkWarning:
    """A one-shot warnings filter. Python 3.12+ warns when a process with several threads forks; the
    tracer's own thread must not make a single-threaded program get that warning. Its `match` is
    called with the message (by the C and the Python warnings code alike) and removes itself."""

    def match(self, text):
        if 'is multi-threaded, use of fork()' in text:
            _drop_fork_filter()
            return True
        return False


_FORK_FILTER = ('ignore', _ForkWarning(), DeprecationWarning, None, 0)


def _drop_fork_filter():
    warnings = sys.modules.get('warnings')
    if warnings is not None and _FORK_FILTER in warnings.filters:
        warnings.filters.remove(_FORK_FILTER)
        warnings._filters_mutated()


def _before_fork():
    try:
        _drop_fork_filter()
        warnings = sys.modules.get('warnings')
        if warnings is not None and P.flusher is not None and threading.active_count() <= 1:
            warnings.filters.insert(0, _FORK_FILTER)
            warnings._filters_mutated()
    except Exception:
        pass


def _at_exit():
    lane = P.main
    if lane is not None and not P.dormant:
        try:
            _end_lane(lane, own=_tl.lane is lane)
        except Exception:
            pass
    _flush()


def active():
    """True when this process is traced automatically (the explicit API then defers to it)."""
    return _hooked


def start_channel(spec):
    """The transport alone, for the explicit API when the hooks are not loaded."""
    global _spec
    _spec = spec
    if hasattr(os, 'register_at_fork'):
        os.register_at_fork(after_in_child=_after_fork_child)
    _connect(P)
    return not P.dead


def install(spec, loader_class=None, module_spec=None):
    """Hooks the standard library and opens this process's lane; from sitecustomize. Engine
    unreachable: one line on stderr and no hooks at all."""
    global _spec, _hooked, _loader_class, _module_spec
    _spec, _loader_class, _module_spec = spec, loader_class, module_spec
    helper = _helper_process()
    if not helper:
        if os.environ.get('CLAB_TRACE_ROOT') != spec:  # the same run's parent set it: we are a child
            os.environ['CLAB_TRACE_ROOT'] = spec
            kind, name = 'main', threading.current_thread().name
        else:
            kind = 'process'
            name = 'process %d' % P.pid if '--multiprocessing-fork' in sys.argv else _program_name()
        _connect(P)
        if P.dead:
            return
    atexit.register(_at_exit)  # registered before the program runs, so it runs last: the main lane ends at the very end
    if hasattr(os, 'register_at_fork'):
        os.register_at_fork(after_in_child=_after_fork_child)
        if sys.version_info >= (3, 12):
            os.register_at_fork(before=_before_fork)
    _hook_threading()
    import builtins
    _patch(builtins, 'input', _input)
    _patch(os, '_exit', _os_exit)
    _hooked = True
    sys.meta_path.insert(0, _Finder())
    for module_name in _LATER:  # already imported (by site, a .pth file or the tracer itself): patch now
        module = sys.modules.get(module_name)
        if module is not None:
            _apply(module_name, module)
    if helper:
        global _STRING_IS_PROGRAM
        _STRING_IS_PROGRAM = False  # its forked workers run multiprocessing's -c code
        P.dormant = True
        _prog.clear()
        return
    P.main = _open_lane(name, kind)
