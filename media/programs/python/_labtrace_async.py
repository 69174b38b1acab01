"""asyncio hooks: one lane per Task (kind 'task', on its loop thread's tid), and what each task waits
for: asyncio.sleep, asyncio locks/events/conditions/semaphores/queues, awaiting another task or a
gather, asyncio.wait, stream reads. The loop thread waiting in its selector is 'idle' ("event loop").
Loaded by _labtrace_auto when asyncio is imported. Same rules as _labtrace_auto."""
import sys
import weakref

import _labtrace_auto as auto
from _labtrace_auto import _begin, _cur, _end, _end_lane, _getframe, _Lane, _like, _native_id, _patch, _send_lane, _where

_lanes = weakref.WeakKeyDictionary()  # task -> lane; a task nobody keeps is not kept alive by us
_current_task = None


def _task_lane():
    try:
        task = _current_task()
    except RuntimeError:  # no running loop
        return None
    return _lanes.get(task) if task is not None else None


# asyncio.run's own housekeeping tasks: not the program's work
_HOUSEKEEPING = {'BaseEventLoop.shutdown_asyncgens', 'BaseEventLoop.shutdown_default_executor'}


def _opened(task, frame):
    if task in _lanes or auto.P.dormant or auto.P.dead:
        return
    try:
        coro = task.get_coro()
        target = getattr(coro, '__qualname__', None) or getattr(coro, '__name__', None)
    except Exception:
        target = None
    if target in _HOUSEKEEPING:
        return
    lane = _Lane(task.get_name(), 'task', target=target, where=_where(frame), tid=_native_id(), own=False)
    _lanes[task] = lane
    _send_lane(lane)
    task.add_done_callback(_done)


def _done(task):
    lane = _lanes.pop(task, None)
    if lane is not None:
        _end_lane(lane, own=False)


def _waiting(state, note, obj, peek=None):
    """Wraps an async method: `state` on the task's lane while it is suspended in it; `peek(self)`
    true means it will not suspend (a free lock, a queue with items)."""
    def make(orig):
        async def method(self, *args, **kwargs):
            lane = _task_lane()
            if lane is None or lane.waiting or (peek is not None and peek(self)):
                return await orig(self, *args, **kwargs)
            _begin(lane, state, note, obj)
            try:
                return await orig(self, *args, **kwargs)
            finally:
                _end(lane)
        return _like(method, orig)
    return make


def _awaiting(base_await, note, name):
    """__await__ for a Task or a gather: 'join-wait' on the awaiting task's lane until it is done."""
    def __await__(self):
        if not self.done():
            lane = _task_lane()
            if lane is not None and not lane.waiting:
                _begin(lane, 'join-wait', note, name(self))
                try:
                    return (yield from base_await(self))
                finally:
                    _end(lane)
        return (yield from base_await(self))
    return __await__


def patch_tasks(tasks):
    global _current_task
    _current_task = tasks.current_task
    base = tasks.Task
    if getattr(base, '_clab', False):
        return

    class Task(base):
        """asyncio.Task, with a lane of its own."""
        _clab = True

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            try:
                _opened(self, _getframe(1))
            except Exception:
                pass

        def set_name(self, value):
            super().set_name(value)
            lane = _lanes.get(self)
            if lane is not None and lane.name != self.get_name():
                lane.name = self.get_name()
                _send_lane(lane, rename=True)

        __await__ = __iter__ = _awaiting(base.__await__, 'await', lambda t: t.get_name())

    Task.__module__, Task.__qualname__, Task.__doc__ = base.__module__, base.__qualname__, base.__doc__
    tasks.Task = Task

    gathering = getattr(tasks, '_GatheringFuture', None)
    if gathering is not None and not getattr(gathering.__await__, '_clab', False):
        hooked = _awaiting(gathering.__await__, 'gather', lambda f: None)
        hooked._clab = True
        gathering.__await__ = gathering.__iter__ = hooked

    orig_sleep = tasks.sleep

    async def sleep(delay, *args, **kwargs):
        lane = _task_lane()
        if lane is not None and not lane.waiting:
            try:
                blocks = delay > 0
            except TypeError:
                blocks = False
            if blocks:
                _begin(lane, 'sleeping', 'asyncio.sleep')
                try:
                    return await orig_sleep(delay, *args, **kwargs)
                finally:
                    _end(lane)
        return await orig_sleep(delay, *args, **kwargs)
    tasks.sleep = _like(sleep, orig_sleep)
    tasks.sleep._clab = True
    _patch(tasks, 'wait', _waiting('join-wait', 'asyncio.wait', None))
    package = sys.modules.get('asyncio')  # imported before the hooks: its re-exports too
    if package is not None:
        for name in ('Task', 'sleep', 'wait'):
            if hasattr(package, name):
                setattr(package, name, getattr(tasks, name))


def patch_locks(locks):
    _patch(locks.Lock, 'acquire', _waiting('lock-wait', 'asyncio.Lock.acquire', 'asyncio.Lock', lambda s: not s.locked()))
    _patch(locks.Event, 'wait', _waiting('lock-wait', 'asyncio.Event.wait', 'asyncio.Event', lambda s: s.is_set()))
    _patch(locks.Condition, 'wait', _waiting('lock-wait', 'asyncio.Condition.wait', 'asyncio.Condition'))
    _patch(locks.Semaphore, 'acquire', _waiting('lock-wait', 'asyncio.Semaphore.acquire', 'asyncio.Semaphore',
                                                lambda s: not s.locked()))


def patch_queues(queues):
    Queue = queues.Queue
    _patch(Queue, 'get', _waiting('lock-wait', 'asyncio.Queue.get', 'asyncio.Queue', lambda q: not q.empty()))
    _patch(Queue, 'put', _waiting('lock-wait', 'asyncio.Queue.put', 'asyncio.Queue', lambda q: not q.full()))
    _patch(Queue, 'join', _waiting('lock-wait', 'asyncio.Queue.join', 'asyncio.Queue',
                                   lambda q: not q._unfinished_tasks))


def patch_base_events(base_events):
    Loop = base_events.BaseEventLoop

    def make_run_forever(orig):
        def run_forever(self, *args, **kwargs):
            lane = _cur()
            if lane is not None:
                lane.in_loop += 1
            try:
                return orig(self, *args, **kwargs)
            finally:
                if lane is not None:
                    lane.in_loop -= 1
        return _like(run_forever, orig)

    def make_create_task(orig):
        def create_task(self, *args, **kwargs):
            task = orig(self, *args, **kwargs)
            try:
                _opened(task, _getframe(1))  # made by a task factory of the program's own
            except Exception:
                pass
            return task
        return _like(create_task, orig)

    _patch(Loop, 'run_forever', make_run_forever)
    _patch(Loop, 'create_task', make_create_task)


def patch_streams(streams):
    _patch(streams.StreamReader, '_wait_for_data', _waiting('io', 'StreamReader.read', None))
