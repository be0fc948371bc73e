"""FileStabilityTracker on its own, with a clock the test moves."""

from ekte.watch.stability import FileStabilityTracker


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_a_file_is_due_after_being_unchanged_for_the_delay():
    c = Clock()
    tr = FileStabilityTracker(5, clock=c)
    tr.observe("a", 10, 1)
    assert tr.due() == []
    c.t += 4.9
    tr.observe("a", 10, 1)  # the same again: no restart
    assert tr.due() == []
    c.t += 0.2
    assert tr.due() == ["a"]
    assert tr.confirm("a", 10, 1)


def test_a_change_restarts_the_wait_and_confirm_catches_late_changes():
    c = Clock()
    tr = FileStabilityTracker(5, clock=c)
    tr.observe("a", 10, 1)
    c.t += 4
    tr.observe("a", 20, 2)  # grew
    c.t += 4
    assert tr.due() == []
    c.t += 1.5
    assert tr.due() == ["a"]
    assert not tr.confirm("a", 30, 3)  # changed since the last sighting: wait again
    assert tr.due() == []
    c.t += 5
    assert tr.due() == ["a"] and tr.confirm("a", 30, 3)


def test_taken_files_are_queued_once_until_released():
    c = Clock()
    tr = FileStabilityTracker(1, clock=c)
    tr.observe("a", 1, 1)
    c.t += 2
    tr.take("a")
    assert tr.due() == [] and len(tr) == 0 and tr.active("a")
    tr.observe("a", 1, 1)  # more events while it is processed
    c.t += 5
    assert tr.due() == []
    tr.release("a")
    tr.observe("a", 1, 1)  # still there (e.g. export failed): taken again later
    c.t += 2
    assert tr.due() == ["a"]


def test_forget_overdue_and_order():
    c = Clock()
    tr = FileStabilityTracker(2, clock=c)
    assert tr.give_up == 60
    tr.observe("late", 1, 1)
    c.t += 1
    tr.observe("early", 1, 1)
    c.t -= 0  # noqa
    tr.observe("gone", 1, 1)
    tr.forget("gone")
    c.t += 3
    assert tr.due() == ["late", "early"]  # oldest first
    assert not tr.overdue("late")
    c.t += 60
    assert tr.overdue("late")
    assert FileStabilityTracker(10).give_up == 200  # 20 x the delay when that is longer
