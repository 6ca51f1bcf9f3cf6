"""Problems in, messages out: one when a problem starts, one when it ends, repeats in between.

Pure: the caller passes the wall time. The open problems can be saved and resumed, so a restart
neither announces a lasting problem again nor forgets to say when it ends (README, "Alerts").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from wattboard.alerts.rules import Problem, duration

Kind = Literal["start", "repeat", "end", "test"]
_TEXTS: Final = ("rule", "subject", "title", "body", "resolved")
_TIMES: Final = ("since", "sent")


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
    # Resumed after a restart: not ended before its rule has had time to see it again (a meter
    # counts as offline only N minutes after the restart, say).
    hold_until: float = 0.0


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
        for key in [k for k, o in self.open.items() if k not in seen and o.hold_until <= now]:
            ended = self.open.pop(key)
            lasted = f" The problem lasted {duration(now - ended.since)}."
            body = ended.problem.resolved + lasted
            messages.append(self._message("end", ended.problem, ended.since, now, body))
        return messages

    def saved(self) -> list[dict[str, Any]]:
        """Return the open problems as JSON-ready rows, for `resume` after a restart."""
        return [
            {
                "rule": o.problem.rule,
                "subject": o.problem.subject,
                "title": o.problem.title,
                "body": o.problem.body,
                "resolved": o.problem.resolved,
                "since": o.since,
                "sent": o.sent,
            }
            for o in self.open.values()
        ]

    def resume(self, rows: Iterable[Mapping[str, Any]], now: float, grace: float) -> None:
        """Take back the open problems `saved` returned before a restart.

        A resumed problem is still open: seen again, it gets no new start, and its repeats keep
        their schedule; not seen again within `grace` seconds, it ends with its end message.
        A malformed row raises ValueError and nothing is taken.
        """
        resumed = {}
        for index, row in enumerate(rows):
            texts = [t for t in (row.get(name) for name in _TEXTS) if isinstance(t, str)]
            times = [
                float(t)
                for t in (row.get(name) for name in _TIMES)
                if isinstance(t, int | float) and not isinstance(t, bool)
            ]
            if len(texts) != len(_TEXTS) or len(times) != len(_TIMES):
                raise ValueError(f"open problem {index}: expected {', '.join(_TEXTS + _TIMES)}")
            rule, subject, title, body, resolved = texts
            problem = Problem(rule, subject, title, body, resolved)
            since, sent = times
            resumed[problem.key] = _Open(problem, since, sent, hold_until=now + grace)
        self.open.update(resumed)

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
