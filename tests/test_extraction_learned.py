"""The learned reader of the article import (predictions/extraction/learned.py, editorial.py ``_with_learned``):
the model shipped is the one judged, it scores each sentence on its own, it adds what the rules miss and never what
the import must not take, and it stays off the longest posts.

Its quality is measured on real posts it never saw (tests/test_extraction_real.py, bench/extraction_quality.py);
these tests pin its behaviour."""

from __future__ import annotations

import hashlib
import importlib.util
import re
from datetime import date

import pytest

from predictions.extraction import extract_editorial, learned
from predictions.extraction.document import _parse_text
from predictions.extraction.editorial import _never_added
from predictions.extraction.voice import _classify
from tests import real_editorials

ROOT = real_editorials.FOLDER.parent.parent.parent


def _post(prefix: str) -> real_editorials.Post:
    return next(p for p in real_editorials.posts() if p.path.stem.startswith(prefix))


def test_the_model_files_are_the_ones_judged():
    # model/README.md gives each file's digest; a different file is a different reader, to be judged again
    readme = (learned.MODEL / "README.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `([\w.]+)`[^|]*\|[^|]*\| `([0-9a-f]{64})` \|$", readme, re.M))
    assert set(listed) == {"scorer.int8.onnx", "tokenizer.json"}
    for name, digest in listed.items():
        assert hashlib.sha256((learned.MODEL / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize(
    ("text", "standing", "probability"),
    [
        ("Trump will win re-election.", "item | Predictions for 2020 | My predictions", 0.91392),
        ("Trump will win re-election.", " |  | Outlook", 0.96551),
    ],
)
def test_the_model_gives_the_same_probabilities_on_every_cpu(text, standing, probability):
    # Session 19: with signed int8 weights, onnxruntime multiplies on a CPU without AVX-512 VNNI (this machine, an
    # AMD EPYC with AVX2 only) with an instruction that saturates (VPMADDUBSW), and the same model gave other
    # probabilities than on the machines it was judged on (0.973 and 0.953 here; the fresh set 251-325 lost 3 of its
    # 218 matched labels). Its weights are now unsigned (the same values shifted by 128, zero points likewise: the
    # same integer products, bench/extraction_finetune.py `unsigned_weights`), which no x86 kernel saturates: the
    # figures recorded on the VNNI machines come back exactly. Pinned values, computed that way.
    assert learned.probabilities([learned.Unit(0, 0, text, standing)])[0] == pytest.approx(probability, abs=0.003)


def test_the_standing_is_written_as_in_training():
    # the bench that trained the model builds the second text of the pair with its own `side`: the same string
    spec = importlib.util.spec_from_file_location("extraction_finetune", ROOT / "bench" / "extraction_finetune.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    for item in (False, True):
        for voice in (False, True):
            unit = {"item": item, "announced": not item, "odds": item, "voice": voice,
                    "heading": "My predictions for 2027 " * 10, "title": "A year ahead " * 12}  # fmt: skip
            assert learned.standing(**unit) == bench.side(unit)


def test_a_sentence_gets_the_same_probability_whatever_is_scored_with_it():
    # the int8 model quantizes activations per call: sentences are scored one at a time, so that a sentence's
    # probability (and the draft) does not depend on the other sentences of the post
    side = learned.standing(item=False, announced=False, odds=False, voice=True, heading="", title="Outlook")
    claim = learned.Unit(0, 0, "I think the governor will lose the primary in June.", side)
    others = [learned.Unit(0, 0, text, side) for text in ("Thanks for reading.", "The " + "long " * 100 + "end.")]
    alone = learned.probabilities([claim])[0]
    assert learned.probabilities([others[0], claim, others[1]])[1] == alone
    assert 0.5 <= alone <= 1.0  # a plain forecast in the pundit's voice
    assert learned.probabilities([others[0]])[0] < 0.5  # a sign-off


def test_it_adds_the_forecasts_the_rules_miss():
    # Rushkoff's 1999 column (a tuning post of session 16 the model never saw): items such as "Microsoft will win
    # its battle with the US Justice Department." stand under "Prediction One: ..." labels the rules do not read
    post = _post("591_")
    rules = {p.quote for p in post.extract(learned_reader=False).predictions}
    both = post.extract(learned_reader=True).predictions
    wanted = "Microsoft will win its battle with the US Justice Department."
    assert not any(wanted in q for q in rules)
    added = [p for p in both if wanted in p.quote]
    assert len(added) == 1 and added[0].statement and added[0].probability is not None
    quotes = [p.quote for p in both]
    text = post.text()
    assert [text.index(q) for q in quotes] == sorted(text.index(q) for q in quotes)  # in the post's order


def test_it_drops_what_the_rules_take_for_predictions_and_it_does_not(monkeypatch):
    # the veto (learned.VETO, judged on the blind set 676-750 in session 17): in the same column the rules take
    # sentences such as "Conspiracy theorists will assume this is just a cover-up to prevent panic." (a gloss on a
    # prophecy, not one) for predictions; the model gives them under VETO and they go; no labelled one goes
    post = _post("591_")
    labelled = [p["quote"] for p in post.label["predictions"]]
    rules = {p.quote for p in post.extract(learned_reader=False).predictions}
    both = {p.quote for p in post.extract(learned_reader=True).predictions}
    dropped = rules - both
    assert "Conspiracy theorists will assume this is just a cover-up to prevent panic." in dropped
    assert not any(want in q for q in dropped for want in labelled)
    monkeypatch.setattr(learned, "VETO", 0.0)  # off: the rules' predictions all stay
    assert rules <= {p.quote for p in post.extract(learned_reader=True).predictions}


def test_it_never_drops_the_authors_stance_said_outright():
    # a short WNU post written for the rules (tests/fixtures/editorials/): the model scores "There is a 70% chance
    # ..." under VETO (it was trained on a few hundred real posts, none like it), but a chance given as a number, or
    # "My own view: ...", "I predict ...", is the author's forecast whatever the model says
    text = (ROOT / "tests" / "fixtures" / "editorials" / "060_wnu_outlet_colon.txt").read_text(encoding="utf-8")
    wanted = "There is a 70% chance that Yerevan applies to join the EU before 2026."
    title = "Is Armenia Leaving The CSTO?"  # the post's title, the heading of its blocks too
    side = learned.standing(item=False, announced=False, odds=False, voice=True, heading=title, title=title)
    assert learned.probabilities([learned.Unit(0, 0, wanted, side)])[0] < learned.VETO
    assert wanted in [p.quote for p in extract_editorial(text, learned_reader=True).predictions]


def test_a_news_report_gets_nothing_from_it():
    # a bylined report with no first person: its "will" is reporting (the rules' voice); the reader stays out
    text = (ROOT / "tests" / "fixtures" / "editorials" / "040_news_report_no_prediction.txt").read_text(
        encoding="utf-8"
    )
    assert extract_editorial(text, learned_reader=True).predictions == []


@pytest.mark.parametrize(
    ("text", "never"),
    [
        ("The election outlook for 2027\n\nThe mayor will lose.\n", "The election outlook for 2027"),  # the title
        ("I think prices will rise.\n\nWill the council ever agree on a budget?\n", "Will the council"),  # a question
        ("I think prices will rise.\n\nRates will rise in March, officials said.\n", "Rates will rise"),  # attributed
        ("Outlook\n\nRates will rise in March.\n\nBy Gyan Pathak.\n", "By Gyan Pathak."),  # a byline
        ("Outlook\n\nRates will rise in March.\n\n> The regime will fall within a year.\n", "The regime"),  # quoted
        ("Outlook\n\nRates will rise.\n\nRussia will loan Belarus $1.5bn — Reuters\n", "Russia will"),  # a link line
        ("Outlook\n\nRates will rise.\n\nMaybe not.\n", "Maybe not."),  # fewer than three words
        ("Outlook\n\nI said last year the mayor would lose, and she did.\n", "I said"),  # a settled claim
        ("Outlook\n\nPhase 2 budget exceeds $7 billion: 80% (wrong)\n", "Phase 2"),  # graded
    ],
)
def test_what_it_may_never_add(text, never):
    doc = _parse_text(text)
    infos = _classify(doc)
    starts = [line.start for line in doc.lines]
    title = text.split("\n", 1)[0]
    at = doc.source.index(never)
    end = doc.source.index("\n", at)
    unit = learned.Unit(at, end, doc.source[at:end].strip(), "")
    assert _never_added(doc, infos, starts, unit, title, in_voice=False)
    plain = "The mayor will lose her seat in the spring election."
    doc = _parse_text(f"Outlook\n\n{plain}\n")
    unit = learned.Unit(doc.source.index(plain), len(doc.source) - 1, plain, "")
    assert not _never_added(doc, _classify(doc), [line.start for line in doc.lines], unit, "Outlook", in_voice=True)


def test_the_longest_posts_are_read_by_the_rules_alone(monkeypatch):
    # more than MAX_UNITS sentences: the model is not asked (a 1 MB post stays under a second)
    def refuse(units):
        raise AssertionError("the model was asked")

    monkeypatch.setattr(learned, "probabilities", refuse)
    sentence = "I think the council will pass the budget in March. "
    text = "Outlook\n\n" + "\n\n".join(sentence * 3 for _ in range(learned.MAX_UNITS // 3 + 1))
    rules = extract_editorial(text, published_on=date(2026, 1, 5))
    assert rules.predictions
    both = extract_editorial(text, published_on=date(2026, 1, 5), learned_reader=True)
    assert [p.to_dict() for p in both.predictions] == [p.to_dict() for p in rules.predictions]


def test_the_import_uses_it_by_the_setting(editor_client, settings):
    post = _post("591_")
    wanted = "Microsoft will win its battle with the US Justice Department."
    body = {"text": post.text(), "default_pundit": "Douglas Rushkoff", "save": False}
    for on in (True, False):
        settings.EXTRACTION_LEARNED_READER = on
        r = editor_client.post("/api/v1/imports/article/", body, format="json")
        assert r.status_code == 200, r.content
        assert any(wanted in p["quote"] for p in r.json()["predictions"]) is on


def test_a_post_of_long_sentences_is_read_by_the_rules_alone():
    # fewer than MAX_UNITS sentences, but more tokens than the model reads in one post (each sentence is cut to
    # MAX_TOKENS, the model's time grows with the tokens): the rules alone, the same draft
    long = "The council " + " ".join(f"discussed item {n} of the budget" for n in range(40)) + " at length today. "
    units = [learned.Unit(0, 0, long, "")] * (learned.MAX_TOKENS_READ // learned.MAX_TOKENS + 1)
    assert learned.probabilities(units) is None
    assert learned.probabilities(units[:3]) is not None
    text = "Outlook\n\nI think the mayor will lose in May.\n\n" + "\n\n".join(long for _ in range(len(units)))
    both = extract_editorial(text, published_on=date(2026, 1, 5), learned_reader=True)
    rules = extract_editorial(text, published_on=date(2026, 1, 5))
    assert [p.to_dict() for p in both.predictions] == [p.to_dict() for p in rules.predictions] != []


def test_the_seed_keeps_its_exact_result_with_it():
    # the demo editorial (tests/test_extraction.py pins its draft): the learned reader adds nothing to it
    text = (ROOT / "tests" / "fixtures" / "editorials" / "000_seed_wnu_2020-09-14.txt").read_text(encoding="utf-8")
    both = extract_editorial(text, learned_reader=True)
    assert both.to_dict() == extract_editorial(text).to_dict()
    assert len(both.predictions) == 2 and len(both.evidence) == 12
