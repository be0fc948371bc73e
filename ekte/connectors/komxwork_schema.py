"""The XSD of komXwork's index and batch manifest (:mod:`ekte.connectors.komxwork`)
for an element mapping; ``schemas/hotfolder-index-1.xsd`` is the one for the
default mapping."""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from lxml.builder import ElementMaker

from ekte.connectors.common import RECORD_KEYS

NS = "urn:ekte:hotfolder:1"
XS = "http://www.w3.org/2001/XMLSchema"
#: the index element that references a scan's transfer note (not configurable, like ``Felder``)
NOTE_ELEMENT = "Transfervermerk"
#: record keys that every index must carry
REQUIRED = ("uuid", "file", "sha256", "doctype")


def _xsd_type(key: str) -> str:
    t = RECORD_KEYS[key]
    return {"string": "xs:string", "date": "xs:date", "dateTime": "xs:dateTime", "integer": "xs:nonNegativeInteger",
            "decimal": "xs:decimal", "sha256": "e:SHA256"}[t]


def schema_for(elements: dict[str, str]) -> bytes:
    """The XSD of the index and the manifest for an element mapping."""
    E = ElementMaker(namespace=XS, nsmap={"xs": XS, "e": NS})  # noqa: N806
    seq = [E.element(name=name, type=_xsd_type(key), **({} if key in REQUIRED else {"minOccurs": "0"}))
           for name, key in elements.items()]
    felder = E.element(
        E.complexType(E.sequence(E.element(
            E.complexType(E.simpleContent(E.extension(E.attribute(name="name", type="xs:NCName", use="required"),
                                                      base="xs:string"))),
            name="Feld", minOccurs="0", maxOccurs="unbounded"))),
        name="Felder", minOccurs="0")
    note = E.element(
        E.complexType(E.simpleContent(E.extension(E.attribute(name="sha256", type="e:SHA256", use="required"),
                                                  base="xs:string"))),
        name=NOTE_ELEMENT, minOccurs="0")
    entry = E.element(
        E.complexType(
            E.attribute(name="dokumentID", type="xs:string", use="required"),
            E.attribute(name="datei", type="xs:string", use="required"),
            E.attribute(name="index", type="xs:string", use="required"),
            E.attribute(name="sha256", type="e:SHA256", use="required"),
        ),
        name="Eintrag", maxOccurs="unbounded")
    schema = E.schema(
        E.simpleType(E.restriction(E.pattern(value="[0-9a-f]{64}"), base="xs:string"), name="SHA256"),
        E.element(E.complexType(E.sequence(*seq, note, felder),
                                E.attribute(name="version", type="xs:string", use="required")), name="Index"),
        E.element(E.complexType(E.sequence(entry),
                                E.attribute(name="id", type="xs:string", use="required"),
                                E.attribute(name="erstellt", type="xs:dateTime", use="required"),
                                E.attribute(name="anzahl", type="xs:positiveInteger", use="required")), name="Stapel"),
        targetNamespace=NS, elementFormDefault="qualified", version="1",
    )
    return etree.tostring(schema, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def shipped_schema_path() -> Path:
    return Path(__file__).with_name("schemas") / "hotfolder-index-1.xsd"
