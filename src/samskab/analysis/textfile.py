"""Texts kept in a file rather than in memory, read back when the engine asks for one.

A batch's texts are the largest thing a caller would otherwise hold for the whole of a run (at a
million responses, 1.2–1.7 GB of strings, held again in every structure that maps them), while
the engine reads most of them only once or twice: the text pass and the proposals go through
them in order, the groups stage and a few others look up one text at a time. So a caller that
reads its responses from elsewhere (a database) writes them here as it reads them
(:class:`TextWriter`), and hands ``Analyser.fit`` the resulting :class:`TextFile`, a sequence
that reads each text with ``pread`` (a mapping of the file would keep the pages it touched in
this process's resident memory) and a run in order in large blocks. The analyser's saved state
keeps its texts the same way (``texts.bin`` beside ``arrays.npz``), so saving and loading a
state never holds them all either.

The file holds the texts' UTF-8 (lone surrogates passed through) one after another; where each
starts is an ``int64`` array of ``n + 1`` byte offsets, held in memory (8 MB at a million).
Texts added after the file was written (``append``: the analyser's ``add``) are kept in memory.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

# bytes read at a time when texts are read in order
BLOCK_BYTES = 1 << 22


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class TextWriter:
    """Writes texts to ``path`` (created or truncated) as they come; :meth:`finish` gives the
    :class:`TextFile` that reads them. ``unlink``: the file's name is removed at once, so the
    file lives as long as it is open and nothing is left behind by a run that fails."""

    def __init__(self, path: str | Path, *, unlink: bool = False) -> None:
        self.path = Path(path)
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        if unlink:
            os.unlink(self.path)
        self._lengths: list[np.ndarray] = []

    def add(self, texts: Sequence[str]) -> None:
        """Append ``texts`` (one write for them all)."""
        if not texts:
            return
        encoded = [_encode(t) for t in texts]
        self._lengths.append(np.fromiter(map(len, encoded), dtype=np.int64,
                                         count=len(encoded)))
        data = b"".join(encoded)
        del encoded
        _write_all(self._fd, data)

    def finish(self) -> TextFile:
        lengths = np.concatenate(self._lengths) if self._lengths else np.zeros(0, np.int64)
        self._lengths = []
        offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        return TextFile(self._fd, offsets)

    def abandon(self) -> None:
        """Close the file without reading it (a run that failed while writing)."""
        os.close(self._fd)


class TextFile(Sequence[str]):
    """The texts of a file written by :class:`TextWriter` (``fd``, which it then owns, and
    the byte ``offsets``), plus any appended since; text ``i`` is read when asked for."""

    def __init__(self, fd: int, offsets: np.ndarray) -> None:
        self._fd = fd
        self._offsets = np.ascontiguousarray(offsets, dtype=np.int64)
        self._stored = len(self._offsets) - 1
        self._extra: list[str] = []

    @classmethod
    def open(cls, path: str | Path, offsets: np.ndarray) -> TextFile:
        """The texts of ``path``, whose offsets were kept apart (a saved state's)."""
        return cls(os.open(path, os.O_RDONLY), offsets)

    @property
    def offsets(self) -> np.ndarray:
        return self._offsets

    def __len__(self) -> int:
        return self._stored + len(self._extra)

    def _read(self, a: int, b: int) -> bytes:
        """Bytes ``a:b`` of the file."""
        parts = []
        while a < b:
            data = os.pread(self._fd, b - a, a)
            if not data:
                raise OSError(f"text file ended at byte {a}, expected {b}")
            parts.append(data)
            a += len(data)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def _run(self, i: int, j: int) -> list[str]:
        """Stored texts ``i:j`` (``j <= stored``), read in one call."""
        if i >= j:
            return []
        off = self._offsets
        base = int(off[i])
        data = self._read(base, int(off[j]))
        cuts = (off[i:j + 1] - base).tolist()
        return [_decode(data[cuts[k]:cuts[k + 1]]) for k in range(j - i)]

    def __getitem__(self, i):
        if isinstance(i, slice):
            start, stop, step = i.indices(len(self))
            if step != 1:
                return [self[k] for k in range(start, stop, step)]
            if stop <= start:
                return []
            return (self._run(start, min(stop, self._stored))
                    + self._extra[max(0, start - self._stored):max(0, stop - self._stored)])
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        if i >= self._stored:
            return self._extra[i - self._stored]
        return _decode(self._read(int(self._offsets[i]), int(self._offsets[i + 1])))

    def __iter__(self) -> Iterator[str]:
        """Every text in order, the stored ones read a block at a time."""
        i = 0
        off = self._offsets
        while i < self._stored:
            # as many texts as fit in a block (always at least one)
            j = int(np.searchsorted(off, off[i] + BLOCK_BYTES, side="right")) - 1
            j = min(max(j, i + 1), self._stored)
            yield from self._run(i, j)
            i = j
        yield from list(self._extra)

    def append(self, text: str) -> None:
        """One more text (kept in memory)."""
        self._extra.append(text)

    def write_to(self, path: str | Path) -> np.ndarray:
        """Write every text to a new file ``path``; returns its offsets. The stored texts'
        bytes are copied as they are, a block at a time (nothing decoded)."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            pos, end = 0, int(self._offsets[self._stored])
            while pos < end:
                _write_all(fd, self._read(pos, min(end, pos + BLOCK_BYTES)))
                pos = min(end, pos + BLOCK_BYTES)
            extra = [_encode(t) for t in self._extra]
            _write_all(fd, b"".join(extra))
        finally:
            os.close(fd)
        lengths = np.fromiter(map(len, extra), dtype=np.int64, count=len(extra))
        return np.concatenate([self._offsets[:self._stored + 1], end + np.cumsum(lengths)])

    def close_keeping_offsets(self) -> np.ndarray:
        offsets = self._offsets
        self.close()
        return offsets

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __del__(self) -> None:
        try:
            self.close()
        except (OSError, AttributeError):
            pass


def write_texts(path: str | Path, texts: Iterable[str], chunk: int = 10_000) -> np.ndarray:
    """Write ``texts`` to a new file ``path`` (a :class:`TextFile` copies its own, a block
    at a time); returns the offsets."""
    if isinstance(texts, TextFile):
        return texts.write_to(path)
    writer = TextWriter(path)
    try:
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) >= chunk:
                writer.add(batch)
                batch = []
        writer.add(batch)
        return writer.finish().close_keeping_offsets()
    except BaseException:
        writer.abandon()
        raise
