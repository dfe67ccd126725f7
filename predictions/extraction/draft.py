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

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class Draft:
    pundit: str | None
    published_on: date | None
    title: str | None
    predictions: list[DraftPrediction] = field(default_factory=list)
    evidence: list[DraftEvidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["published_on"] = self.published_on.isoformat() if self.published_on else None
        return data
