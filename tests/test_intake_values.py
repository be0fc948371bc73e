"""The HTTP intake checks delivered field values as the station does (fresh24 #3): impossible values are
refused with 422 naming each field and why, in the request's language; nothing of the upload is kept."""

from __future__ import annotations

import httpx

from test_http_intake import add_users, api, pdf, post, settle  # noqa: F401 - the module's server fixture

BAD = {"doctype": "bauantrag", "fields": {"antragsdatum": "31.02.1980", "plz": "1234"}}


def test_impossible_values_are_refused_naming_each_field(api):  # noqa: F811
    path, _ = pdf(api, 2)
    data = path.read_bytes() + b"\n% intake-values\n"  # bytes no other test sends
    r = post(api, data, meta=BAD)
    assert r.status_code == 422, r.text
    errors = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert set(errors) == {"antragsdatum", "plz"}
    assert "31.02.1980" in errors["antragsdatum"] and "kein gültiges Datum" in errors["antragsdatum"]
    assert "fünf Ziffern" in errors["plz"]
    en = post(api, data, meta=BAD, headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert en.status_code == 422
    assert "five digits" in {e["field"]: e["message"] for e in en.json()["errors"]}["plz"]
    assert not list((api["wd"] / "api" / "incoming").iterdir())
    # nothing was taken: the same bytes with good values are a new document (202), not a duplicate
    good = {"doctype": "bauantrag", "fields": {"antragsdatum": "2.3.1980", "plz": {"value": "12345",
                                                                                    "confidence": 0.9}}}
    ok = post(api, data, meta=good)
    assert ok.status_code == 202, ok.text
    got = settle(api, ok.json()["id"])
    assert got["fields"]["antragsdatum"]["value"] == "02.03.1980"  # normalised as the station stores it
    assert got["fields"]["plz"]["value"] == "12345"


def test_invalid_metadata_is_a_json_error_list(api):  # noqa: F811
    path, _ = pdf(api, 1)
    r = post(api, path.read_bytes(), meta={"channel": "Bad Channel!"})
    assert r.status_code == 422
    body = r.json()
    assert body["errors"][0]["loc"] == ["metadata", "channel"] and body["errors"][0]["message"]
    assert "{'loc'" not in r.text
    r = httpx.post(api["url"] + "/api/v1/documents", files={"file": ("a.pdf", path.read_bytes())},
                   data={"metadata": "{kein json"}, headers=api["bot"], timeout=60)
    assert r.status_code == 422 and r.json()["errors"]


def test_the_top_level_file_number_is_checked_as_the_field_is(api):  # noqa: F811 - fresh25 #3
    path, _ = pdf(api, 3)
    data = path.read_bytes() + b"\n% top-level-az\n"
    for meta in ({"doctype": "bauantrag", "aktenzeichen": "63-BA\n<script>x</script>"},
                 {"doctype": "bauantrag", "fields": {"aktenzeichen": "63-BA\n<x>"}}):
        r = post(api, data, meta=meta)
        assert r.status_code == 422, r.text
        assert [e["field"] for e in r.json()["errors"]] == ["aktenzeichen"]
    assert not list((api["wd"] / "api" / "incoming").iterdir())


def test_length_and_type_errors_are_german_one_line_per_field(api):  # noqa: F811 - mend8 #4
    """pydantic's checks (lengths, types, ranges, unknown keys) answer as the value checks do: one German line per
    field (English with Accept-Language: en), a one-line detail naming them; never pydantic's English."""
    path, _ = pdf(api, 1)
    data = path.read_bytes()
    meta = {"aktenzeichen": "A" * 201, "reference": 7,
            "fields": {"plz": [1, 2], "ort": {"value": "x" * 2001}, "nachname": {"value": "Roth", "confidence": 1.5}}}
    r = post(api, data, meta=meta)
    assert r.status_code == 422, r.text
    errors = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert errors == {"metadata.aktenzeichen": "höchstens 200 Zeichen", "metadata.reference": "ein Text wird erwartet",
                      "metadata.fields.plz": "ein Wert anderer Art wird erwartet (ein Text oder eine Zahl)",
                      "metadata.fields.ort.value": "höchstens 2000 Zeichen",
                      "metadata.fields.nachname.confidence": "höchstens 1"}, r.text
    detail = r.json()["detail"]
    assert detail.startswith("Die Anfrage passt nicht: metadata.aktenzeichen: höchstens 200 Zeichen; ")
    assert "\n" not in detail
    assert "should" not in r.text and "Roth" not in r.text and "AAAA" not in r.text  # no pydantic English, no values
    en = post(api, data, meta={"channel": "Bad Channel!", "unbekannt": 1}, headers={"Accept-Language": "en"})
    assert {e["field"]: e["message"] for e in en.json()["errors"]} == {
        "metadata.channel": "not in the expected form (lower-case letters, digits, - and _)",
        "metadata.unbekannt": "not a known key"}
    bad_json = httpx.post(api["url"] + "/api/v1/documents", files={"file": ("a.pdf", data)},
                          data={"metadata": "{kein json"}, headers=api["bot"], timeout=60)
    assert bad_json.json()["errors"] == [{"field": "metadata", "message": "kein gültiges JSON", "loc": ["metadata"]}]
    assert not list((api["wd"] / "api" / "incoming").iterdir())
