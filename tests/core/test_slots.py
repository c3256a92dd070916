"""Slots shared by the web server's workers (core.slots): at most `count` holders, at most
`count` waiting, and anyone beyond them told at once to come back."""

import threading

import pytest

from samskab.core import slots


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = str(tmp_path)  # slots of this test's own
    return tmp_path


def test_one_caller_waits_for_a_taken_slot_and_the_next_is_refused_at_once(var_dir):
    waiting, got = threading.Event(), threading.Event()
    order = []

    def second_caller():
        waiting.set()
        with slots.slot("batch", 1, wait_seconds=30):
            order.append("second ran")
            got.set()

    with slots.slot("batch", 1):
        thread = threading.Thread(target=second_caller, daemon=True)
        thread.start()
        assert waiting.wait(10)
        for _ in range(1000):  # until the second caller holds the waiting place
            if _places_taken(var_dir, "batch", 1):
                break
            threading.Event().wait(0.005)
        assert _places_taken(var_dir, "batch", 1)
        with pytest.raises(slots.NoSlot):  # a long patience does not make a third one wait
            with slots.slot("batch", 1, wait_seconds=30):
                pytest.fail("no slot and no waiting place is free")
        order.append("first done")
    assert got.wait(10)
    thread.join(10)
    assert order == ["first done", "second ran"]
    with slots.slot("batch", 1, wait_seconds=0):  # all free again
        assert not _places_taken(var_dir, "batch", 1)


def test_a_waiting_caller_gives_up_after_its_wait_and_frees_its_place(var_dir):
    with slots.slot("batch", 1):
        with pytest.raises(slots.NoSlot):
            with slots.slot("batch", 1, wait_seconds=0.01):
                pytest.fail("the slot is held")
        assert not _places_taken(var_dir, "batch", 1)


def test_as_many_run_and_wait_as_there_are_slots(var_dir):
    with slots.slot("batch", 2), slots.slot("batch", 2):
        with pytest.raises(slots.NoSlot):
            with slots.slot("batch", 2, wait_seconds=0):
                pytest.fail("both slots are held")
    with slots.slot("none", 0), slots.slot("none", 0):  # no limit
        pass


def _places_taken(var_dir, name, count):
    """Whether every waiting place of `name` is held (by another open file, as flock sees)."""
    import fcntl
    import os

    taken = 0
    for index in range(count):
        path = var_dir / "slots" / f"{name}-waiting-{index}.lock"
        if not path.exists():
            continue
        fd = os.open(path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            taken += 1
        finally:
            os.close(fd)
    return taken == count


def test_the_number_of_waiting_places_is_the_callers(var_dir):
    with slots.slot("batch", 1):
        with pytest.raises(slots.NoSlot):  # nobody may wait: refused at once, not in 30 s
            with slots.slot("batch", 1, wait_seconds=30, waiting=0):
                pytest.fail("the slot is held")
        with pytest.raises(slots.NoSlot):  # two places, the wait runs out: the place is freed
            with slots.slot("batch", 1, wait_seconds=0.01, waiting=2):
                pytest.fail("the slot is held")
        assert not _places_taken(var_dir, "batch", 2)
