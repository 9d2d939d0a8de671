"""The office's choices where the rules leave one (HIPAA.md: "make it a setting"): fees, the
42 CFR 2.32 notice version, how long a download link lives, who the practice is on its letters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from recordroom.core.errors import ConfigurationError

FeeMode = Literal["flat", "per_page"]

# 42 CFR 2.32 notices, by the version of the rule they come from. The 2024 rule (compliance from
# 2026-02-16) allows either its long statement or the short one; recordroom prints the long one.
PART2_NOTICES: dict[str, str] = {
    "2017": (
        "This information has been disclosed to you from records protected by federal "
        "confidentiality rules (42 CFR part 2). The federal rules prohibit you from making any "
        "further disclosure of information in this record that identifies a patient as having or "
        "having had a substance use disorder either directly, by reference to publicly available "
        "information, or through verification of such identification by another person unless "
        "further disclosure is expressly permitted by the written consent of the individual whose "
        "information is being disclosed or as otherwise permitted by 42 CFR part 2. A general "
        "authorization for the release of medical or other information is NOT sufficient for this "
        "purpose (see 42 CFR 2.31). The federal rules restrict any use of the information to "
        "investigate or prosecute with regard to a crime any patient with a substance use "
        "disorder, except as provided at 42 CFR 2.12(c)(5) and 2.65."
    ),
    "2024": (
        "This record which has been disclosed to you is protected by federal confidentiality "
        "rules (42 CFR part 2). These rules prohibit you from using or disclosing this record, or "
        "testimony that describes the information contained in this record, in any civil, "
        "criminal, administrative, or legislative proceedings by any Federal, State, or local "
        "authority, against the patient, unless authorized by the consent of the patient, except "
        "as provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR "
        "2.64 or 2.65. In addition, the Federal rules prohibit you from making any other use or "
        "disclosure of this record unless at least one of the following applies: (i) Further use "
        "or disclosure is expressly permitted by the written consent of the individual whose "
        "information is being disclosed in this record or as otherwise permitted by 42 CFR part "
        "2. (ii) You are a covered entity or business associate and have received the record for "
        "treatment, payment, or health care operations, or (iii) You have received the record "
        "from a covered entity or business associate as permitted by 45 CFR part 164, subparts A "
        "and E. A general authorization for the release of medical or other information is NOT "
        "sufficient to meet the required elements of written consent to further use or "
        "redisclose the record (see 42 CFR 2.31)."
    ),
}


@dataclass(frozen=True, slots=True)
class ReleasePolicy:
    """Built once by the wiring from the settings (``RECORDROOM_ROI_*``)."""

    practice_name: str = "the practice"
    practice_address: str = ""
    privacy_contact: str = "the practice's privacy officer"
    fee_mode: FeeMode = "flat"
    flat_fee_cents: int = 650  # electronic copies of records kept electronically only
    per_page_cents: int = 10  # labour and supplies per page, cost-based
    postage_cents: int = 0  # added when the copy is printed and mailed
    directive_per_page_cents: int = 10  # third-party directives (Ciox v. Azar) have their own
    directive_flat_cents: int = 650
    part2_notice_version: str = "2024"
    link_hours: int = 72
    due_days: int = 30
    max_extension_days: int = 30

    def __post_init__(self) -> None:
        if self.part2_notice_version not in PART2_NOTICES:
            known = ", ".join(PART2_NOTICES)
            raise ConfigurationError(
                f"RECORDROOM_ROI_PART2_NOTICE_VERSION {self.part2_notice_version!r} is not one of "
                f"{known}"
            )
        if self.fee_mode not in ("flat", "per_page"):
            raise ConfigurationError("RECORDROOM_ROI_FEE_MODE must be flat or per_page")
        if self.link_hours <= 0:
            raise ConfigurationError("RECORDROOM_ROI_LINK_HOURS must be at least 1")

    @property
    def part2_notice(self) -> str:
        return PART2_NOTICES[self.part2_notice_version]
