"""Hooks for library modules a program imports later: queue, selectors, socket, subprocess,
concurrent.futures, multiprocessing. Loaded by _labtrace_auto when the first of them is imported
(a program that uses none of them never compiles this file). Same rules as _labtrace_auto."""
import os
import sys

import _labtrace_auto as auto
from _labtrace_auto import (_begin, _cur, _describe, _end, _end_lane, _flush, _getframe, _labelled, _like,
                            _mark, _patch, _send_lane, _site_through, _target_name, _tl, _where)


def _note_site(module_file):
    """__init__ wrapper keeping the program's creation site (queues)."""
    def make(orig):
        def __init__(self, *args, **kwargs):
            orig(self, *args, **kwargs)
            try:
                site = _site_through(_getframe(1), self, module_file)
            except Exception:
                site = None
            name = type(self).__name__
            self._clab_obj = '%s (%s)' % (name, site) if site else name
        return _like(__init__, orig)
    return make


def _obj_of(self):
    return getattr(self, '_clab_obj', None) or type(self).__name__


def _blocks(timeout):
    try:
        return timeout is None or timeout > 0
    except TypeError:
        return False  # the original raises its own error


def _reexport(package_name, module, names):
    """`concurrent.futures` re-exports from `_base`: keep the package's names the hooked ones."""
    package = sys.modules.get(package_name)
    if package is not None:
        for name in names:
            if hasattr(package, name):
                setattr(package, name, getattr(module, name))


# ----- queue ----------------------------------------------------------------------------------------

def patch_queue(queue):
    Queue = queue.Queue
    _patch(Queue, '__init__', _note_site(queue.__file__))
    for name in ('get', 'put', 'join'):
        _patch(Queue, name, lambda o, n=name: _labelled(o, 'lock-wait', 'Queue.' + n, _obj_of))


# ----- selectors and sockets ---------------------------------------------------------------------------

def _selector_select(orig):
    def select(self, timeout=None):
        lane = _cur()
        if lane is None or lane.waiting or not _blocks(timeout):
            return orig(self, timeout)
        ready = orig(self, 0)
        if ready:
            return ready
        if lane.in_loop:
            _begin(lane, 'idle', 'event loop')  # an asyncio loop with nothing to run
        else:
            _begin(lane, 'io', 'selector.select')
        try:
            return orig(self, timeout)
        finally:
            _end(lane)
    return _like(select, orig)


def patch_selectors(selectors):
    for value in list(vars(selectors).values()):
        if isinstance(value, type) and issubclass(value, selectors.BaseSelector) \
                and value is not selectors.BaseSelector and 'select' in value.__dict__:
            _patch(value, 'select', _selector_select)


def _ready(sock, events):
    """Would a call on `sock` go through without waiting? One zero-timeout poll."""
    try:
        fd = sock.fileno()
        if fd < 0:
            return True  # closed: the original raises
        poller = (auto._RAW_POLL or __import__('select').poll)()
        poller.register(fd, events)
        return bool(poller.poll(0))
    except Exception:
        return True


def _socket_io(note, events):
    def make(orig):
        def call(self, *args, **kwargs):
            lane = _cur()
            if lane is None or lane.waiting or self.gettimeout() == 0.0 or (events and _ready(self, events)):
                return orig(self, *args, **kwargs)
            _begin(lane, 'io', note)
            try:
                return orig(self, *args, **kwargs)
            finally:
                _end(lane)
        return _like(call, orig)
    return make


def patch_socket(socket):
    try:
        from select import POLLIN, POLLOUT
    except ImportError:  # no poll (Windows): report every call on a blocking socket
        POLLIN = POLLOUT = 0
    cls = socket.socket
    for name in ('recv', 'recv_into', 'recvfrom', 'recvfrom_into', 'accept'):
        _patch(cls, name, _socket_io('socket.' + name, POLLIN))
    for name in ('send', 'sendall', 'sendto'):
        _patch(cls, name, _socket_io('socket.' + name, POLLOUT))
    for name in ('connect', 'connect_ex'):
        _patch(cls, name, _socket_io('socket.' + name, 0))


# ----- subprocess ---------------------------------------------------------------------------------------

def _popen_obj(popen):
    args = popen.args
    first = args if isinstance(args, (str, bytes, os.PathLike)) else (args[0] if args else '?')
    return '%s (pid %s)' % (os.path.basename(os.fsdecode(first)).split(' ')[0], popen.pid)


def patch_subprocess(subprocess):
    Popen = subprocess.Popen

    def make_wait(orig):
        def wait(self, timeout=None):
            lane = _cur()
            if lane is None or lane.waiting or self.returncode is not None or not _blocks(timeout) \
                    or self.poll() is not None:
                return orig(self, timeout)
            _begin(lane, 'io', 'Popen.wait', _popen_obj(self))
            try:
                return orig(self, timeout)
            finally:
                _end(lane)
        return _like(wait, orig)

    def make_communicate(orig):
        def communicate(self, *args, **kwargs):
            lane = _cur()
            if lane is None or lane.waiting or self.returncode is not None:
                return orig(self, *args, **kwargs)
            _begin(lane, 'io', 'Popen.communicate', _popen_obj(self))
            try:
                return orig(self, *args, **kwargs)
            finally:
                _end(lane)
        return _like(communicate, orig)

    _patch(Popen, 'wait', make_wait)
    _patch(Popen, 'communicate', make_communicate)


# ----- concurrent.futures -------------------------------------------------------------------------------

def _labelled_iterator(orig, state, note):
    """as_completed: waiting inside next(), running code in the loop body."""
    def iterate(iterator):
        try:
            while True:
                lane = _tl.lane
                if lane is None or lane.ctx is not None or lane.waiting:
                    try:
                        item = next(iterator)
                    except StopIteration:
                        return
                else:
                    lane.ctx = (state, note, None, None)
                    try:
                        item = next(iterator)
                    except StopIteration:
                        return
                    finally:
                        lane.ctx = None
                        if lane.waiting:
                            _end(lane)
                yield item
        finally:
            iterator.close()

    def wrapper(*args, **kwargs):
        return iterate(orig(*args, **kwargs))
    return _like(wrapper, orig)


class _Feed:
    """A pool worker's task queue: 'idle' while it waits for work, a 'task' mark per task taken."""
    __slots__ = ('_q', '_describe')

    def __init__(self, queue, describe):
        self._q, self._describe = queue, describe

    def get(self, *args, **kwargs):
        queue = self._q
        lane = _cur()
        idle = False
        if lane is not None and not lane.waiting and (args[0] if args else kwargs.get('block', True)):
            try:
                idle = queue.empty()
            except Exception:
                idle = False
        if idle:
            _begin(lane, 'idle', 'waiting for work')
            try:
                item = queue.get(*args, **kwargs)
            finally:
                _end(lane)
        else:
            item = queue.get(*args, **kwargs)
        self._took(lane, item)
        return item

    def get_nowait(self):
        item = self._q.get_nowait()
        self._took(_tl.lane, item)
        return item

    def _took(self, lane, item):
        if item is not None and lane is not None:
            try:
                note = self._describe(item)
            except Exception:
                note = None
            if note:
                _mark(lane, 'task', note)
                if lane.kind == 'process':
                    # a pool's worker process is terminated (SIGTERM) when the pool closes, maybe
                    # before the flusher's next round: its task marks go out at once
                    _flush()

    def __getattr__(self, name):
        if name in ('_q', '_describe'):
            raise AttributeError(name)
        return getattr(self._q, name)


def _describe_item(item):
    fn, args = item.fn, item.args
    inner = getattr(fn, 'func', None)  # Executor.map with processes: partial(_process_chunk, fn)
    if getattr(inner, '__name__', '') == '_process_chunk' and fn.args and args:
        chunk = list(args[0])
        first = _describe(fn.args[0], tuple(chunk[0]) if chunk else ())
        return first if len(chunk) <= 1 else '%s and %d more' % (first, len(chunk) - 1)
    return _describe(fn, args)


def patch_futures_base(base):
    Future = base.Future
    _patch(Future, 'result', lambda o: _labelled(o, 'join-wait', 'Future.result'))
    _patch(Future, 'exception', lambda o: _labelled(o, 'join-wait', 'Future.exception'))
    _patch(base, 'wait', lambda o: _labelled(o, 'join-wait', 'futures.wait'))
    _patch(base, 'as_completed', lambda o: _labelled_iterator(o, 'join-wait', 'as_completed'))
    _patch(base.Executor, '__exit__', lambda o: _labelled(o, 'join-wait', 'Executor.shutdown',
                                                          lambda e: type(e).__name__))
    _reexport('concurrent.futures', base, ('wait', 'as_completed'))


def patch_futures_thread(thread):
    def make_worker(orig):
        def _worker(executor_reference, work_queue, *args, **kwargs):
            return orig(executor_reference, _Feed(work_queue, _describe_item), *args, **kwargs)
        return _like(_worker, orig)
    _patch(thread, '_worker', make_worker)
    _patch(thread.ThreadPoolExecutor, 'shutdown',
           lambda o: _labelled(o, 'join-wait', 'Executor.shutdown', lambda e: type(e).__name__))


def patch_futures_process(process):
    def make_worker(orig):
        def _process_worker(call_queue, *args, **kwargs):
            return orig(_Feed(call_queue, _describe_item), *args, **kwargs)
        return _like(_process_worker, orig)
    _patch(process, '_process_worker', make_worker)
    _patch(process.ProcessPoolExecutor, 'shutdown',
           lambda o: _labelled(o, 'join-wait', 'Executor.shutdown', lambda e: type(e).__name__))


# ----- multiprocessing -----------------------------------------------------------------------------------

def _process_start(orig):
    def start(self):
        try:
            self._clab_where = _where(_getframe(1))  # pickled along to a spawn child
        except Exception:
            pass
        return orig(self)
    return _like(start, orig)


def _process_bootstrap(orig):
    """In the child: the process's lane takes the process's name, marks 'start' as its target
    begins, and ends (flushed: fork children leave by os._exit) when _bootstrap returns."""
    def _bootstrap(self, *args, **kwargs):
        lane = auto.P.main
        if lane is not None and not lane.ended:
            try:
                lane.name, lane.kind = self.name, 'process'
                lane.target = _target_name(self, getattr(self, '_target', None))
                lane.where = getattr(self, '_clab_where', None)
                _send_lane(lane, rename=True)
                _mark(lane, 'start')
                # sent now, not with the next batch: a pool's workers may be terminated (SIGTERM)
                # before the flusher's next round, and a process that never reported has no lane
                _flush()
            except Exception:
                pass
        try:
            return orig(self, *args, **kwargs)
        finally:
            if lane is not None:
                try:
                    _end_lane(lane)
                    _flush()
                except Exception:
                    pass
    return _like(_bootstrap, orig)


def _process_join(orig):
    def join(self, timeout=None):
        lane = _cur()
        if lane is None or lane.waiting:
            return orig(self, timeout)
        try:
            blocks = self._popen is not None and _blocks(timeout) and self._popen.poll() is None
        except Exception:
            blocks = False
        if not blocks:
            return orig(self, timeout)
        _begin(lane, 'join-wait', 'Process.join', self.name)
        try:
            return orig(self, timeout)
        finally:
            _end(lane)
    return _like(join, orig)


def patch_mp_process(process):
    BaseProcess = process.BaseProcess
    _patch(BaseProcess, 'start', _process_start)
    _patch(BaseProcess, '_bootstrap', _process_bootstrap)
    _patch(BaseProcess, 'join', _process_join)


def _describe_pool_task(task):
    job, i, func, args, kwargs = task
    name = getattr(func, '__name__', '')
    if name in ('mapstar', 'starmapstar') and args and len(args[0]) == 2:
        func, chunk = args[0]
        chunk = list(chunk)
        if not chunk:
            return _describe(func, ())
        first = _describe(func, tuple(chunk[0]) if name == 'starmapstar' else (chunk[0],))
        return first if len(chunk) == 1 else '%s and %d more' % (first, len(chunk) - 1)
    return _describe(func, args)


def patch_mp_pool(pool):
    def make_worker(orig):
        def worker(inqueue, *args, **kwargs):
            return orig(_Feed(inqueue, _describe_pool_task), *args, **kwargs)
        return _like(worker, orig)
    _patch(pool, 'worker', make_worker)
    Pool = pool.Pool
    for name in ('join', 'terminate', 'map', 'starmap'):
        _patch(Pool, name, lambda o, n=name: _labelled(o, 'join-wait', 'Pool.' + n))
    for name in ('get', 'wait'):
        _patch(pool.ApplyResult, name, lambda o, n=name: _labelled(o, 'join-wait', 'AsyncResult.' + n))
    for name in ('next', '__next__'):
        _patch(pool.IMapIterator, name, lambda o: _labelled(o, 'join-wait', 'Pool.imap'))


def _connection_recv(note):
    def make(orig):
        def recv(self, *args, **kwargs):
            lane = _cur()
            if lane is None or lane.waiting:
                return orig(self, *args, **kwargs)
            try:
                blocks = not self.poll()
            except Exception:
                blocks = False  # closed or not readable: the original raises
            if not blocks:
                return orig(self, *args, **kwargs)
            _begin(lane, 'io', note)
            try:
                return orig(self, *args, **kwargs)
            finally:
                _end(lane)
        return _like(recv, orig)
    return make


def patch_mp_connection(connection):
    base = connection._ConnectionBase
    for name in ('recv', 'recv_bytes', 'recv_bytes_into'):
        _patch(base, name, _connection_recv('Connection.' + name))


def patch_mp_queues(queues):
    def make_get(orig):
        def get(self, block=True, timeout=None):
            lane = _cur()
            if lane is None or lane.waiting or not block or not _blocks(timeout):
                return orig(self, block, timeout)
            try:
                blocks = self.empty()
            except Exception:
                blocks = False
            if not blocks:
                return orig(self, block, timeout)
            _begin(lane, 'io', 'multiprocessing Queue.get')
            try:
                return orig(self, block, timeout)
            finally:
                _end(lane)
        return _like(get, orig)
    _patch(queues.Queue, 'get', make_get)
