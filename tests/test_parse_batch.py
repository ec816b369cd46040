"""One parse worker for a batch of files (the import command): files share the worker; a file that kills it
costs only that worker, with the same Swedish messages as a worker per file."""

from __future__ import annotations

import pytest
from test_hostile_workbooks import A1, replace_parts, sheet

from naringsdash.ingest import parse_worker
from naringsdash.ingest.reader import WorkbookError

from conftest import activity, write_xlsx


def test_a_batch_reuses_one_worker_and_replaces_it_after_a_crash(tmp_path):
    ok = write_xlsx(tmp_path / "ok.xlsx", [activity(1), activity(2)]).read_bytes()
    body = A1 + b'<row r="100000"><c r="AX100000"><v>1</v></c></row>'
    heavy = replace_parts(tmp_path / "limit.xlsx", {"xl/worksheets/sheet1.xml": sheet(body)}).read_bytes()
    with parse_worker.batch(memory=128 * 2**20) as server:
        first = server.proc.pid
        assert parse_worker.read_untrusted(ok, memory=128 * 2**20).sheets
        assert parse_worker.read_untrusted(ok, memory=128 * 2**20).sheets
        assert server.proc.pid == first  # the same worker read both files
        with pytest.raises(WorkbookError) as err:
            parse_worker.read_untrusted(heavy, memory=128 * 2**20)
        assert str(err.value) == parse_worker.MEMORY_MESSAGE
        wb = parse_worker.read_untrusted(ok, memory=128 * 2**20)
        assert wb.sheets["Aktiviteter"][2][0] == "A-02"
        assert server.proc.pid != first  # a new worker for the file after the crash
        proc = server.proc
    assert proc.poll() is not None  # the batch's worker ends with the batch


def test_a_batch_worker_has_a_time_limit(tmp_path):
    data = write_xlsx(tmp_path / "ok.xlsx", [activity(i) for i in range(1, 200)]).read_bytes()
    with parse_worker.batch(timeout=0.001):
        with pytest.raises(WorkbookError) as err:
            parse_worker.read_untrusted(data, timeout=0.001)
        assert str(err.value) == parse_worker.TIMEOUT_MESSAGE


def test_outside_a_batch_a_worker_is_reused_and_replaced_after_a_crash(tmp_path):
    """The app's uploads: a live worker waits for the next file (no Python start per upload); one that a
    file killed is not kept, and the next file gets a new worker."""
    limits = (128 * 2**20, 30)
    ok = write_xlsx(tmp_path / "ok.xlsx", [activity(1), activity(2)]).read_bytes()
    body = A1 + b'<row r="100000"><c r="AX100000"><v>1</v></c></row>'
    heavy = replace_parts(tmp_path / "limit.xlsx", {"xl/worksheets/sheet1.xml": sheet(body)}).read_bytes()

    def waiting() -> list[int]:
        return [s.proc.pid for s in parse_worker._idle.get(limits, [])]

    assert parse_worker.read_untrusted(ok, memory=limits[0], timeout=limits[1]).sheets
    first = waiting()
    assert len(first) == 1
    assert parse_worker.read_untrusted(ok, memory=limits[0], timeout=limits[1]).sheets
    assert waiting() == first  # the same process read the second file
    with pytest.raises(WorkbookError) as err:
        parse_worker.read_untrusted(heavy, memory=limits[0], timeout=limits[1])
    assert str(err.value) == parse_worker.MEMORY_MESSAGE
    assert waiting() == []  # the worker the file killed is gone
    assert parse_worker.read_untrusted(ok, memory=limits[0], timeout=limits[1]).sheets["Aktiviteter"][2][0] == "A-02"
    assert waiting() and waiting() != first
    parse_worker._close_idle()
    assert waiting() == []


def test_the_server_warm_up_leaves_a_reading_process_waiting_for_the_first_upload(tmp_path, db):
    from naringsdash.ui import warmup

    limits = (parse_worker.MEMORY_LIMIT, parse_worker.TIMEOUT_S)
    parse_worker._close_idle()
    warmup._warm(str(db))
    waiting = parse_worker._idle.get(limits, [])
    assert len(waiting) == 1 and waiting[0].proc.poll() is None
    pid = waiting[0].proc.pid
    assert parse_worker.read_untrusted(write_xlsx(tmp_path / "ok.xlsx", [activity(1)]).read_bytes()).sheets
    assert [s.proc.pid for s in parse_worker._idle[limits]] == [pid]  # the first upload used it
    parse_worker._close_idle()
