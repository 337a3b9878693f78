"""``python -m tanxin_rules``: the same as the ``tanxin-rules`` command."""

from ._cli import run

if __name__ == "__main__":
    run()
