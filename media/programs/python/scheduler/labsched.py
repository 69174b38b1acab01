"""The learner as the scheduler: runs a Python program with real `threading` threads, but lets only
one thread move at a time, and only when it is chosen.

How: a trace function parks every thread before each line of the program's own file (or before each
bytecode instruction, with --bytecode) until the controller grants it one step. Locks and joins made
by the program wait *in the scheduler* instead of in the kernel, so a thread that cannot get a lock
is shown as blocked and is not offered until the lock is free. `time.sleep` returns at once: under
the scheduler, time is the order of the steps chosen. Because only one thread ever runs, a schedule
(the list of threads chosen) always gives the same result: replays are exact.

Protocol: JSON lines on the original stdout (the program's own prints are captured and sent inside
the messages); commands as JSON lines on stdin. Modes:
  labsched.py PROGRAM                      interactive: {"cmd": "step", "thread": NAME} / {"cmd": "quit"}
  labsched.py --schedule JSON PROGRAM      replays the schedule first, then interactive
  labsched.py --random N [--seed S] PROGRAM   N runs under random choices; one summary message
  labsched.py --exhaustive [--limit N] PROGRAM every schedule (depth-first, up to N runs); one summary

The program may name what to watch and what a correct end is, in comments:
  # watch: account.balance
  # expect: account.balance == 200
Standard library only; Python 3.8+.
"""
import json
import os
import random
import sys
import time

import labsched_hooks
from labsched_core import Scheduler, one_run, safe_repr

PROTO = os.fdopen(os.dup(1), 'w', encoding='utf-8', buffering=1)
COMMANDS = sys.stdin  # the learner's choices; the program itself gets an empty stdin


def send(msg):
    PROTO.write(json.dumps(msg, ensure_ascii=False) + '\n')
    PROTO.flush()


def interactive_chooser(schedule):
    pending = list(schedule)

    def choose(options, step):
        by_name = {r.name: r for r in options}
        while pending:
            name = pending.pop(0)
            if name in by_name:
                return by_name[name]
            send({'type': 'error', 'message': 'the schedule names %s, which cannot run at step %d' % (name, step + 1)})
            pending.clear()
        while True:
            line = COMMANDS.readline()
            if not line:
                return None
            try:
                cmd = json.loads(line)
            except ValueError:
                send({'type': 'error', 'message': 'not JSON: %s' % line.strip()[:80]})
                continue
            if not isinstance(cmd, dict) or cmd.get('cmd') == 'quit':
                return None
            if cmd.get('cmd') == 'step' and cmd.get('thread') in by_name:
                return by_name[cmd['thread']]
            send({'type': 'error', 'message': 'cannot step %s now' % safe_repr(cmd.get('thread'))})
    return choose


def classify(ctl):
    if ctl.outcome == 'deadlock':
        return 'deadlock'
    if ctl.outcome != 'finished':
        return 'lost'
    return 'finished' if ctl.result is None else 'right' if ctl.result else 'wrong'


def random_runs(sched, runs, seed):
    sched.fast = True
    rng = random.Random(seed)
    counts = {'right': 0, 'wrong': 0, 'finished': 0, 'deadlock': 0, 'lost': 0}
    examples = {}
    began = time.perf_counter()
    for _ in range(runs):
        ctl = one_run(sched, lambda options, step: rng.choice(options), lambda msg: None)
        kind = classify(ctl)
        counts[kind] += 1
        examples.setdefault(kind, ctl.steps)
    send({'type': 'random', 'runs': runs, 'seed': seed, 'counts': counts, 'examples': examples, 'ms': round((time.perf_counter() - began) * 1000, 1)})


def exhaustive_runs(sched, limit):
    """Every reachable state, depth first: each run replays a prefix of choices, then takes the first
    option at each new state and queues the others. A state met before (same key) is not explored
    again: its futures are already counted. Ends are counted once per distinct end state."""
    sched.fast = True
    counts = {'right': 0, 'wrong': 0, 'finished': 0, 'deadlock': 0, 'lost': 0}
    examples = {}
    seen = set()
    ends = set()
    stack = [[]]  # prefixes of option indexes still to run
    runs = merged = 0
    began = time.perf_counter()
    while stack and runs < limit:
        prefix = stack.pop()
        taken = []

        def choose(options, step, prefix=prefix, taken=taken):
            if step >= len(prefix):
                key = sched.state_key()
                if key in seen:
                    return None  # explored already
                seen.add(key)
                for alt in range(len(options) - 1, 0, -1):
                    stack.append(taken[:step] + [alt])
            i = prefix[step] if step < len(prefix) else 0
            taken.append(i)
            return options[i]
        ctl = one_run(sched, choose, lambda msg: None)
        runs += 1
        if ctl.outcome == 'stopped':
            merged += 1
            continue
        key = (sched.state_key(), ctl.outcome)
        if key in ends:
            continue
        ends.add(key)
        kind = classify(ctl)
        counts[kind] += 1
        examples.setdefault(kind, ctl.steps)
    send({'type': 'exhaustive', 'runs': runs, 'states': len(seen), 'merged': merged, 'complete': not stack, 'counts': counts,
          'examples': examples, 'ms': round((time.perf_counter() - began) * 1000, 1)})


def main(argv):
    args = list(argv)
    opts = {'bytecode': False, 'schedule': [], 'random': 0, 'seed': None, 'exhaustive': False, 'limit': 100000}
    program = None
    while args:
        a = args.pop(0)
        if a == '--bytecode':
            opts['bytecode'] = True
        elif a == '--schedule':
            opts['schedule'] = json.loads(args.pop(0))
        elif a == '--random':
            opts['random'] = int(args.pop(0))
        elif a == '--seed':
            opts['seed'] = int(args.pop(0))
        elif a == '--exhaustive':
            opts['exhaustive'] = True
        elif a == '--limit':
            opts['limit'] = int(args.pop(0))
        else:
            program = a
    if not program:
        send({'type': 'error', 'message': 'no program given'})
        return 2
    try:
        SCHED = Scheduler(program, opts['bytecode'])
    except (OSError, SyntaxError, UnicodeDecodeError) as e:
        send({'type': 'error', 'message': '%s: %s' % (type(e).__name__, e)})
        return 2
    sys.path.insert(0, os.path.dirname(SCHED.path))
    sys.argv = [program]
    labsched_hooks.install(SCHED)
    send({'type': 'hello', 'python': '%d.%d.%d' % sys.version_info[:3], 'program': SCHED.path, 'source': SCHED.lines,
          'watch': SCHED.watch, 'expect': SCHED.expect, 'mode': 'bytecode' if opts['bytecode'] else 'line'})
    if opts['random']:
        random_runs(SCHED, opts['random'], opts['seed'] if opts['seed'] is not None else random.randrange(1 << 30))
    elif opts['exhaustive']:
        exhaustive_runs(SCHED, opts['limit'])
    else:
        ctl = one_run(SCHED, interactive_chooser(opts['schedule']), send)
        send({'type': 'end', 'outcome': ctl.outcome, 'ok': ctl.result, 'cycle': ctl.cycle, 'schedule': ctl.steps})
    return 0


if __name__ == '__main__':
    code = main(sys.argv[1:])
    PROTO.flush()
    # A program thread blocked where the scheduler has no hook would keep a normal exit waiting.
    os._exit(code)
