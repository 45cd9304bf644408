"""A progress bar for long management commands (migrate, provision many, fill the pool, export,
import): `migrating [#####.....] 12/30, 1 failed, 4.2 s` rewritten in place on a terminal; elsewhere
(a deploy log, CI) a line at every tenth of the way, `migrated 12/30`. Nothing at verbosity 0.

    bar = ProgressBar(self.stdout, "provisioning", "provisioned", total=len(rows),
                      verbosity=options["verbosity"])
    for row in rows:
        ...
        bar.advance(failed=not ok)

The command prints its own summary when the work is done.
"""

import time
from collections.abc import Callable

from django.core.management.base import OutputWrapper


class ProgressBar:
    WIDTH = 30

    def __init__(
        self,
        stream,
        doing: str,
        done_word: str,
        *,
        total: int,
        verbosity: int = 1,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.stream = stream
        self.doing = doing  # "migrating": the bar's label on a terminal
        self.done_word = done_word  # "migrated": the log lines' verb elsewhere
        self.total = total
        self.enabled = verbosity >= 1
        self.on_terminal = hasattr(stream, "isatty") and stream.isatty()
        self.clock = clock
        self.started = clock()
        self.done = 0
        self.failed = 0
        self.last_tenth = 0

    def start(self) -> None:
        """Draw the empty bar (on a terminal) before the first item is done."""
        if self.enabled and self.on_terminal and self.total:
            self._draw()

    def advance(self, *, failed: bool = False) -> None:
        self.done += 1
        self.failed += int(failed)
        self.show()

    def show(self) -> None:
        if not (self.enabled and self.total):
            return
        if self.on_terminal:
            self._draw()
        elif 10 * self.done // self.total > self.last_tenth:
            self.last_tenth = 10 * self.done // self.total
            self.write(f"{self.done_word} {self.done}/{self.total}{self._failed()}\n")

    @property
    def seconds(self) -> float:
        return self.clock() - self.started

    def write(self, text: str) -> None:
        if not self.enabled:
            return
        if isinstance(self.stream, OutputWrapper):
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)
        self.stream.flush()

    def _failed(self) -> str:
        return f", {self.failed} failed" if self.failed else ""

    def _draw(self) -> None:
        filled = self.WIDTH * self.done // self.total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        end = "\n" if self.done == self.total else ""
        self.write(
            f"\r{self.doing} [{bar}] {self.done}/{self.total}{self._failed()}, {self.seconds:.1f} s{end}"
        )
