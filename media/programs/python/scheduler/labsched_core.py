"""The scheduler's core: one record per program thread, the trace hooks that park a thread before
each step, the controller that grants steps one at a time, and one run of the program under it.
See labsched.py for the whole picture; labsched_hooks.py for the program's locks, joins and sleeps.
"""
import ast
import builtins
import dis
import itertools
import os
import re
import sys
import threading
import time
import traceback
import types

SCHED_LOCK = threading.Lock()  # guards every scheduler field; all conditions share it
_real_allocate_lock = threading._allocate_lock
_real_Lock = threading.Lock
_real_RLock = threading.RLock
_real_start = threading.Thread.start
_real_join = threading.Thread.join
_real_sleep = time.sleep
QUIET_TIMEOUT = 3.0  # seconds a granted thread may run before it is reported out of our control
HIDDEN_TYPES = (type, types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.ModuleType)
SKIP_OPS = {'RESUME', 'NOP', 'CACHE', 'EXTENDED_ARG', 'PRECALL', 'COPY_FREE_VARS', 'MAKE_CELL'}


class Abort(SystemExit):
    """Unwinds a thread when a run is abandoned (a deadlock, quit). A SystemExit, so the program's own
    `except Exception` does not swallow it and a thread ending with it prints no traceback."""


def safe_repr(value, limit=60):
    try:
        text = repr(value)
    except Exception as e:  # a program's broken __repr__ must not stop the scheduler
        text = '<repr failed: %s>' % type(e).__name__
    # Addresses and a thread's OS state (started/stopped, its ident) vary from run to run: a replay
    # must show the same values, and the exhaustive search must see the same state as the same.
    text = re.sub(r' at 0x[0-9a-fA-F]+|, (?:initial|started|stopped)(?: daemon)?(?: -?\d+)?(?=\)>)', '', text)
    return text if len(text) <= limit else text[:limit - 1] + '…'


def visible_locals(frame, limit):
    shown = {}
    for k, v in list(frame.f_locals.items()):
        if k.startswith('__') or isinstance(v, HIDDEN_TYPES):
            continue
        if len(shown) >= limit:
            break
        shown[k] = safe_repr(v)
    return shown


def visible_locals_of(namespace):
    return {k: safe_repr(v) for k, v in list(namespace.items()) if not k.startswith('__') and not isinstance(v, HIDDEN_TYPES)}


def read_directives(source):
    watch, expect = [], None
    for line in source.splitlines():
        m = re.match(r'\s*#\s*watch:\s*(.+)$', line)
        if m:
            watch += [w.strip() for w in m.group(1).split(',') if w.strip()]
        m = re.match(r'\s*#\s*expect:\s*(.+)$', line)
        if m:
            expect = m.group(1).strip()
    return watch, expect


def line_access(tree, leaves):
    """line -> (names read, names written) among the watched leaf names, from the program's AST.
    A line-level heuristic: `self.balance` counts as the watched `account.balance`."""
    out = {}
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, ast.Name):
            name = node.id
        if name not in leaves or not hasattr(node, 'lineno'):
            continue
        reads, writes = out.setdefault(node.lineno, (set(), set()))
        (writes if isinstance(node.ctx, (ast.Store, ast.Del)) else reads).add(name)
    for node in ast.walk(tree):
        if isinstance(node, ast.AugAssign):  # `x += 1` reads what it writes
            target = node.target
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, 'id', None)
            if name in leaves:
                out.setdefault(node.lineno, (set(), set()))[0].add(name)
    return out


class Thread:
    """The scheduler's record of one program thread."""

    def __init__(self, name, daemon=False):
        self.name = name
        self.daemon = daemon
        self.status = 'starting'  # starting, ready, running, blocked, done
        self.granted = False
        self.where = None  # {'line', 'func', 'instr'?}
        self.locals = {}
        self.stack = ()
        self.waits = None  # ('lock', SchedLock, timed) or ('join', Thread, timed)
        self.turn = threading.Condition(SCHED_LOCK)  # notified when this thread is granted a step


class Scheduler:
    def __init__(self, path, bytecode):
        self.path = os.path.realpath(path)
        with open(path, encoding='utf-8') as f:
            self.source = f.read()
        self.lines = self.source.splitlines()
        self.code = compile(self.source, path, 'exec')
        self.watch, self.expect = read_directives(self.source)
        self.leaves = {w.split('.')[-1] for w in self.watch}
        self.access = line_access(ast.parse(self.source), self.leaves)
        self.bytecode = bytecode
        self.fast = False  # batches: a thread alone runs without stopping at each line
        self.monitored = bytecode and self.monitor_instructions()
        self.instrs = {}
        self.files = {}  # co_filename -> is it the program's file
        self.cv = threading.Condition(SCHED_LOCK)  # the controller's: notified when a thread stops moving
        self.reset()

    def reset(self):
        self.threads = {}  # threading.Thread -> Thread
        self.order = []
        self.in_flight = 0
        self.aborting = False
        self.output = []
        self.globals = None
        self.locks = []  # every SchedLock the program made, in order
        self.finished_main = False
        self.error = None

    # -- program-side hooks (run in the program's threads) --------------------------------------

    def unique(self, name):
        """Threads are named in schedules; two threads the program named alike get #2, #3."""
        taken = {r.name for r in self.order}
        n, candidate = 1, name
        while candidate in taken:
            n += 1
            candidate = '%s #%d' % (name, n)
        return candidate

    def record(self):
        return self.threads.get(threading.current_thread())

    def mine(self, frame):
        name = frame.f_code.co_filename
        known = self.files.get(name)
        if known is None:
            known = self.files[name] = name == self.path or os.path.realpath(name) == self.path
        return known

    def by_instruction(self):
        """Whether the current thread steps by bytecode instruction (the program's other threads, in
        the bytecode view); the main thread always steps by line."""
        return self.bytecode and threading.current_thread() is not threading.main_thread()

    def tracer(self, frame, event, arg):
        if event != 'call' or not self.mine(frame) or self.record() is None:
            return None
        if self.by_instruction() and not self.monitored:
            frame.f_trace_opcodes = True
        return self.local_tracer

    def local_tracer(self, frame, event, arg):
        rec = self.record()
        if rec is None:
            return None
        if event == 'line' and not self.by_instruction():
            self.park(rec, frame, None)
        elif event == 'opcode':
            self.at_instruction(rec, frame, self.instruction(frame))
        return self.local_tracer

    def at_instruction(self, rec, frame, ins):
        if ins is not None and ins.opname not in SKIP_OPS:
            self.park(rec, frame, ins)

    def monitor_instructions(self):
        """Python 3.12+: opcode events switched on in a frame's 'call' event start only with the
        code's next call, so the first thread would run its first call unstopped. Instead every code
        object of the program is instrumented before it runs, through sys.monitoring."""
        mon = getattr(sys, 'monitoring', None)
        if mon is None:
            return False
        tool = mon.DEBUGGER_ID
        try:
            mon.use_tool_id(tool, 'labsched')
        except ValueError:
            return False  # another debugger holds the id: fall back to opcode events

        def on_instruction(code, offset):
            rec = self.record()
            if rec is not None and self.by_instruction():
                table = self.instrs.get(code)
                if table is None:
                    table = self.instrs[code] = {i.offset: i for i in dis.get_instructions(code)}
                self.at_instruction(rec, sys._getframe(1), table.get(offset))
        mon.register_callback(tool, mon.events.INSTRUCTION, on_instruction)
        todo = [self.code]
        while todo:
            code = todo.pop()
            mon.set_local_events(tool, code, mon.events.INSTRUCTION)
            todo.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
        return True

    def instruction(self, frame):
        table = self.instrs.get(frame.f_code)
        if table is None:
            table = {i.offset: i for i in dis.get_instructions(frame.f_code)}
            self.instrs[frame.f_code] = table
        return table.get(frame.f_lasti)

    def snapshot(self, rec, frame, ins):
        where = {'line': frame.f_lineno, 'func': frame.f_code.co_name}
        if ins is not None:
            where['instr'] = ins.opname + (' ' + ins.argrepr[:40] if ins.argrepr else '')  # as dis prints it
            where['op'] = ins.opname
            where['arg'] = ins.argval if isinstance(ins.argval, str) else None
        rec.where = where
        rec.locals = visible_locals(frame, 12)
        # The whole stack of the program's frames, for telling explored states apart.
        stack, f = [], frame
        while f is not None:
            if self.mine(f):
                stack.append((f.f_code.co_name, f.f_lineno, f.f_lasti if ins is not None else -1, tuple(sorted(visible_locals(f, 50).items()))))
            f = f.f_back
        rec.stack = tuple(stack)

    def wait_turn(self, rec):
        while not rec.granted and not self.aborting:
            rec.turn.wait()
        rec.granted = False
        if self.aborting:
            raise Abort()
        rec.status = 'running'
        rec.waits = None

    def park(self, rec, frame, ins):
        with self.cv:
            if self.fast and len(self.alive()) == 1:
                return  # alone, nothing to choose: in a batch nobody reads these steps
            self.snapshot(rec, frame, ins)
            rec.status = 'ready'
            self.in_flight -= 1
            self.cv.notify_all()
            self.wait_turn(rec)

    def block(self, rec, waits):
        frame = sys._getframe(2)
        while frame is not None and not self.mine(frame):
            frame = frame.f_back
        with self.cv:
            if frame is not None:
                self.snapshot(rec, frame, None)
            rec.status = 'blocked'
            rec.waits = waits
            self.in_flight -= 1
            self.cv.notify_all()
            self.wait_turn(rec)

    def finished(self, rec):
        with self.cv:
            rec.status = 'done'
            rec.where = None
            rec.locals = {}
            self.in_flight -= 1
            self.cv.notify_all()

    def started(self, thread):
        with self.cv:
            rec = Thread(self.unique(thread.name), thread.daemon)
            self.threads[thread] = rec
            self.order.append(rec)
            self.in_flight += 1
            return rec

    # -- controller side ------------------------------------------------------------------------

    def runnable(self, rec):
        if rec.status == 'ready':
            return True
        if rec.status != 'blocked' or rec.waits is None:
            return False
        kind, target, timed = rec.waits
        if timed:
            return True  # choosing it lets its timeout expire
        if kind == 'lock':
            return target.owner is None or (target.reentrant and target.owner is rec)
        return target.status == 'done'

    def quiesce(self):
        """Waits until no thread is moving. False when one kept running outside our control."""
        deadline = time.monotonic() + QUIET_TIMEOUT
        while self.in_flight > 0:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.cv.wait(left)
        return True

    def grant(self, rec):
        rec.granted = True
        self.in_flight += 1
        rec.turn.notify()
        return self.quiesce()

    def alive(self):
        return [r for r in self.order if r.status != 'done']

    def over(self):
        """The program ended: every thread done, or only daemon threads left after the main thread."""
        left = self.alive()
        return not left or (self.finished_main and all(r.daemon for r in left))

    def cycle(self):
        """The wait-for cycle among blocked threads, as names, or []."""
        def next_of(r):
            if r.status != 'blocked' or not r.waits:
                return None
            kind, target, _ = r.waits
            return target.owner if kind == 'lock' else target
        for start in self.alive():
            seen, r = [], start
            while r is not None and r not in seen:
                seen.append(r)
                r = next_of(r)
            if r is not None:
                return [x.name for x in seen[seen.index(r):]]
        return []

    def state_key(self):
        """Everything that decides what can happen next: each thread's place, stack and locals, what it
        waits for, the watched values, the program's globals and who holds each lock. Two schedules
        reaching the same key have the same futures, so an exhaustive search explores it once."""
        threads = tuple((r.name, r.status, r.stack, r.waits and (r.waits[0], r.waits[1].name)) for r in self.order)
        owners = tuple((lock.name, lock.owner.name if lock.owner else None, lock.count) for lock in self.locks)
        return (threads, owners, tuple(sorted(self.watch_values().items())), tuple(sorted(visible_locals_of(self.globals or {}).items())))

    def watch_values(self):
        values = {}
        for expr in self.watch:
            try:
                values[expr] = safe_repr(eval(expr, self.globals or {}))
            except Exception:
                values[expr] = None  # not defined yet
        return values

    def verdict(self):
        if not self.expect:
            return None
        try:
            return bool(eval(self.expect, self.globals or {}))
        except Exception:
            return None

    def status(self):
        if self.error:
            return 'lost'
        if self.over():
            return 'finished'
        if not any(self.runnable(r) for r in self.alive()):
            return 'deadlock'
        return 'running'

    def state(self, step):
        status = self.status()
        threads = []
        for r in self.order:
            t = {'name': r.name, 'status': r.status, 'daemon': r.daemon, 'runnable': self.runnable(r)}
            if r.where:
                t.update(r.where)
                t['locals'] = r.locals
            if r.status == 'blocked' and r.waits:
                kind, target, timed = r.waits
                t['waitsFor'] = {'kind': kind, 'name': target.name, 'timed': bool(timed)}
                holder = target.owner if kind == 'lock' else None
                if holder is not None:
                    t['waitsFor']['heldBy'] = holder.name
            threads.append(t)
        msg = {'type': 'state', 'step': step, 'status': status, 'threads': threads, 'watch': self.watch_values(), 'output': self.output}
        self.output = []
        if status == 'deadlock':
            msg['cycle'] = self.cycle()
        if status == 'finished':
            msg['ok'] = self.verdict()
        if self.error:
            msg['error'] = self.error
        return msg

    def describe_access(self, where, before, after):
        """What a step that started at `where` read and wrote of the watched values."""
        reads, writes = set(), set()
        if 'op' in where:
            op, arg = where['op'], where.get('arg')
            if arg in self.leaves:
                (writes if op.startswith('STORE') else reads if op.startswith('LOAD') else set()).add(arg)
        elif 'line' in where:
            r, w = self.access.get(where['line'], ((), ()))
            reads, writes = set(r), set(w)
        out = []
        for expr in self.watch:
            leaf = expr.split('.')[-1]
            if leaf in reads:
                out.append({'watch': expr, 'kind': 'read', 'value': before.get(expr)})
            if leaf in writes:
                out.append({'watch': expr, 'kind': 'write', 'old': before.get(expr), 'value': after.get(expr)})
        return out

    def step(self, rec, number):
        """Runs one step of `rec`; returns the log entry."""
        where = dict(rec.where or {})
        text = self.lines[where['line'] - 1].strip() if where.get('line') and where['line'] <= len(self.lines) else ''
        was_blocked = rec.status == 'blocked'
        before = self.watch_values()
        known = set(self.order)
        if not self.grant(rec):
            stuck = [r.name for r in self.order if r.status == 'running']
            self.error = 'a thread kept running outside the scheduler: %s (a wait the scheduler does not control?)' % ', '.join(stuck or [rec.name])
        after = self.watch_values()
        entry = {'step': number, 'thread': rec.name, 'line': where.get('line'), 'func': where.get('func'), 'text': text}
        if 'instr' in where:
            entry['instr'] = where['instr']
        if was_blocked:
            entry['retry'] = True
        access = self.describe_access(where, before, after)
        if access:
            entry['access'] = access
        new = [r.name for r in self.order if r not in known]
        if new:
            entry['started'] = new
        if rec.status == 'blocked' and rec.waits:
            entry['blocked'] = rec.waits[1].name
        if rec.status == 'done':
            entry['done'] = True
        return entry

    def abort(self):
        with self.cv:
            self.aborting = True
            for rec in self.order:
                rec.turn.notify_all()


def run_program(sched, rec):
    """Runs the program in the real main thread, so `threading.main_thread()` is the program's."""
    g = {'__name__': '__main__', '__file__': sched.path, '__builtins__': builtins}
    sched.globals = g
    sys.settrace(sched.tracer)
    try:
        exec(sched.code, g)
    except Abort:
        pass
    except SystemExit as e:
        if e.code not in (None, 0):
            sys.stderr.write('SystemExit: %s\n' % (e.code,))
    except BaseException as e:
        tb = e.__traceback__.tb_next if e.__traceback__ else None  # from the program's first frame on
        sys.stderr.write(''.join(traceback.format_exception(type(e), e, tb)))
    finally:
        sys.settrace(None)
        with sched.cv:
            sched.finished_main = True
        sched.finished(rec)


class Controller:
    """Drives one run from a helper thread while the program runs in the main thread. While only one
    thread is alive there is nothing to choose: it moves on by itself (its steps are logged as
    automatic and are not part of the schedule)."""

    def __init__(self, sched, choose, emit):
        self.sched = sched
        self.choose = choose  # (runnable records, choice number) -> record, or None to stop
        self.emit = emit
        self.steps = []
        self.outcome = None
        self.result = None
        self.cycle = []

    def __call__(self):
        s = self.sched
        with s.cv:
            if not s.quiesce():
                s.error = 'the program did not reach its first line'
            number = 0
            pending = []  # log entries since the last state sent
            while True:
                status = s.status()
                options = [r for r in s.alive() if s.runnable(r)]
                if status == 'running' and len(s.alive()) == 1:
                    number += 1
                    entry = s.step(options[0], number)
                    entry['auto'] = True
                    pending.append(entry)
                    continue
                msg = s.state(number)
                msg['log'] = pending
                pending = []
                self.emit(msg)
                if status != 'running':
                    self.outcome = status
                    break
                rec = self.choose(options, len(self.steps))
                if rec is None:
                    self.outcome = 'stopped'
                    break
                number += 1
                self.steps.append(rec.name)
                pending = [s.step(rec, number)]
            self.result = s.verdict() if self.outcome == 'finished' else None
            self.cycle = s.cycle() if self.outcome == 'deadlock' else []
        s.abort()


def one_run(sched, choose, emit):
    """One run of the program under `choose`; returns the controller (steps, outcome, result)."""
    sched.reset()
    # Thread names start again at Thread-1, so a schedule names the same threads in every run.
    threading._counter = itertools.count(1).__next__
    main = threading.current_thread()
    rec = Thread(main.name)
    sched.threads[main] = rec
    sched.order.append(rec)
    sched.in_flight = 1  # the main thread, until it parks at its first line
    ctl = Controller(sched, choose, emit)
    helper = threading.Thread(target=ctl, name='labsched-controller', daemon=True)
    _real_start(helper)  # before settrace: the controller itself is never traced
    threading.settrace(sched.tracer)
    try:
        run_program(sched, rec)
    finally:
        threading.settrace(None)
    _real_join(helper)
    for t in list(sched.threads):
        if t is not main:
            _real_join(t, 2.0)
    return ctl
