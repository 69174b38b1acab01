/**
 * The "check yourself" questions of the six walkthroughs, in English and Simplified Chinese.
 * Every question has exactly one right choice; every choice says why it is right or wrong, so a
 * learner who picks a wrong one learns something from it. Pure data: `quizCommand.ts` shows it.
 */
import type { SectionId } from '../../shared/scenarios';
import type { LocalizedText, QuizChoice, QuizQuestion, QuizQuestions } from './types';

export type { LocalizedText, QuizChoice, QuizQuestion, QuizQuestions };

/** One question as written below: the section is added from the key it is filed under. */
type SectionQuestion = Omit<QuizQuestion, 'section'>;

const t = (en: string, zh: string): LocalizedText => ({ en, 'zh-cn': zh });

function right(text: LocalizedText, explanation: LocalizedText): QuizChoice {
  return { text, correct: true, explanation };
}

function wrong(text: LocalizedText, explanation: LocalizedText): QuizChoice {
  return { text, explanation };
}

/** The questions of each lesson section, in the order they are asked. */
export const QUIZZES: Readonly<Record<SectionId, readonly SectionQuestion[]>> = {
  'threads-processes': [
    {
      prompt: t('Two threads of the same process…', '同一个进程中的两个线程……'),
      choices: [
        right(
          t('share the process\'s memory, so both can read and change the same objects', '共享进程的内存，都能读写同一批对象'),
          t('Right: threads live inside one address space. That makes sharing data cheap, and also makes races possible.', '对：线程处在同一个地址空间里。这让共享数据很方便，也让竞态条件成为可能。'),
        ),
        wrong(
          t('each get a private copy of the process\'s memory', '各自拿到一份进程内存的私有副本'),
          t('That describes processes: a new process gets its own address space. Threads of one process see the same memory.', '这说的是进程：新进程有自己的地址空间。同一进程的线程看到的是同一块内存。'),
        ),
        wrong(
          t('can only exchange data through pipes or sockets', '只能通过管道或套接字交换数据'),
          t('Pipes and sockets are how separate processes talk. Threads can simply use the same variables.', '管道和套接字是进程之间通信的手段。线程直接使用同一个变量就行。'),
        ),
      ],
    },
    {
      prompt: t('A single-core machine runs two threads "at the same time". What is really happening?', '一台单核机器“同时”运行两个线程，实际发生的是什么？'),
      choices: [
        right(
          t('Concurrency: the core switches between the threads so quickly that both seem to advance', '并发：这个核在两个线程之间快速切换，看起来两者都在前进'),
          t('Right: one core executes one thread at any instant; fast switching makes them look simultaneous.', '对：一个核在任何一个瞬间只执行一个线程，快速切换让它们看起来像是同时进行。'),
        ),
        wrong(
          t('Parallelism: both threads execute at the same instant', '并行：两个线程在同一个瞬间执行'),
          t('Parallelism needs more than one core (or CPU). With a single core the threads can only take turns.', '并行需要不止一个核（或 CPU）。只有一个核时，线程只能轮流执行。'),
        ),
        wrong(
          t('The second thread waits until the first one has finished', '第二个线程要等第一个线程完全结束才开始'),
          t('The operating system switches between runnable threads long before either finishes; that is what makes a single core concurrent.', '操作系统会在两个线程都还没结束时就在它们之间切换，单核机器正是这样实现并发的。'),
        ),
      ],
    },
    {
      prompt: t('Two CPU-bound tasks run on a 2-core machine. In the chart, what shows parallelism?', '两个计算密集的任务在 2 核机器上运行。图表里什么现象说明是并行？'),
      choices: [
        right(
          t('Both lanes are green (running) over the same stretch of time', '两条泳道在同一段时间里都是绿色（运行中）'),
          t('Right: two lanes running at the same moment means two cores were busy at once.', '对：两条泳道在同一时刻都在运行，说明两个核同时在忙。'),
        ),
        wrong(
          t('The lanes alternate: one is green while the other is amber (waiting for the GIL)', '泳道交替出现：一条是绿色时，另一条是琥珀色（等待 GIL）'),
          t('Alternating green and amber means the tasks took turns: concurrency without parallelism.', '绿色和琥珀色交替，说明任务在轮流执行：这是并发，但不是并行。'),
        ),
        wrong(
          t('The variant has more lanes than the sequential one', '这种写法的泳道比顺序执行的多'),
          t('More lanes only means more threads or processes exist. Whether they ran at the same moment is what the colours show.', '泳道多只说明线程或进程多。它们是否在同一时刻运行，要看颜色。'),
        ),
      ],
    },
    {
      prompt: t(
        'A script starts two Process objects at the top level of its file, with no if __name__ == \'__main__\': guard. Under the spawn or forkserver start method (macOS, Windows, Linux from Python 3.14)…',
        '一个脚本在文件最外层直接启动两个 Process，没有写 if __name__ == \'__main__\':。在 spawn 或 forkserver 启动方法下（macOS、Windows，以及 Python 3.14 起的 Linux）……',
      ),
      choices: [
        right(
          t('each child imports the file again and reaches the code that starts processes; Python stops this with a RuntimeError', '每个子进程都会重新导入这个文件，又走到启动进程的代码；Python 会用 RuntimeError 拦下它'),
          t('Right: spawn and forkserver children import the main module. The guard keeps the starting code to the program you ran; under fork it is harmless, so write it always.', '对：spawn 和 forkserver 的子进程都会导入主模块。有了这层保护，启动进程的代码只在你直接运行的程序里执行；在 fork 下写上它也没有坏处，所以总是写上。'),
        ),
        wrong(
          t('nothing changes: the guard is only a matter of style', '什么都不会变：这层保护只是代码风格问题'),
          t('Under fork it may look that way, but spawn and forkserver re-import the file in every child, and then the guard is what keeps them from starting processes of their own.', '在 fork 下看起来像是这样，但 spawn 和 forkserver 会在每个子进程里重新导入这个文件，这时正是这层保护让子进程不再启动自己的子进程。'),
        ),
        wrong(
          t('the children share the parent\'s memory, so they never run the file\'s code', '子进程和父进程共享内存，所以不会执行文件里的代码'),
          t('Processes never share memory. A spawn or forkserver child starts a new interpreter and imports the main module, which runs its top-level code.', '进程之间从不共享内存。spawn 或 forkserver 的子进程会启动新的解释器并导入主模块，文件最外层的代码也就跟着执行了。'),
        ),
      ],
    },
  ],
  multithreading: [
    {
      prompt: t('Which line runs download(filename=\'a.pdf\') in a new thread?', '下面哪一行会在新线程中执行 download(filename=\'a.pdf\')？'),
      choices: [
        right(
          t("Thread(target=download, kwargs={'filename': 'a.pdf'}).start()", "Thread(target=download, kwargs={'filename': 'a.pdf'}).start()"),
          t('Right: target names the function, kwargs holds its keyword arguments, and start() launches the thread.', '对：target 指定函数，kwargs 存放它的关键字参数，start() 启动线程。'),
        ),
        wrong(
          t("Thread(target=download(filename='a.pdf')).start()", "Thread(target=download(filename='a.pdf')).start()"),
          t('This calls download right away, in the current thread, and passes its return value (None) as the target. Pass the function itself.', '这样会在当前线程里立刻调用 download，再把它的返回值（None）当作 target。应该传入函数本身。'),
        ),
        wrong(
          t("Thread(target=download, args='a.pdf').start()", "Thread(target=download, args='a.pdf').start()"),
          t("args must be a tuple of positional arguments, e.g. args=('a.pdf',); and download takes filename only as a keyword (the *), so use kwargs.", "args 必须是位置参数组成的元组，例如 args=('a.pdf',)；而且 download 的 filename 只能以关键字方式传入（因为有 *），所以要用 kwargs。"),
        ),
        wrong(
          t("Thread(target=download, kwargs={'filename': 'a.pdf'}).run()", "Thread(target=download, kwargs={'filename': 'a.pdf'}).run()"),
          t('run() executes the target in the current thread, like a plain call. start() is what creates the new thread (and then calls run() there).', 'run() 会在当前线程里执行目标函数，和普通调用没有区别。start() 才会创建新线程（并在新线程里调用 run()）。'),
        ),
      ],
    },
    {
      prompt: t('Three downloads take 3, 5 and 6 s. Each gets its own thread; all are started, then all joined. The total is about…', '三个下载分别需要 3、5、6 秒。每个下载一个线程，先全部启动，再全部 join。总耗时大约是……'),
      choices: [
        right(
          t('6 s: the longest download', '6 秒：最长的那一个'),
          t('Right: the waits overlap, so the program finishes when the slowest download does.', '对：等待互相重叠，所以最慢的那个下载完成时，程序也就结束了。'),
        ),
        wrong(
          t('14 s: the sum of the three', '14 秒：三者之和'),
          t('That is the sequential total. With one thread each, the downloads wait at the same time.', '这是顺序执行的总耗时。每个下载一个线程时，它们是同时等待的。'),
        ),
        wrong(
          t('About 4.7 s: the average', '大约 4.7 秒：三者的平均值'),
          t('No download can finish sooner than its own 6 s, so the total can\'t be shorter than the longest one.', '没有哪个下载能比它自己的时长更早完成，所以总耗时不可能比最长的那一个还短。'),
        ),
      ],
    },
    {
      prompt: t('You subclass Thread. What must your class do?', '你写了一个继承 Thread 的子类。它必须做什么？'),
      choices: [
        right(
          t('Call super().__init__() in __init__ and put the work in run()', '在 __init__ 中调用 super().__init__()，并把要做的事写在 run() 里'),
          t('Right: Thread has to set itself up before start(), and start() calls run() in the new thread.', '对：Thread 需要在 start() 之前完成初始化，而 start() 会在新线程里调用 run()。'),
        ),
        wrong(
          t('Override start() and put the work there', '重写 start()，把要做的事写在里面'),
          t('start() is what creates the OS thread; override it and no new thread is made. Override run() instead.', 'start() 负责创建操作系统线程；重写了它就不会再创建新线程了。应该重写 run()。'),
        ),
        wrong(
          t('Nothing special: Thread subclasses run their __init__ in the new thread', '不用做什么特别的事：子类的 __init__ 会在新线程里执行'),
          t('__init__ runs in the thread that creates the object. Only run() executes in the new thread, after start().', '__init__ 在创建对象的那个线程里执行。只有 run() 会在 start() 之后于新线程中执行。'),
        ),
      ],
    },
  ],
  'daemon-threads': [
    {
      prompt: t('When does a Python program whose main thread has returned actually exit?', '主线程已经返回的 Python 程序，什么时候才真正退出？'),
      choices: [
        right(
          t('When its last non-daemon thread ends; daemon threads are stopped then', '最后一个非守护线程结束时；守护线程在那时被终止'),
          t('Right: the interpreter waits for non-daemon threads only, then stops the daemon ones wherever they are.', '对：解释器只等待非守护线程，然后不管守护线程执行到哪里都把它们终止。'),
        ),
        wrong(
          t('Immediately, taking every thread with it', '立即退出，所有线程一起结束'),
          t('Only daemon threads are cut off. Non-daemon threads keep the interpreter running until they finish.', '只有守护线程会被掐断。非守护线程会让解释器一直运行，直到它们结束。'),
        ),
        wrong(
          t('When every thread, daemon or not, has finished', '当所有线程（无论是否守护线程）都结束时'),
          t('That is exactly what daemon=True opts out of: the interpreter does not wait for daemon threads.', 'daemon=True 的意义正在于此：解释器不会等待守护线程。'),
        ),
      ],
    },
    {
      prompt: t('Which job suits a daemon thread?', '哪项工作适合交给守护线程？'),
      choices: [
        right(
          t('Sending a heartbeat every second while the program runs', '程序运行期间每秒发送一次心跳'),
          t('Right: it only matters while the program runs; stopping it at exit loses nothing.', '对：它只在程序运行期间有意义，退出时把它停掉不会有任何损失。'),
        ),
        wrong(
          t('Writing the final results to a file', '把最终结果写入文件'),
          t('A daemon thread can be stopped mid-write at exit, without running finally blocks: the file could end up half written. Use a normal thread and join it.', '程序退出时，守护线程可能在写到一半时被终止，而且不会执行 finally：文件可能只写了一半。应该用普通线程并 join 它。'),
        ),
        wrong(
          t('Committing a database transaction', '提交数据库事务'),
          t('Work that must complete does not belong in a daemon thread: nobody waits for it at exit.', '必须完成的工作不应放在守护线程里：程序退出时没有人会等它。'),
        ),
      ],
    },
    {
      prompt: t("Why does display() print with print(content, end='', flush=True)?", "display() 为什么用 print(content, end='', flush=True) 打印？"),
      choices: [
        right(
          t('Without a newline the text may wait in the output buffer; flush=True shows it at once', '没有换行时，文字可能停留在输出缓冲区里；flush=True 让它立刻显示'),
          t('Right: output is often flushed at newlines or when the buffer fills; end=\'\' prints none, so flush explicitly.', "对：输出通常在遇到换行或缓冲区满时才刷新；end='' 不输出换行，所以要显式刷新。"),
        ),
        wrong(
          t('flush=True makes print thread-safe', 'flush=True 让 print 变得线程安全'),
          t('flush only empties the buffer. It does not order or protect the output of several threads.', 'flush 只是清空缓冲区，并不能给多个线程的输出排序或加保护。'),
        ),
        wrong(
          t('Daemon threads are not allowed to print newlines', '守护线程不允许打印换行符'),
          t('Daemon threads can print anything. end=\'\' just keeps Ping and Pong on one line.', "守护线程想打印什么都可以。end='' 只是让 Ping 和 Pong 显示在同一行。"),
        ),
      ],
    },
  ],
  'race-conditions': [
    {
      prompt: t(
        'A pool of 16 threads makes 100 deposits of 1, each "read the balance, sleep 10 ms, write balance + 1", without a lock. The final balance is…',
        '一个 16 线程的线程池存 100 笔、每笔 1 元，每笔都是“读余额、休眠 10 毫秒、写回余额 + 1”，不加锁。最后的余额是……',
      ),
      choices: [
        right(
          t('7, nearly every run', '7，几乎每次都是'),
          t('Right: the 100 deposits go through in ⌈100/16⌉ = 7 rounds; in each round all 16 threads read the same balance during the pause, so a round keeps one deposit. The timing decides the result, and here the timing is the same every run.', '对：100 笔存款分 ⌈100/16⌉ = 7 轮完成；每一轮里 16 个线程都在停顿期间读到同一个余额，所以一轮只留下一笔。结果由时机决定，而这里每次的时机都一样。'),
        ),
        wrong(
          t('A different number every run, anywhere between 1 and 100', '每次都不一样，可能是 1 到 100 之间的任何数'),
          t('A race depends on timing, not on chance. With 16 workers and the same pause the rounds line up the same way each time: 7 (now and then 8 or 9 on a busy machine).', '竞态条件取决于时机，而不是运气。16 个工作线程、同样的停顿，每次的轮次都一样：结果是 7（机器很忙时偶尔是 8 或 9）。'),
        ),
        wrong(
          t('Exactly 100: the GIL runs one thread at a time', '正好 100：GIL 让同一时刻只有一个线程运行'),
          t('The GIL is released during sleep and can switch threads between any two steps. It never makes your read–write pair atomic.', 'GIL 在休眠时会被释放，也可能在任意两步之间切换线程。它从不会让你的“读—写”成为原子操作。'),
        ),
        wrong(
          t('More than 100, because some deposits are counted twice', '超过 100，因为有些存款被算了两次'),
          t('Each thread writes its own read value plus 1. Overwriting can only lose deposits, never add extra ones.', '每个线程写回的是自己读到的值加 1。互相覆盖只会丢失存款，不会多出来。'),
        ),
      ],
    },
    {
      prompt: t('Which code protects the deposit correctly?', '哪段代码能正确地保护存款操作？'),
      choices: [
        right(
          t('with self.lock: around reading, computing and writing the balance', '用 with self.lock: 把读取、计算、写回余额全部包起来'),
          t('Right: the whole read–compute–write runs under one lock, and with releases it even if an exception is raised.', '对：完整的“读—算—写”都在同一把锁下执行，而且即使抛出异常，with 也会释放锁。'),
        ),
        wrong(
          t('with self.lock: around the write only', '只用 with self.lock: 包住写回那一行'),
          t('Two threads can still read the same old balance before either takes the lock; one write then overwrites the other.', '两个线程仍然可能在拿到锁之前读到同一个旧余额，之后一个写回会覆盖另一个。'),
        ),
        wrong(
          t('A new Lock() created inside deposit() each time', '每次调用 deposit() 时在里面新建一个 Lock()'),
          t('Every call would get its own lock, so nobody ever waits for anybody. All threads must share one lock, e.g. self.lock made in __init__.', '每次调用都有自己的一把锁，谁也不会等谁。所有线程必须共用同一把锁，比如在 __init__ 里创建的 self.lock。'),
        ),
        wrong(
          t('self.lock.acquire() before the read and self.lock.release() after the write, without try/finally', '读取前 self.lock.acquire()，写回后 self.lock.release()，不用 try/finally'),
          t('It works until an exception is raised between them: then the lock is never released and every other thread waits forever. Use try/finally, or with.', '一旦两者之间抛出异常，锁就永远不会被释放，其他线程将永远等下去。要用 try/finally，或者 with。'),
        ),
      ],
    },
    {
      prompt: t('What can an RLock do that a Lock cannot?', 'RLock 能做到而 Lock 做不到的是什么？'),
      choices: [
        right(
          t('Be acquired again by the thread that already holds it', '被已经持有它的线程再次获得'),
          t('Right: a re-entrant lock counts acquisitions by its owner. A plain Lock acquired twice by the same thread deadlocks.', '对：可重入锁会记录持有者获得它的次数。普通 Lock 被同一个线程获得两次就会死锁。'),
        ),
        wrong(
          t('Let several threads hold it at once', '让多个线程同时持有它'),
          t('An RLock still has one owner at a time. To let a fixed number of threads in, use a Semaphore.', 'RLock 同一时刻仍只有一个持有者。想同时放行固定数量的线程，应该用 Semaphore。'),
        ),
        wrong(
          t('Protect data without ever making other threads wait', '保护数据，同时从不让其他线程等待'),
          t('Any lock protects data by making the other threads wait; the red lock-wait lanes in the chart are that cost.', '任何锁都是靠让其他线程等待来保护数据的；图表中红色的等待锁泳道就是这个代价。'),
        ),
      ],
    },
    {
      prompt: t(
        'You replace deposit() with self.balance += money (no pause) and, on Python 3.11, get 100 on every run. What does that show?',
        '你把 deposit() 改成 self.balance += money（不再停顿），在 Python 3.11 上每次都得到 100。这说明了什么？',
      ),
      choices: [
        right(
          t('Only that the race is rarely hit now: the code is still wrong, and a pause or any I/O between read and write brings the loss back', '只说明这个竞态条件现在很少被碰上：代码仍然是错的，读和写之间只要有停顿或任何 I/O，丢失就会回来'),
          t('Right: since 3.10 CPython switches threads only at certain points in the bytecode, so a single += is rarely cut in two. Passing every test does not make it correct.', '对：从 3.10 起，CPython 只在字节码的某些位置切换线程，一条 += 很少会被从中间打断。测试全部通过，并不代表它是对的。'),
        ),
        wrong(
          t('The GIL makes += atomic, so no lock is needed', 'GIL 让 += 成为原子操作，所以不需要锁'),
          t('+= is a read, an add and a write; the GIL can change hands between them. It just happens rarely — a lock is still needed.', '+= 包含读取、相加、写回三步，GIL 可能在它们之间换手。只是很少发生而已——锁仍然需要。'),
        ),
        wrong(
          t('The sleep was the bug: without it the code is correct', '停顿才是错误所在：去掉它，代码就对了'),
          t('The sleep only widened the window between read and write. The window is still there without it, just too narrow to hit often.', '停顿只是把读和写之间的空档拉大了。去掉它，空档依然存在，只是窄得很少被碰上。'),
        ),
      ],
    },
  ],
  'thread-pools': [
    {
      prompt: t('Why use a thread pool instead of a new Thread per task?', '为什么用线程池，而不是每个任务新建一个 Thread？'),
      choices: [
        right(
          t('It creates a few threads once and reuses them, and caps how many run at once', '它只创建一次少量线程并反复使用，还能限制同时运行的数量'),
          t('Right: creating threads costs time and memory; a pool pays it once and queues the rest of the tasks.', '对：创建线程要花时间和内存；线程池只付一次这笔开销，其余任务排队等候。'),
        ),
        wrong(
          t('Pool threads are not limited by the GIL', '线程池里的线程不受 GIL 限制'),
          t('They are ordinary threads: CPU-bound Python code in them still takes turns. Use ProcessPoolExecutor for that.', '它们就是普通线程：其中的计算密集 Python 代码照样轮流执行。这种情况要用 ProcessPoolExecutor。'),
        ),
        wrong(
          t('A pool makes each task run faster', '线程池能让每个任务本身跑得更快'),
          t('Each task takes as long as ever; a pool saves the thread start-up cost and runs tasks side by side.', '每个任务本身的耗时不变；线程池省掉的是创建线程的开销，并让任务并排执行。'),
        ),
      ],
    },
    {
      prompt: t('You submitted tasks and want to print each result as soon as its task finishes. Use…', '你已经提交了一批任务，想在每个任务一完成就打印它的结果。应该用……'),
      choices: [
        right(
          t('as_completed(futures)', 'as_completed(futures)'),
          t('Right: it yields each future as it finishes, whatever the order they were submitted in.', '对：它按完成的先后逐个给出 Future，与提交顺序无关。'),
        ),
        wrong(
          t('pool.map(...)', 'pool.map(...)'),
          t('map yields results in the order of its inputs, so a slow first task holds back all the others.', 'map 按输入顺序给出结果，排在前面的任务慢，后面所有的结果都得等着。'),
        ),
        wrong(
          t('future.done() on each future, in a loop', '在循环里对每个 Future 调用 future.done()'),
          t('done() only tells whether it has finished yet; polling it in a loop wastes CPU. as_completed waits for you.', 'done() 只告诉你它此刻是否完成；在循环里反复查询会白白消耗 CPU。as_completed 会替你等待。'),
        ),
      ],
    },
    {
      prompt: t('What does future.result() do if the task raised an exception?', '如果任务抛出了异常，future.result() 会怎样？'),
      choices: [
        right(
          t('It raises that exception in the thread that calls result()', '在调用 result() 的线程里重新抛出这个异常'),
          t('Right: the exception is kept in the future and re-raised where you ask for the result.', '对：异常被保存在 Future 里，在你取结果的地方重新抛出。'),
        ),
        wrong(
          t('It returns None', '返回 None'),
          t('result() never hides an exception; exception() is the method that returns it without raising.', 'result() 从不隐藏异常；不抛出而是返回异常对象的方法是 exception()。'),
        ),
        wrong(
          t('The exception already crashed the program when it happened', '异常发生时程序就已经崩溃了'),
          t('An exception in a pool task does not stop the program: it waits in the future until you ask for it.', '线程池任务里的异常不会让程序终止：它会一直留在 Future 里，等你来取。'),
        ),
      ],
    },
    {
      prompt: t('A pool will run 200 tasks that each wait ~1 s on a web service and compute almost nothing. max_workers should be…', '线程池要执行 200 个任务，每个都要等待某个 Web 服务大约 1 秒，几乎不做计算。max_workers 应该……'),
      choices: [
        right(
          t('Well above the core count, up to what the service accepts at once', '远多于 CPU 核数，上限是这个服务能同时接受的请求数'),
          t('Right: waiting threads need no core, so more of them overlap more waits — until the other side becomes the bottleneck.', '对：等待中的线程用不着 CPU 核，线程越多，重叠的等待越多——直到对方成为瓶颈。'),
        ),
        wrong(
          t('Exactly the number of CPU cores', '正好等于 CPU 核数'),
          t('That is the rule of thumb for CPU-bound work (in processes). These tasks mostly wait, so more threads finish sooner.', '这是计算密集任务（用进程）的经验法则。这些任务主要在等待，线程多一些会更快完成。'),
        ),
        wrong(
          t('1, to avoid race conditions', '1，以免出现竞态条件'),
          t('One worker makes the 200 waits run one after another, about 200 s. Races are avoided by locking shared data, not by giving up concurrency.', '只有一个工作线程，200 次等待就得一个接一个，大约 200 秒。避免竞态条件靠的是给共享数据加锁，而不是放弃并发。'),
        ),
      ],
    },
  ],
  gil: [
    {
      prompt: t('In standard CPython, two threads run a pure-Python loop on a 4-core machine. Compared with running the loops one after another…', '在标准 CPython 中，两个线程在 4 核机器上运行纯 Python 循环。和一个接一个地运行相比……'),
      choices: [
        right(
          t('it takes about as long, because only the thread holding the GIL runs Python code', '差不多一样慢，因为只有持有 GIL 的线程才能执行 Python 代码'),
          t('Right: the threads take turns holding the GIL, so one core does all the work.', '对：线程轮流持有 GIL，所以实际上只有一个核在干活。'),
        ),
        wrong(
          t('it takes about half as long, one core per thread', '大约快一倍，每个线程占一个核'),
          t('That is what processes (or a free-threaded build) achieve. With the GIL, CPU-bound threads cannot compute at the same moment.', '这是多进程（或自由线程版本）才能做到的。有 GIL 时，计算密集的线程无法在同一时刻计算。'),
        ),
        wrong(
          t('it takes about a quarter as long, using all four cores', '大约只要四分之一的时间，用满四个核'),
          t('Two threads could use at most two cores even without a GIL; with it, they use one.', '即使没有 GIL，两个线程最多也只能用两个核；有了 GIL，就只能用一个。'),
        ),
      ],
    },
    {
      prompt: t('Why do threads still speed up downloads in CPython?', '为什么在 CPython 中，多线程仍然能让下载变快？'),
      choices: [
        right(
          t('A thread waiting for I/O or sleeping releases the GIL, so the waits overlap', '等待 I/O 或休眠的线程会释放 GIL，所以等待可以重叠'),
          t('Right: the GIL only matters while running Python code; blocking calls let go of it.', '对：GIL 只在执行 Python 代码时才起作用；阻塞调用会把它让出来。'),
        ),
        wrong(
          t('Network code runs in separate processes behind the scenes', '网络代码在幕后运行于独立的进程中'),
          t('The downloads run in the threads you started, in the same process. They overlap because waiting releases the GIL.', '下载就在你启动的线程里、在同一个进程中运行。之所以能重叠，是因为等待时会释放 GIL。'),
        ),
        wrong(
          t('The GIL is switched off while the socket module is imported', '导入 socket 模块后 GIL 就被关闭了'),
          t('Importing a module never turns the GIL off. Individual blocking calls release it while they wait.', '导入模块不会关闭 GIL。是各个阻塞调用在等待期间释放了它。'),
        ),
      ],
    },
    {
      prompt: t('How does CPython (3.2 and later) decide when a running thread must hand over the GIL?', 'CPython（3.2 及以后）如何决定运行中的线程何时交出 GIL？'),
      choices: [
        right(
          t('On a timer: after the switch interval, 5 ms by default (sys.getswitchinterval())', '按时间：等过一个切换间隔后，默认 5 毫秒（sys.getswitchinterval()）'),
          t('Right: a waiting thread asks for the GIL after the interval, and the running one lets go at its next check.', '对：等待的线程过了这个间隔就请求 GIL，正在运行的线程在下一次检查时交出它。'),
        ),
        wrong(
          t('After every 100 bytecode instructions', '每执行 100 条字节码指令'),
          t('That was Python 2\'s rule. Since 3.2 the hand-over is time-based.', '那是 Python 2 的规则。从 3.2 起改为按时间交接。'),
        ),
        wrong(
          t('Never: a thread keeps the GIL until it finishes', '从不交出：线程会一直持有 GIL 直到结束'),
          t('Then other threads would never run at all. CPU-bound threads take turns, every few milliseconds.', '那样其他线程就根本没机会运行了。计算密集的线程每隔几毫秒就轮换一次。'),
        ),
      ],
    },
    {
      prompt: t('Which statement about running CPU-bound Python on several cores is true today?', '关于让计算密集的 Python 代码用上多个核，下面哪句话在今天是正确的？'),
      choices: [
        right(
          t('Processes work everywhere; Python 3.13+ also offers an optional free-threaded build without the GIL', '多进程在任何版本都可行；Python 3.13 起还提供了可选的、没有 GIL 的自由线程版本'),
          t('Right: ProcessPoolExecutor gives each worker its own interpreter and GIL; the free-threaded build (e.g. python3.13t, sys._is_gil_enabled()) removes it from threads.', '对：ProcessPoolExecutor 让每个工作进程有自己的解释器和 GIL；自由线程版本（如 python3.13t，可用 sys._is_gil_enabled() 检查）则让线程摆脱了它。'),
        ),
        wrong(
          t('You have to wait for Python 4, which will remove the GIL', '只能等 Python 4，它会去掉 GIL'),
          t('No Python 4 is needed: the free-threaded build shipped in 3.13 (PEP 703), and processes have always worked.', '用不着 Python 4：自由线程版本已在 3.13 中发布（PEP 703），而多进程一直都可用。'),
        ),
        wrong(
          t('The GIL is gone from every Python since 3.13', '从 3.13 起，所有 Python 都没有 GIL 了'),
          t('The standard build still has the GIL; the free-threaded one is a separate, optional build.', '标准版本仍然带着 GIL；自由线程版本是另外一个可选的构建。'),
        ),
        wrong(
          t('Node worker threads share the same limitation', 'Node 的 worker 线程也有同样的限制'),
          t('Each Node worker has its own engine instance and no global lock, so CPU-bound workers do scale with the cores.', '每个 Node worker 都有自己的引擎实例，没有全局锁，所以计算密集的 worker 能随核数扩展。'),
        ),
      ],
    },
  ],
};

/** Every question, in section order, each tagged with its section (what `quizCommand.ts` reads). */
export const QUIZ_QUESTIONS: QuizQuestions = (Object.keys(QUIZZES) as SectionId[]).flatMap((section) =>
  QUIZZES[section].map((q): QuizQuestion => ({ section, ...q })),
);
