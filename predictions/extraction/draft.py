"""The draft an editor reviews: what the extractor returns (no ORM, no Django)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass
class DraftEvidence:
    title: str | None
    outlet: str | None
    authors: list[str] = field(default_factory=list)
    url: str | None = None
    line: int = 0  # 1-based line number in the input
    section: int = 0  # the part of the post it stands in (a new heading starts a new part)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class DraftPrediction:
    statement: str
    quote: str
    probability: float | None
    probability_source: str | None  # "stated" | "inferred" | None
    confidence_phrase: str | None
    negated: bool = False
    resolve_by: date | None = None  # the deadline the text gives, else None (the caller's default applies)
    deadline_phrase: str | None = None  # the words that give it ("by the end of 2025", "this year", "2024")
    section: int = 0  # the part of the post it stands in: evidence of the same part belongs to it

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["resolve_by"] = self.resolve_by.isoformat() if self.resolve_by else None
        return data


@dataclass
class Draft:
    pundit: str | None
    published_on: date | None
    title: str | None
    predictions: list[DraftPrediction] = field(default_factory=list)
    evidence: list[DraftEvidence] = field(default_factory=list)
    outlet: str | None = None  # the outlet a byline names ("By Jane Doe, The Northern Ledger")
    truncated: bool = False  # the post holds more predictions than one draft takes (MAX_PREDICTIONS): the first ones
    # the reading stopped at MAX_EXAMINED sentences with a forecast's words: the first sentence not read (the import
    # says so in its warnings; not in to_dict(), so that the API's draft keeps its shape)
    unread_from: str | None = None

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data.pop("unread_from")
        data["published_on"] = self.published_on.isoformat() if self.published_on else None
        data["predictions"] = [p.to_dict() for p in self.predictions]
        return data
