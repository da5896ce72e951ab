"""Entry point for ``python -m lockcheck`` and the ``lockcheck`` command."""

from __future__ import annotations


def main() -> None:
    from lockcheck.cli import run

    run()


if __name__ == "__main__":
    main()
