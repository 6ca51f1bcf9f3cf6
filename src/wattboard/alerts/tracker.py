"""Problems in, messages out: one when a problem starts, one when it ends, repeats in between.

Pure: the caller passes the wall time. The state lives in memory only, so a restart forgets it
and a problem still there after a restart is announced again (README, "Alerts").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from wattboard.alerts.rules import Problem, duration

Kind = Literal["start", "repeat", "end", "test"]


@dataclass(frozen=True, slots=True)
class Message:
    """One alert as every channel sends it; `since` is when the problem started (wall time)."""

    kind: Kind
    rule: str
    subject: str
    site: str
    title: str
    body: str
    since: float
    at: float

    @property
    def heading(self) -> str:
        """The title as sent: site, kind and problem, e.g. "[home] Resolved: Meter grid offline"."""
        prefix = {"start": "", "repeat": "Still: ", "end": "Resolved: ", "test": ""}[self.kind]
        return f"[{self.site}] {prefix}{self.title}"


@dataclass(slots=True)
class _Open:
    problem: Problem
    since: float
    sent: float


@dataclass(slots=True)
class Tracker:
    """Remembers the open problems of one site and when each was last announced."""

    site: str
    repeat_s: float  # 0: never repeat
    open: dict[tuple[str, str], _Open] = field(default_factory=dict)

    def step(self, problems: Iterable[Problem], now: float) -> list[Message]:
        """Return the messages that `problems` holding at `now` call for."""
        messages = []
        seen = set()
        for problem in problems:
            seen.add(problem.key)
            known = self.open.get(problem.key)
            if known is None:
                since = now - problem.age
                self.open[problem.key] = _Open(problem, since, now)
                messages.append(self._message("start", problem, since, now))
                continue
            known.problem = problem  # the newest text: durations and counts grow
            if self.repeat_s > 0 and now - known.sent >= self.repeat_s:
                known.sent = now
                messages.append(self._message("repeat", problem, known.since, now))
        for key in [k for k in self.open if k not in seen]:
            ended = self.open.pop(key)
            lasted = f" The problem lasted {duration(now - ended.since)}."
            body = ended.problem.resolved + lasted
            messages.append(self._message("end", ended.problem, ended.since, now, body))
        return messages

    def _message(
        self, kind: Kind, problem: Problem, since: float, now: float, body: str | None = None
    ) -> Message:
        return Message(
            kind,
            problem.rule,
            problem.subject,
            self.site,
            problem.title,
            problem.body if body is None else body,
            since,
            now,
        )
