"""Start localstripe with its state in memory only.

localstripe saves every change to one fixed file, ``/tmp/localstripe.pickle``, and loads it when it starts: two
test workers (or two sessions on one machine) would write the same file at once and a server could start from
another's half-written state. Each test server here starts from scratch and keeps nothing on disk.
"""

from __future__ import annotations

import sys

from localstripe import resources, server


def _nothing(self: object) -> None:
    return None


if __name__ == "__main__":
    resources.Store.try_load_from_disk = _nothing  # type: ignore[method-assign]
    resources.Store.dump_to_disk = _nothing  # type: ignore[method-assign]
    sys.argv = [sys.argv[0], *sys.argv[1:], "--from-scratch"]
    server.start()
