"""The office's corrected documents as labelled examples: a close copy takes their type at once."""

from __future__ import annotations

from classify.examples import Examples, LabelledExample, NearestExamples, printed_pairs
from classify.patients import match_patient
from classify.pipeline import Classifier
from classify.registry import InMemoryRegistry
from recordroom.core.settings import Settings

ACME_PA = """ACME HEALTH PLAN  PHARMACY PRIOR AUTHORIZATION REQUEST
Member name: {name}   Member ID: {member}   Date of birth: {dob}
Medication requested: {drug}   Strength and quantity per month: {qty}
Diagnosis and ICD-10 code: {dx}
Has the member tried and failed formulary alternatives? Yes / No  List them with dates.
Prescriber name, NPI and DEA: {doctor}   Office fax for our decision: {fax}
Fax this completed form to Acme Pharmacy Services. Incomplete requests will be returned.
Clinical criteria: attach chart notes documenting severity, prior therapies and lab results.
"""


def acme(name: str, member: str, drug: str) -> str:
    return ACME_PA.format(
        name=name,
        member=member,
        dob="01/02/1960",
        drug=drug,
        qty="30",
        dx="E11.9",
        doctor="Dr. Wu 1234567890",
        fax="555-201-3344",
    )


def test_filled_values_and_digits_do_not_count() -> None:
    assert printed_pairs(acme("Ann Lee", "W1", "Ozempic")) == printed_pairs(
        acme("Ann Lee", "W99999", "Ozempic")
    )


def test_a_copy_of_a_corrected_form_takes_its_type() -> None:
    store = NearestExamples(
        [LabelledExample(acme("Ann Lee", "W1", "Ozempic"), "prior_authorization")]
    )
    near = store.nearest(acme("Bo Diaz", "X77", "Humira"))
    assert near is not None and near[0] == "prior_authorization" and near[1] >= 0.5
    assert store.nearest("PROGRESS NOTE\nSubjective: cough for three days. " * 5) is None


class _Always:
    """A model that always answers ``other``, unsure."""

    def predict(self, text: str) -> tuple[str, float]:
        return "other", 0.3


def _classifier(examples: Examples) -> Classifier:
    settings = Settings()
    return Classifier(
        _Always(),
        match_patient,
        doc_type_threshold=settings.doc_type_threshold,
        patient_threshold=settings.patient_threshold,
        examples=examples,
    )


def _acme_store() -> NearestExamples:
    return NearestExamples(
        [LabelledExample(acme("Ann Lee", "W1", "Ozempic"), "prior_authorization")]
    )


def test_the_classifier_uses_the_office_examples_before_the_model() -> None:
    classifier = _classifier(_acme_store())
    result = classifier.classify([acme("Bo Diaz", "X77", "Humira")], InMemoryRegistry())
    (segment,) = result.segments
    assert segment.doc_type == "prior_authorization"
    assert segment.doc_type_confidence >= Settings().doc_type_threshold


def test_the_examples_are_looked_up_once_a_file() -> None:
    class Counting:
        """Examples that count how often the classifier asks for them as they are now."""

        def __init__(self) -> None:
            self.store = _acme_store()
            self.lookups = 0

        def nearest(self, text: str) -> tuple[str, float] | None:
            return self.current().nearest(text)

        def current(self) -> NearestExamples:
            self.lookups += 1
            return self.store

    examples = Counting()
    pages = [acme("Bo Diaz", "X77", "Humira"), acme("Cy Roe", "Y12", "Dupixent")]
    result = _classifier(examples).classify(pages, InMemoryRegistry())
    assert examples.lookups == 1
    assert {segment.doc_type for segment in result.segments} == {"prior_authorization"}
