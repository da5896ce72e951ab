"""Entry point for ``python -m lockcheck`` and the ``lockcheck`` command."""

from __future__ import annotations


def main() -> None:
    import gc
    import os
    import sys

    # One run builds many long-lived objects and frees almost nothing before it exits:
    # the collector's passes over them are pure cost, growing with the lock (a third of
    # the run at 50,000 packages).
    gc.disable()
    from lockcheck.cli import run

    try:
        run()
        code: int | str | None = 0
    except SystemExit as exc:
        code = exc.code
    if not isinstance(code, int):
        if code is not None:
            sys.stderr.write(f"{code}\n")
        code = 0 if code is None else 1
    # The output is flushed: exit without the interpreter's teardown (freeing every
    # module and object one by one). Only here, on the command line: in-process callers
    # of cli.run keep their SystemExit.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, OSError, ValueError):
            code = code or 1
    os._exit(code)


if __name__ == "__main__":
    main()
