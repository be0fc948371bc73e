"""Every reason verify and the export's check give about a field has its German words for the clerk
(serve/messages.DAMAGE), the two of fresh38 F16 too ("…no longer holds it", "…another method")."""

from __future__ import annotations

import pytest

from ekte.serve import messages

REASONS = ["field iban: metadata.json holds a value no audit entry set",
           "field iban: metadata.json holds another value than the audit trail set",
           "field iban: metadata.json names another method than the audit entry that set it",
           "field iban: the audit trail set it, metadata.json no longer holds it"]


@pytest.mark.parametrize("reason", REASONS)
def test_each_field_reason_is_known_and_german(reason):
    assert any(p.fullmatch(reason) for p, _m in messages.DAMAGE), reason
    de = messages.damage_reasons(reason, "de")
    assert de.startswith("Feld iban: ") and "audit" not in de, de
