"""Tokenising documents in worker processes while the caller reads and writes the database.

jieba is pure Python, so tokenising is what bounds a rebuild of the index: on a machine with several cores,
``techmarket search reindex`` hands the texts of each batch to a pool of processes (each loads the tokenizer
once) and, while they cut it, loads the next batch from the database and writes the previous one.

The workers are started with ``spawn`` (a clean interpreter): a forked child would inherit the parent's open
database connections, which SQLite forbids. Small rebuilds tokenise in the calling process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from multiprocessing.pool import AsyncResult, Pool

from techmarket.search.documents import Document
from techmarket.search.tokenizer import TOKENIZER

Tokens = list[tuple[str, str, str]]  # (title tokens, body tokens, bigrams) per document, space-joined
MIN_DOCS_FOR_WORKERS = 5_000  # below this, starting the workers (about a second) costs more than it saves
SLICES_PER_WORKER = 2


def default_workers() -> int:
    """One worker per core the process may use (at least one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def tokenise(texts: Sequence[tuple[str, str, str]]) -> Tokens:
    """The index tokens of (title, body, lead) texts: what :class:`DatabaseBackend` stores."""
    return [index_tokens(*text) for text in texts]


def index_tokens(title: str, body: str, lead: str) -> tuple[str, str, str]:
    """What the database index stores of a document: the words of its title and body, the bigrams of its
    title and lead."""
    return TOKENIZER.index_text(title), TOKENIZER.index_text(body), TOKENIZER.grams(title, lead)


def _texts(docs: Sequence[Document]) -> list[tuple[str, str, str]]:
    return [(d.title, d.body, d.lead) for d in docs]


Pending = Callable[[], Tokens]


class TokenPool:
    """``submit(docs)`` starts tokenising and returns a function that waits for the tokens, in order."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers
        self._pool: Pool | None = None
        if workers > 1:
            self._pool = multiprocessing.get_context("spawn").Pool(workers, initializer=_load_tokenizer)

    def submit(self, docs: Sequence[Document]) -> Pending:
        """Start tokenising ``docs``. With workers, the caller keeps one slice for itself, cut when it asks
        for the tokens (time it would otherwise spend waiting)."""
        texts = _texts(docs)
        if self._pool is None or len(texts) < 2:
            tokens = tokenise(texts)
            return lambda: tokens
        size = -(-len(texts) // (self.workers * SLICES_PER_WORKER + 1))
        own = texts[:size]
        parts: list[AsyncResult[Tokens]] = [self._pool.apply_async(tokenise, (texts[i:i + size],))
                                            for i in range(size, len(texts), size)]
        return _joined(own, parts)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def terminate(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> TokenPool:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.terminate()


def _joined(own: Sequence[tuple[str, str, str]], parts: list[AsyncResult[Tokens]]) -> Pending:
    def wait() -> Tokens:
        mine = tokenise(own)
        return mine + [pair for part in parts for pair in part.get()]

    return wait


def _load_tokenizer() -> None:
    TOKENIZER.load()


def workers_for(total: int, workers: int | None = None) -> int:
    """Processes for a rebuild of ``total`` documents: ``workers`` when given, else one per core for a large
    rebuild and one (in-process) for a small one."""
    if workers is None:
        return default_workers() if total >= MIN_DOCS_FOR_WORKERS else 1
    return max(1, workers)


def pool_for(total: int, workers: int | None = None) -> TokenPool:
    return TokenPool(workers_for(total, workers))
