"""The signature stage on a Dask cluster (``--dask ADDRESS``).

Slots are learnt locally from a sample (cheap); the texts are cut into partitions, and each
worker computes the signatures of its partitions with the same pure function the local run
uses (:func:`samskab.analysis.hashing.signatures_from_arrays`), so the result is identical to
a local run, bit for bit. The slot table travels as plain numpy arrays, broadcast once.
"""

from __future__ import annotations

import numpy as np

from . import hashing

PARTITION = 20_000


def signatures_on_dask(texts: list[str], slots: hashing.SlotTable, address: str,
                       partition: int = PARTITION) -> tuple[np.ndarray, np.ndarray]:
    """Signatures and word counts of ``texts``, computed on the cluster at ``address``."""
    from distributed import Client

    spans = [(a, min(a + partition, len(texts))) for a in range(0, len(texts), partition)]
    if not spans:
        return (np.zeros((0, hashing.SIG_BINS), dtype=np.uint32), np.zeros(0, dtype=np.int64))
    with Client(address, set_as_default=False) as client:
        slot_future = client.scatter(slots.to_arrays(), broadcast=True)
        futures = client.map(hashing.signatures_from_arrays, [texts[a:b] for a, b in spans],
                             slot_arrays=slot_future, pure=False)
        parts = client.gather(futures)
    sig = np.concatenate([p[0] for p in parts])
    words = np.concatenate([p[1] for p in parts])
    return sig, words
