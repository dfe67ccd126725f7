"""A learned reader of a post's sentences: how likely each one is a prediction an editor would log.

The rules (voice.py, editorial.py) decide by the words of a sentence and where it stands; they miss what they were
not written for. This model was trained on the labelled real posts (tests/fixtures/editorials_real/, the tuning
part and the reserve: 270 posts, 5,153 sentences): all-MiniLM-L6-v2, sentence-transformers' small English model
(22 M parameters, Apache-2.0), fine-tuned as a classifier of one sentence paired with where it stands ("item |
heading | title"), then exported to ONNX with int8 weights, stored unsigned so that every x86 CPU computes the same
probabilities (bench/extraction_finetune.py: modes ``finetune`` and ``export``; provenance and figures in
model/README.md). It runs on the CPU through onnxruntime, with the model's own tokenizer (``tokenizers``); nothing
is downloaded at run time.

The model reads posts of at most MAX_UNITS sentences and MAX_TOKENS_READ tokens (a real editorial has a few dozen
sentences; ~2-3 ms a sentence here): a longer text (a book, a paste of an archive, the 1 MB post, 300 sentences of
150 words each) is read by the rules alone, so that extraction of the largest allowed post stays under a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

MODEL = Path(__file__).with_name("model")
#: At or above this probability a sentence is a prediction (fixed before the blind run: model/README.md).
THRESHOLD = 0.5
#: A sentence the rules take for a prediction is dropped when the model gives it less than this (schedules, "We
#: shall see.", plans): chosen on posts the model never saw, then judged once on a blind set (session 17: predictions
#: F1 0.498 -> 0.523 there; tests/fixtures/editorials_real/README.md).
VETO = 0.05
#: The longest post, in sentences, the model reads (longer ones: the rules alone).
MAX_UNITS = 300
#: The most tokens the model reads in one post (sentences and their standing, each cut to MAX_TOKENS): the model's
#: time grows with them (0.05-0.1 ms a token here, by the machine's load), so 300 sentences of 160 tokens each (a
#: 1 MB post of long sentences) are not read; an editorial of a few dozen sentences holds 1,000-4,000 (the longest of
#: the 1,011 labelled real excerpts: 3,727). Session 18: 12,000 -> 8,000, the longest read taking 1.2 s on a busy day.
MAX_TOKENS_READ = 8_000
#: The model's input: the sentence and its standing, cut to this many tokens (as in training).
MAX_TOKENS = 160


@dataclass(frozen=True)
class Unit:
    """A sentence of a block, as the model sees it."""

    start: int  # in the post's source, after stripping
    end: int
    text: str
    standing: str


def standing(*, item: bool, announced: bool, odds: bool, voice: bool, heading: str, title: str) -> str:
    """The second text of the model's pair: the block's kind, its heading and the post's title (as in training:
    bench/extraction_finetune.py's ``side``)."""
    tags = [name for name, on in (("item", item), ("announced", announced), ("odds", odds)) if on]
    tags += [] if voice else ["quoted"]
    return f"{' '.join(tags)} | {heading[:150]} | {title[:100]}"


@cache
def _reader():  # type: ignore[no-untyped-def]
    import onnxruntime
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(MODEL / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.no_padding()
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # one request's sentences; a server runs several workers side by side
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(str(MODEL / "scorer.int8.onnx"), options, providers=["CPUExecutionProvider"])
    return tokenizer, session


def probabilities(units: list[Unit]) -> list[float] | None:
    """The model's probability that each unit is a prediction; None when the units hold more than MAX_TOKENS_READ
    tokens (the rules alone read such a post). One sentence at a time: the int8 model quantizes its activations per
    call, so a sentence scored in a batch would depend on its neighbours; alone, the same sentence in the same
    standing always gets the same probability (and batches were no faster here)."""
    import numpy as np

    tokenizer, session = _reader()
    encoded = [tokenizer.encode(unit.text, unit.standing) for unit in units]
    if sum(len(e.ids) for e in encoded) > MAX_TOKENS_READ:
        return None
    out = []
    for e in encoded:
        feed = {
            "input_ids": np.array([e.ids], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids], dtype=np.int64),
        }
        out.append(float(session.run(None, feed)[0][0]))
    return out
