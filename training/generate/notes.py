"""Short clinical notes, for documents with headers the patient bench needs; not trained on."""

from __future__ import annotations

import random

from recordroom.core import Patient
from training.generate.common import Builder

# Short clinical notes, for documents with headers the patient bench needs; not used in training.
NOTE_LINES: dict[str, tuple[str, ...]] = {
    "imaging_report": ("RADIOLOGY REPORT", "EXAM: Chest x-ray, two views", "FINDINGS: Lungs clear.",
                       "IMPRESSION: No acute cardiopulmonary process."),
    "consult_note": ("CONSULTATION", "REASON FOR CONSULTATION: Chest pain.",
                     "HISTORY OF PRESENT ILLNESS: Intermittent pain for two weeks.",
                     "ASSESSMENT AND PLAN: Stress test; follow up in clinic."),
    "progress_note": ("OFFICE VISIT", "SUBJECTIVE: Feeling better.", "OBJECTIVE: BP 128/80.",
                      "ASSESSMENT: Hypertension, controlled.", "PLAN: Continue lisinopril."),
    "discharge_summary": ("DISCHARGE SUMMARY", "ADMISSION DIAGNOSIS: Pneumonia.",
                          "HOSPITAL COURSE: Treated with IV antibiotics, improved.",
                          "DISCHARGE MEDICATIONS: Amoxicillin.", "FOLLOW UP: PCP in one week."),
    "operative_report": ("OPERATIVE REPORT", "PREOPERATIVE DIAGNOSIS: Cholelithiasis.",
                         "PROCEDURE: Laparoscopic cholecystectomy.", "ANESTHESIA: General.",
                         "ESTIMATED BLOOD LOSS: Minimal."),
    "ed_note": ("EMERGENCY DEPARTMENT REPORT", "CHIEF COMPLAINT: Fall.",
                "ED COURSE: X-ray negative, pain controlled.", "DISPOSITION: Discharged home."),
    "correspondence": ("Dear Dr. Reyes,", "Thank you for referring this patient to our clinic.",
                       "I saw her today and agree with your plan.", "Sincerely,"),
    "other": ("NOTICE OF PRIVACY PRACTICES ACKNOWLEDGEMENT",
              "I acknowledge that I received the notice of privacy practices.", "Signature:"),
}  # fmt: skip


def _note(doc_type: str) -> Builder:
    def build(rng: random.Random, patient: Patient, lang: str) -> list[str]:
        return list(NOTE_LINES[doc_type])

    return build
