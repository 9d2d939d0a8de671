"""The classify stage: document type (rules + a spaCy text classifier) and patient, per document.

``load_classifier(settings)`` gives the ``DocumentClassifier`` the pipeline uses;
``SpacyDocTypeClassifier`` is the ``DocTypeClassifier`` behind it.
"""

from classify.doctype import SpacyDocTypeClassifier
from classify.pipeline import Classifier, load_classifier

__all__ = ["Classifier", "SpacyDocTypeClassifier", "load_classifier"]
