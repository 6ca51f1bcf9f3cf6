"""The device's record memory: ordering, ranges, blocks, retention."""

from __future__ import annotations

import numpy as np
import pytest

from wattboard.simulator.memory import Block, RecordMemory


def _rows(ts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    values = np.tile(np.arange(51, dtype=float), (len(ts), 1)) + np.array(ts)[:, None]
    return np.array(ts, dtype=np.int64), values


def test_memory_select_is_inclusive_at_both_ends() -> None:
    memory = RecordMemory(capacity=4)
    memory.extend(*_rows([0, 60, 120, 180, 240]))  # grows past its capacity
    ts, values = memory.select(60, 180)
    assert ts.tolist() == [60, 120, 180]
    assert values[0, 0] == 60.0  # row 60 starts with its ts


def test_memory_refuses_rows_out_of_order() -> None:
    memory = RecordMemory()
    memory.extend(*_rows([60]))
    with pytest.raises(ValueError, match="not after"):
        memory.extend(*_rows([60]))


def test_memory_blocks_split_at_gaps() -> None:
    memory = RecordMemory()
    memory.extend(*_rows([0, 60, 120, 600, 660, 3600]))
    assert memory.blocks() == [Block(0, 3), Block(600, 2), Block(3600, 1)]
    assert memory.blocks(start=60) == [Block(60, 2), Block(600, 2), Block(3600, 1)]


def test_memory_drop_before_and_delete_range() -> None:
    memory = RecordMemory()
    memory.extend(*_rows(list(range(0, 600, 60))))  # 10 records
    assert memory.drop_before(120) == 2
    assert memory.first_ts == 120
    assert memory.delete_range(240, 360) == 2  # 240 and 300
    assert memory.timestamps.tolist() == [120, 180, 360, 420, 480, 540]
    memory.extend(*_rows([600]))
    assert memory.last_ts == 600
    assert len(memory) == 7
