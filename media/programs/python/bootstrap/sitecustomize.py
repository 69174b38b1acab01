"""Concurrency Lab's bootstrap: the engine puts this folder first on PYTHONPATH, so every Python
process of a traced run (the program, multiprocessing children, Python subprocesses) loads the
automatic tracer before the program's own code. With CLAB_TRACE unset it only hands over to the
program's own sitecustomize, if there is one further along sys.path."""
import os
import sys

# The import system's own classes, without importing the `importlib` package (start-up time counts).
_machinery = sys.modules.get('_frozen_importlib_external')
_ModuleSpec = getattr(sys.modules.get('_frozen_importlib'), 'ModuleSpec', None)
if _machinery is None or _ModuleSpec is None:  # pragma: no cover - every CPython 3.8+ has both
    import importlib.machinery as _machinery
    _ModuleSpec = _machinery.ModuleSpec


def _cached_loader():
    """A source loader for the tracer's own modules that keeps their compiled code in the user's cache
    folder: the engine sets PYTHONDONTWRITEBYTECODE (no __pycache__ beside the programs), and compiling
    the tracer would otherwise cost every process of a run ~5-15 ms. Only the tracer's files go there."""
    import marshal
    SourceFileLoader = _machinery.SourceFileLoader

    if os.name == 'nt':
        base = os.environ.get('LOCALAPPDATA') or os.path.expanduser('~')
    else:
        base = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    folder = os.path.join(base, 'concurrency-lab', 'python')
    if not os.path.isabs(folder):  # no home folder: compile every time rather than write anywhere else
        return SourceFileLoader

    class CachedLoader(SourceFileLoader):
        def get_code(self, fullname):
            path = self.get_filename(fullname)
            try:
                st = os.stat(path)
                key = os.path.join(folder, '%s.%s.%x.%x' % (fullname, sys.implementation.cache_tag,
                                                            st.st_mtime_ns, st.st_size))
                with open(key, 'rb') as f:
                    return marshal.loads(f.read())
            except (OSError, ValueError, EOFError, TypeError):
                pass
            code = compile(self.get_data(path), path, 'exec', dont_inherit=True)
            try:
                os.makedirs(folder, mode=0o700, exist_ok=True)
                for old in os.listdir(folder):  # the same file's older versions
                    if old.startswith('%s.%s.' % (fullname, sys.implementation.cache_tag)):
                        os.remove(os.path.join(folder, old))
                partial = '%s.%d' % (key, os.getpid())
                with open(partial, 'wb') as f:
                    f.write(marshal.dumps(code))
                os.replace(partial, key)  # whole or absent, whatever other processes do meanwhile
            except OSError:
                pass  # read-only or full: compiled again next time
            return code

    return CachedLoader


def _trace():
    spec = os.environ.get('CLAB_TRACE')
    if not spec:
        return
    try:
        loader_class = _cached_loader()
        path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), '_labtrace_auto.py')
        loader = loader_class('_labtrace_auto', path)
        module = type(sys)('_labtrace_auto')
        module.__file__, module.__loader__ = path, loader
        module.__spec__ = _ModuleSpec('_labtrace_auto', loader, origin=path)
        module.__spec__.has_location = True
        sys.modules['_labtrace_auto'] = module
        try:
            loader.exec_module(module)
        except BaseException:
            sys.modules.pop('_labtrace_auto', None)
            raise
        module.install(spec, loader_class, _ModuleSpec)
    except Exception as error:  # never stop the program: run it untraced
        sys.stderr.write('labtrace: tracing failed (%s: %s); running untraced\n' % (type(error).__name__, error))


def _same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except (OSError, TypeError):
        return False


def _chain():
    """Runs the next sitecustomize on sys.path, as if this one were not there."""
    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    spec = _machinery.PathFinder.find_spec('sitecustomize', rest)
    if spec is None or spec.loader is None or _same_file(spec.origin, __file__):  # us, by another path
        return
    module = type(sys)(spec.name)
    module.__file__, module.__spec__, module.__loader__ = spec.origin, spec, spec.loader
    sys.modules['sitecustomize'] = module
    spec.loader.exec_module(module)


_trace()
_chain()
del _trace, _chain, _same_file, _cached_loader, _machinery, _ModuleSpec
