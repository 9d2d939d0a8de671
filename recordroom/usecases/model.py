"""The office's own document-type model: the shipped model trained further on the office's
review decisions (``recordroom model retrain``)."""

from __future__ import annotations

from classify.examples import LabelledExample
from classify.pipeline import office_model_folder
from classify.retrain import RetrainResult, retrain
from indexer.review import review_examples
from recordroom.core.actor import Actor
from recordroom.wiring import Context


def retrain_model(ctx: Context, actor: Actor) -> RetrainResult:
    """Fold every review decision into the office's model (written under the home, replacing the
    last one); the classifier of this context loads it on next use. The same decisions give the
    same model, byte for byte."""
    with ctx.unit_of_work(actor) as unit:
        decisions = review_examples(unit.session)
        unit.record(
            "model.retrain",
            documents=[document_id for document_id, _, _ in decisions],
            detail=f"{len(decisions)} review decisions",
        )
    result = retrain(
        (LabelledExample(text, doc_type) for _, text, doc_type in decisions),
        office_model_folder(ctx.settings),
    )
    ctx.reload_classifier()
    return result
