"""The learned sentence scorer of bench/extraction_learned.py, trained on ALL tuning posts, run once on the reserve.

Session 14 experiment (branch exlearn; measurement only, predictions/ untouched). See
bench/extraction_learned_reserve.md for the protocol, the configuration chosen inside the tuning part, and the
reserve figures.

Modes (``.venv/bin/python bench/extraction_learned_reserve.py MODE``):

* ``cv FEATURES C WEIGHT``: cross-validation inside the tuning part only (145 posts; ``posts("tuning")``), with the
  rules of this checkout as they stand. Folds: (a) train on tuning posts 001-200, validate on tuning 201-250;
  (b) leave one labelling batch out (001-053, 054-075, 151-175, 176-200, 201-225, 226-250). In each fold the
  thresholds of each use (filter, booster, both) are chosen on the training posts alone (inner grouped 4-fold CV by
  host, extraction_learned.choose), the model fitted on the training posts, the held-out posts scored with the
  bench's matching. WEIGHT is the sample weight of the sentences of the 70 posts labelled blind in session 13
  (``"session 13" in label["added"]``); the others weigh 1.
* ``reserve FEATURES C WEIGHT USE``: the one run on the reserve (posts 326-375): the rules alone and the rules with
  the classifier (trained on all 145 tuning posts, thresholds chosen by inner grouped 4-fold CV on them) used as USE
  (filter, booster or both): aggregates only (predictions P/R/F1, probability in range, deadline right, links).
  Nothing about a single reserve post is printed.

The untouched posts are never read: posts() is asked for "tuning" or "reserve" only, and a post's text is read
only for those.
"""

from __future__ import annotations

import pickle
import sys
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import django  # noqa: E402
import extraction_learned as el  # noqa: E402  (sets up Django settings and the path)

django.setup()

import re  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from predictions.extraction.draft import DraftPrediction  # noqa: E402
from tests.real_editorials import Figures, posts  # noqa: E402

CACHE = ROOT / "var" / "exlearn_tuning.pkl"
BATCHES = [(1, 53), (54, 75), (151, 175), (176, 200), (201, 225), (226, 250)]


def host_of(label: dict) -> str:
    host = (urlsplit(label["source_url"]).hostname or "").removeprefix("www.")
    return re.sub(r"\.blogspot\.[a-z.]+$", ".blogspot.com", host)


def load(split: str) -> list[el.Data]:
    assert split in {"tuning", "reserve"}  # never the untouched part
    out = []
    for p in posts(split):
        post = el.Post(p.path.stem, p.text(), p.label, host_of(p.label))
        cands, preds = el.candidates(post.text, el.published(post))
        quotes = [w["quote"] for w in post.label["predictions"]]
        blind13 = "session 13" in str(post.label.get("added", ""))
        for c in cands:
            inside = preds[c.pred] if c.pred is not None else c.text
            c.label = int(any(q in inside for q in quotes))
            c.blind13 = blind13  # type: ignore[attr-defined]
        out.append(el.Data(post, cands, preds))
    return out


def tuning() -> list[el.Data]:
    if CACHE.exists():
        return pickle.loads(CACHE.read_bytes())
    data = load("tuning")
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_bytes(pickle.dumps(data))
    return data


WEIGHT = 1.0


def fit(cands: list[el.Cand], c: float = 1.0) -> LogisticRegression:
    """extraction_learned.fit with the session-13 blind posts' sentences weighted WEIGHT."""
    y = np.array([x.label for x in cands])
    w = np.array([WEIGHT if getattr(x, "blind13", False) else 1.0 for x in cands])
    model = LogisticRegression(C=c, solver="liblinear", max_iter=1000, random_state=0)
    model.fit(el.matrix(cands), y, sample_weight=w)
    return model


el.fit = fit  # choose() and oof_scores() fit through the module's name

_why_not = el.why_not


def why_not(text: str, **kw) -> str:
    """extraction_learned.why_not, which copies sentences._is_candidate step by step and has fallen behind it: when
    the two disagree, the rules' decision wins ("ok", or "rejected" when the copy would have kept the sentence)."""
    reason = _why_not(text, **kw)
    accepted = el.sn._is_candidate(text, **kw)
    if (reason == "ok") == accepted:
        return reason
    MISMATCH[0] += 1
    return "ok" if accepted else "rejected"


MISMATCH = [0]
el.why_not = why_not


def scores_of(model: LogisticRegression, data: list[el.Data]) -> list[np.ndarray]:
    return [model.predict_proba(el.matrix(d.cands))[:, 1] if d.cands else np.zeros(0) for d in data]


def run_folds(data: list[el.Data], folds: list[tuple[list[int], list[int]]], c: float) -> dict[str, el.PR]:
    rows = {name: el.PR() for name in el.USES}
    for train, test in folds:
        tr = [data[i] for i in train]
        uses = el.choose(tr, c)
        model = fit([x for d in tr for x in d.cands], c)
        te = [data[i] for i in test]
        for d, s in zip(te, scores_of(model, te), strict=True):
            for name in el.USES:
                rows[name].add(el.outcome(d, s, uses[name]))
        print("      fold thresholds: " + "; ".join(f"{n}: {el.shown(uses[n])}" for n in el.USES[1:4]), flush=True)
    return rows


def cv(features: str, c: float, weight: float) -> None:
    global WEIGHT
    el.FEATURES, WEIGHT = features, weight
    data = tuning()
    num = [el.number(d) for d in data]
    print(f"CV inside tuning: {len(data)} posts; features {features}, C={c}, session-13 weight {weight}")
    print(f"  rules alone on all of it: {el.total(data, None, el.RULES)}")
    holdout = [([i for i, n in enumerate(num) if n <= 200], [i for i, n in enumerate(num) if 201 <= n <= 250])]
    lobo = [([i for i, n in enumerate(num) if not lo <= n <= hi], [i for i, n in enumerate(num) if lo <= n <= hi])
            for lo, hi in BATCHES]  # fmt: skip
    for label, folds in (("train 001-200, validate 201-250", holdout), ("leave one batch out (6)", lobo)):
        print(f"  {label}:")
        for name, pr in run_folds(data, folds, c).items():
            print(f"    {name:16s} {pr}")
    print(flush=True)


def filtered(draft, d: el.Data, s: np.ndarray, use: el.Use):
    """The draft with the classifier used as `use`: the rules' predictions scoring under the filter dropped, the
    sentences they passed over scoring at least the booster added (no probability, no deadline): as outcome()."""
    filt, boost, _ = use
    assert [p.quote for p in draft.predictions] == d.preds
    low = set()
    if filt is not None:
        low = {c.pred for c, x in zip(d.cands, s, strict=True) if c.pred is not None and x < filt}
    kept = [p for k, p in enumerate(draft.predictions) if k not in low]
    if boost is not None:
        taken = list(d.preds)
        for c, x in zip(d.cands, s, strict=True):
            if c.pred is None and x >= boost and not any(c.text in q for q in taken):
                kept.append(DraftPrediction(statement=c.text, quote=c.text, probability=None,
                                            probability_source=None, confidence_phrase=None))  # fmt: skip
                taken.append(c.text)
    return replace(draft, predictions=kept)


def show(name: str, f: Figures) -> None:
    pr = el.PR(f.prediction_precision.hits, f.prediction_precision.total, f.prediction_recall.total)
    print(f"  {name}: {f.posts} posts")
    print(f"    predictions  {pr}")
    print(f"    probability in range {f.probability_in_range}; deadline right {f.deadline_right}")
    print(f"    links P {f.link_precision} R {f.link_recall}; outlet right {f.outlet_right}")


def reserve(features: str, c: float, weight: float, use_name: str) -> None:
    global WEIGHT
    el.FEATURES, WEIGHT = features, weight
    train = tuning()
    uses = el.choose(train, c)
    use = uses[{"filter": "rules + filter", "booster": "rules + booster", "both": "rules + both"}[use_name]]
    model = fit([x for d in train for x in d.cands], c)
    print(
        f"Reserve run: classifier on {len(train)} tuning posts, features {features}, C={c}, session-13 weight "
        f"{weight}, use {use_name} [{el.shown(use)}] (thresholds by inner grouped 4-fold CV on the tuning posts)"
    )
    rules, learned = Figures(), Figures()
    for p in posts("reserve"):
        post = el.Post(p.path.stem, p.text(), p.label, host_of(p.label))
        cands, preds = el.candidates(post.text, el.published(post))
        d = el.Data(post, cands, preds)
        draft = p.extract()
        s = scores_of(model, [d])[0]
        rules.add(p, draft)
        learned.add(p, filtered(draft, d, s, use))
    show("rules alone", rules)
    show(f"rules + {use_name}", learned)


def main() -> None:
    if len(sys.argv) < 2:  # `make bench` runs every bench without arguments: the figures are in the .md
        print("bench/extraction_learned_reserve.py: modes prepare, cv, reserve (see its docstring); the session-14 "
              "figures are in bench/extraction_learned_reserve.md")  # fmt: skip
        return
    mode = sys.argv[1]
    if mode == "prepare":
        data = tuning()
        print(
            len(data),
            "tuning posts,",
            sum(len(d.cands) for d in data),
            "candidates;",
            MISMATCH[0],
            "sentences where why_not's copy of the rules fell behind them",
        )
    elif mode == "cv":
        cv(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
    elif mode == "reserve":
        reserve(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
