"""Work off the UI thread, answered on it.

Every read or write of the database or the disk, every grading run and every
computation that can take a while runs in a thread worker started here. Its
answer comes back to a callback on the UI thread; its failure is shown to the
learner (never lost, never a crash), and the screen that started it can put
itself back in order. Workers belong to the screen that starts them, so
leaving a screen cancels what it was waiting for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

T = TypeVar("T")


@dataclass(frozen=True)
class _Pending:
    what: str  # "loading the decks": said to the learner if it fails
    done: Callable[[Any], None]
    failed: Callable[[BaseException], None] | None


class BackgroundJobs:
    """The jobs in flight, and the one handler for how each one ends."""

    def __init__(self, show_failure: Callable[[str, BaseException], None]) -> None:
        self._pending: dict[Worker[Any], _Pending] = {}
        self._show_failure = show_failure

    def start(
        self,
        owner: DOMNode,
        job: Callable[[], T],
        done: Callable[[T], None],
        *,
        what: str,
        group: str,
        failed: Callable[[BaseException], None] | None = None,
        exclusive: bool = True,
    ) -> Worker[T]:
        """Run ``job`` in a thread; ``done(result)`` runs on the UI thread after it.

        With ``exclusive``, a newer job of the same group on the same owner
        supersedes an older one: the older answer is dropped.
        """
        worker: Worker[T] = owner.run_worker(
            job, name=what, group=group, thread=True, exclusive=exclusive, exit_on_error=False
        )
        self._pending[worker] = _Pending(what, done, failed)
        return worker

    @property
    def in_flight(self) -> int:
        """Jobs whose answer is still to come. A cancelled job never answers (one
        cancelled before it started is not even told), nor one whose screen has gone."""
        gone = [
            worker
            for worker in self._pending
            if worker.is_cancelled or (worker.is_finished and not worker.node.is_attached)
        ]
        for worker in gone:
            del self._pending[worker]
        return len(self._pending)

    def state_changed(self, worker: Worker[Any], state: WorkerState) -> None:
        pending = self._pending.get(worker)
        if pending is None:
            if state is WorkerState.ERROR and worker.error is not None:
                self._show_failure(worker.name or "a background task", worker.error)
            return
        if state is WorkerState.SUCCESS:
            del self._pending[worker]
            pending.done(worker.result)
        elif state is WorkerState.ERROR:
            del self._pending[worker]
            error = worker.error or RuntimeError("unknown error")
            self._show_failure(pending.what, error)
            if pending.failed is not None:
                pending.failed(error)
        elif state is WorkerState.CANCELLED:
            del self._pending[worker]
