"""The trained model is cached by content hash: a second load never retrains."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from shopdesk.assistant.nlu import classifier, pipeline
from shopdesk.assistant.nlu.classifier import IntentModel, load_or_train, model_key
from shopdesk.assistant.nlu.encoder import get_encoder
from shopdesk.assistant.nlu.examples import examples_digest


def test_a_second_load_reads_the_cache_instead_of_training(
    intent_model: IntentModel, nlu_cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_train(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model was retrained although a cached one exists")

    monkeypatch.setattr(classifier, "train", must_not_train)
    again = load_or_train(get_encoder())
    assert again.classes == intent_model.classes
    assert (again.weights == intent_model.weights).all()
    assert (nlu_cache_dir / f"intent-model-{model_key(get_encoder(), holdout=False)}.npz").is_file()


def test_the_cache_key_follows_the_examples(tmp_path: Path) -> None:
    intents = tmp_path / "intents"
    intents.mkdir()
    (intents / "greeting.toml").write_text("description = 'hi'\nexamples = '''\nhello\n'''\n")
    before = examples_digest(intents)
    (intents / "greeting.toml").write_text("description = 'hi'\nexamples = '''\nhello\nhey\n'''\n")
    assert examples_digest(intents) != before


def test_the_model_is_saved_without_pickle(intent_model: IntentModel, tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    intent_model.save(path)
    loaded = IntentModel.load(path, get_encoder())  # np.load(allow_pickle=False) inside
    texts = ["where is my order", "can I pay with PayPal"]
    assert (loaded.probabilities(texts) == intent_model.probabilities(texts)).all()


def test_the_loaded_model_is_out_of_the_collectors_generations(intent_model: IntentModel) -> None:
    # Frozen when it loads: a full collection in a server process then skips its objects. The freeze
    # count itself is no measure: a frozen object freed by reference counting leaves the count.
    model = pipeline._Loaded().model()  # a load of its own: another test may have reloaded the shared one
    assert gc.is_tracked(model)
    gc.collect()
    in_a_generation = {id(o) for o in gc.get_objects()}
    assert id(model) not in in_a_generation
    assert id(model.features) not in in_a_generation
