"""Report the imports CPython's unpicklers perform on each pickle of a folder.

Usage: stub_unpickle.py gen DIR   writes pickles of sample objects, protocols 0-5
       stub_unpickle.py load DIR  prints JSON {file: {"c": [...], "py": [...], "genops": [...]}}

"c" is what the C unpickler's find_class is called with, reading through a
file object with read and readline only; "py" the same for the pure-Python
unpickler; "genops" the GLOBAL and INST arguments pickletools.genops lists
up to the first STOP. find_class never imports: it returns a stub class
that accepts every call, so nothing in the input runs.
"""
import collections
import datetime
import decimal
import fractions
import functools
import io
import json
import os
import pickle
import pickletools
import sys


def gen(d):
    objs = {
        "dict": {"a": [1, 2.5, "x", b"y", None, True, -3, 2**40]},
        "od": collections.OrderedDict(a=1, b=[1, 2]),
        "counter": collections.Counter("abca"),
        "dt": datetime.datetime(2024, 1, 2, 3, 4, 5),
        "delta": datetime.timedelta(days=2),
        "dec": decimal.Decimal("1.5"),
        "frac": fractions.Fraction(1, 3),
        "partial": functools.partial(int, base=2),
        "set": {1, 2, 3},
        "frozenset": frozenset([1]),
        "big": 2**100,
        "nested": [[{"k": (1, 2)}] * 3] * 2,
        "deque": collections.deque([1, 2]),
        "complex": complex(1, 2),
        "bytearray": bytearray(b"ab"),
        "range": range(3),
        "slice": slice(1, 2),
        "strings": ["o" * 300, "\u00e9\u4e2d", "a\nb"],
        "many": list(range(2000)),
    }
    for name, o in objs.items():
        for proto in range(0, pickle.HIGHEST_PROTOCOL + 1):
            with open(os.path.join(d, f"{name}_p{proto}.pkl"), "wb") as f:
                f.write(pickle.dumps(o, protocol=proto))


class Stub:
    def __new__(cls, *a, **k):
        return object.__new__(cls)

    def __init__(self, *a, **k):
        pass

    def __call__(self, *a, **k):
        return Stub()

    def __setstate__(self, state):
        pass

    def append(self, x):
        pass

    def extend(self, x):
        pass

    def add(self, x):
        pass

    def __setitem__(self, k, v):
        pass


class ReadOnly:
    """A file with read and readline only: no peek, so frames are read()."""

    def __init__(self, b):
        self.b = io.BytesIO(b)

    def read(self, n=-1):
        return self.b.read(n)

    def readline(self):
        return self.b.readline()


def run(cls, data):
    seen = []

    class U(cls):
        def find_class(self, module, name):
            seen.append(module + "." + name)
            return type("S", (Stub,), {})

        def persistent_load(self, pid):
            return Stub()

    try:
        U(ReadOnly(data)).load()
    except BaseException:
        pass
    return seen


def statics(data):
    out = []
    try:
        for op, arg, _ in pickletools.genops(data):
            if op.name in ("GLOBAL", "INST"):
                out.append(arg.replace(" ", ".", 1))
            if op.name == "STOP":
                break
    except Exception:
        pass
    return out


def load(d):
    res = {}
    for n in sorted(os.listdir(d)):
        with open(os.path.join(d, n), "rb") as f:
            data = f.read()
        res[n] = {"c": run(pickle.Unpickler, data), "py": run(pickle._Unpickler, data), "genops": statics(data)}
    json.dump(res, sys.stdout)


if __name__ == "__main__":
    {"gen": gen, "load": load}[sys.argv[1]](sys.argv[2])
