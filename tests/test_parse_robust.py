"""Bad input of every kind: the only outcomes are a Trial or a ParseError naming the file.

Property tests (hypothesis) feed random bytes, truncated and shuffled seed pages,
mutated API v2 JSON and mutated legacy XML through ``decode`` + ``parse_text``,
the same path ``ssg parse`` takes. Explicit cases check the message and the place.
"""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEEDS, TEST_DATA, seed
from ssg.errors import ParseError
from ssg.model import Trial
from ssg.sources import decode, parse_file, parse_text

PATH = "content/trials/fuzzed.txt"
PROPERTY = settings(deadline=None, max_examples=200, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SEED_TEXTS = [p.read_text("utf-8") for p in SEEDS]
SMALL_V2 = [json.loads(p.read_text("utf-8")) for p in sorted((TEST_DATA / "ctgov" / "v2").glob("*.json"))
            if p.stat().st_size < 16_000]
SMALL_XML = [p.read_text("utf-8") for p in sorted((TEST_DATA / "ctgov" / "xml").glob("*.xml"))
             if p.stat().st_size < 20_000]


def outcome(data: bytes | str, path: str = PATH) -> Trial | ParseError:
    """Parse as ``ssg parse`` would; anything but a Trial or a ParseError fails the test."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    try:
        result = parse_text(decode(raw, path), path)
    except ParseError as e:
        assert e.path == path, e
        assert e.problem.strip(), e
        assert path in str(e)
        # parse_text turns a parser's stray KeyError/TypeError/... into "could not read ...":
        # that is a parser bug caught by the safety net, not a message we meant to give.
        assert not e.problem.startswith("could not read"), e
        return e
    assert isinstance(result, Trial)
    assert result.sources and result.sources[0].path == path
    return result


# ---------------------------------------------------------------- property tests

@PROPERTY
@given(st.binary(max_size=4096))
def test_random_bytes(data):
    outcome(data)


@PROPERTY
@given(st.sampled_from(range(len(SEED_TEXTS))), st.data())
def test_truncated_seed_pages(index, data):
    text = SEED_TEXTS[index]
    cut = data.draw(st.integers(0, len(text)))
    outcome(text[:cut])
    outcome(text[cut:])


@PROPERTY
@given(st.sampled_from(range(len(SEED_TEXTS))), st.randoms(use_true_random=False), st.data())
def test_shuffled_and_damaged_seed_pages(index, rnd, data):
    lines = SEED_TEXTS[index].split("\n")
    how = data.draw(st.sampled_from(["shuffle", "drop", "duplicate", "swap_blocks"]))
    if how == "shuffle":
        rnd.shuffle(lines)
    elif how == "drop":
        keep = data.draw(st.floats(0.1, 0.95))
        lines = [line for line in lines if rnd.random() < keep]
    elif how == "duplicate":
        i = rnd.randrange(len(lines))
        lines[i:i] = lines[i: i + rnd.randrange(1, 40)]
    else:
        a, b = sorted(rnd.sample(range(len(lines)), 2))
        lines = lines[a:] + lines[:a] if rnd.random() < 0.5 else lines[:a] + lines[b:] + lines[a:b]
    outcome("\n".join(lines))


@PROPERTY
@given(st.sampled_from(range(len(SEED_TEXTS))), st.data())
def test_seed_pages_with_inserted_junk(index, data):
    text = SEED_TEXTS[index]
    at = data.draw(st.integers(0, len(text)))
    junk = data.draw(st.text(max_size=200))
    outcome(text[:at] + junk + text[at:])


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def _slots(node, out):
    """Every (container, key) in a JSON tree, so a mutation can hit any of them."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        out.append((node, key))
        _slots(value, out)
    return out


@st.composite
def mutated_json(draw) -> str:
    study = copy.deepcopy(draw(st.sampled_from(SMALL_V2)))
    for _ in range(draw(st.integers(1, 4))):
        # Pick a module first, then a place in it, so that small modules get hit as often as big ones.
        ps = study.get("protocolSection")
        modules = [study] + ([m for m in ps.values() if isinstance(m, dict)] if isinstance(ps, dict) else [])
        slots = _slots(draw(st.sampled_from(modules)), [])
        if not slots:
            continue
        container, key = draw(st.sampled_from(slots))
        if draw(st.booleans()):
            container.pop(key) if isinstance(container, dict) else container.pop(key)
        else:
            container[key] = draw(JSON_VALUES)
    text = json.dumps(study, indent=draw(st.sampled_from([None, 2])))
    if draw(st.integers(0, 3)) == 0:
        text = text[: draw(st.integers(0, len(text)))]
    return text


@PROPERTY
@given(mutated_json())
def test_mutated_json(text):
    outcome(text, "content/trials/mutated.json")


@st.composite
def mutated_xml(draw) -> str:
    root = ET.fromstring(draw(st.sampled_from(SMALL_XML)))
    for _ in range(draw(st.integers(1, 4))):
        elements = [(parent, child) for parent in root.iter() for child in parent]
        parent, child = draw(st.sampled_from(elements))
        how = draw(st.sampled_from(["remove", "text", "duplicate", "empty"]))
        if how == "remove":
            parent.remove(child)
        elif how == "text":
            child.text = draw(st.text(max_size=40).filter(lambda s: "\x00" not in s))
        elif how == "duplicate":
            parent.append(copy.deepcopy(child))
        else:
            child.clear()
    text = ET.tostring(root, encoding="unicode")
    if draw(st.integers(0, 3)) == 0:
        text = text[: draw(st.integers(0, len(text)))]
    return text


@PROPERTY
@given(mutated_xml())
def test_mutated_xml(text):
    outcome(text, "content/trials/mutated.xml")


# ---------------------------------------------------------------- explicit bad files

def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def parse_error(path: str) -> ParseError:
    with pytest.raises(ParseError) as e:
        parse_file(path)
    assert e.value.path == path
    assert path in str(e.value)
    return e.value


def test_empty_file(tmp_path):
    e = parse_error(write(tmp_path, "empty.json", b""))
    assert "empty" in e.problem
    assert "empty" in parse_error(write(tmp_path, "blank.txt", b"  \n\n \t\n")).problem


def test_binary_file(tmp_path):
    e = parse_error(write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))))
    assert "binary" in e.problem


def test_latin1_file_names_the_line(tmp_path):
    text = seed("000").read_text("utf-8").replace("Patients", "Pati\u00e9nts", 1)
    e = parse_error(write(tmp_path, "latin1.txt", text.encode("latin-1", "replace")))
    assert "UTF-8" in e.problem
    assert e.where == "line 1"  # the é is in the title


def test_truncated_json_names_line_and_column(tmp_path):
    text = (TEST_DATA / "ctgov" / "v2" / "NCT00000410.json").read_text("utf-8")
    e = parse_error(write(tmp_path, "cut.json", text[:5000].encode()))
    assert "invalid JSON" in e.problem
    line = text[:5000].count("\n") + 1
    assert e.where.startswith(f"line {line}, column ")


def test_truncated_xml_names_line_and_column(tmp_path):
    text = (TEST_DATA / "ctgov" / "xml" / "NCT00001177.xml").read_text("utf-8")
    e = parse_error(write(tmp_path, "cut.xml", text[:3000].encode()))
    assert "invalid XML" in e.problem
    assert e.where.startswith("line ")


def test_half_a_page(tmp_path):
    """The first half keeps the title and NCT ID: a Trial with less in it. The second half has neither."""
    text = seed("003").read_text("utf-8")
    lines = text.split("\n")
    head = "\n".join(lines[: len(lines) // 2])
    trial = parse_file(write(tmp_path, "head.txt", head.encode()))
    assert trial.nct_id == "NCT07177911"
    e = parse_error(write(tmp_path, "tail.txt", "\n".join(lines[len(lines) // 2:]).encode()))
    assert e.problem


def test_five_megabyte_files(tmp_path):
    junk = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 20 + "\n") * 4600
    assert len(junk) > 5_000_000
    parse_error(write(tmp_path, "big.txt", junk.encode()))
    # A real record with a 5 MB description is still a record.
    study = json.loads((TEST_DATA / "ctgov" / "v2" / "NCT00000410.json").read_text("utf-8"))
    study["protocolSection"]["descriptionModule"]["detailedDescription"] = junk
    trial = parse_file(write(tmp_path, "big.json", json.dumps(study).encode()))
    assert len(trial.detailed_description) > 5_000_000


MINIMAL = {"protocolSection": {"identificationModule": {"nctId": "NCT01234567", "briefTitle": "A small study"}}}


@pytest.mark.parametrize(("change", "where", "words"), [
    (lambda s: s["protocolSection"]["identificationModule"].pop("nctId"),
     "$.protocolSection.identificationModule.nctId", "NCT ID"),
    (lambda s: s["protocolSection"]["identificationModule"].pop("briefTitle"),
     "$.protocolSection.identificationModule.briefTitle", "title"),
    (lambda s: s["protocolSection"]["identificationModule"].update(briefTitle="   "),
     "$.protocolSection.identificationModule.briefTitle", "title"),
    (lambda s: s["protocolSection"]["identificationModule"].update(nctId="NCT123"),
     "$.protocolSection.identificationModule.nctId", "NCT ID"),
    (lambda s: s["protocolSection"].update(designModule={"phases": [3]}),
     "$.protocolSection.designModule.phases[0]", "phase"),
    (lambda s: s["protocolSection"].update(designModule={"phases": ["PHASE9"]}),
     "$.protocolSection.designModule.phases[0]", "phase"),
    (lambda s: s["protocolSection"].update(designModule={"phases": "PHASE1"}),
     "$.protocolSection.designModule.phases", "list"),
    (lambda s: s["protocolSection"].update(designModule={"enrollmentInfo": {"count": "many"}}),
     "$.protocolSection.designModule.enrollmentInfo.count", "whole number"),
    (lambda s: s["protocolSection"].update(statusModule={"overallStatus": "PAUSED"}),
     "$.protocolSection.statusModule.overallStatus", "status"),
    (lambda s: s["protocolSection"].update(statusModule={"startDateStruct": {"date": "soon"}}),
     "$.protocolSection.statusModule.startDateStruct.date", "date"),
    (lambda s: s["protocolSection"].update(eligibilityModule={"minimumAge": "eighteen"}),
     "$.protocolSection.eligibilityModule.minimumAge", "age"),
    (lambda s: s["protocolSection"].update(contactsLocationsModule={"locations": [{"city": "Oslo"}, "Bergen"]}),
     "$.protocolSection.contactsLocationsModule.locations[1]", "object"),
    (lambda s: s["protocolSection"].update(armsInterventionsModule={"armGroups": [{"type": "EXPERIMENTAL"}]}),
     "$.protocolSection.armsInterventionsModule.armGroups[0].label", "arm label"),
    (lambda s: s.update(protocolSection=[]), "$.protocolSection", "object"),
    (lambda s: s.update(hasResults="maybe"), "$.hasResults", "true or false"),
])
def test_wrong_json_names_the_json_path(tmp_path, change, where, words):
    study = copy.deepcopy(MINIMAL)
    change(study)
    path = write(tmp_path, "bad.json", json.dumps(study).encode())
    e = parse_error(path)
    assert e.where == where
    assert words in e.problem
    assert f"{path}:{where}: " in str(e)


def test_json_that_is_not_a_study(tmp_path):
    assert "protocolSection" in parse_error(write(tmp_path, "a.json", b'{"studies_v1": []}')).problem
    assert "list of 0" in parse_error(write(tmp_path, "b.json", b"[]")).problem


def test_xml_entity_declarations_are_refused(tmp_path):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            b"<clinical_study><id_info><nct_id>NCT01234567</nct_id></id_info>"
            b"<brief_title>&lol2;</brief_title></clinical_study>")
    e = parse_error(write(tmp_path, "bomb.xml", bomb))
    assert "DOCTYPE" in e.problem and e.where == "line 1"
    external = b'<?xml version="1.0"?>\n<!DOCTYPE x SYSTEM "file:///etc/passwd"><clinical_study/>'
    assert parse_error(write(tmp_path, "ext.xml", external)).where == "line 2"


@pytest.mark.parametrize(("xml", "words"), [
    (b"<html><body>Not a trial</body></html>", "clinical_study"),
    (b"<clinical_study><brief_title>No id</brief_title></clinical_study>", "NCT ID"),
    (b"<clinical_study><id_info><nct_id>NCT01234567</nct_id></id_info></clinical_study>", "title"),
    (b"<clinical_study><id_info><nct_id>NCT01234567</nct_id></id_info><brief_title>T</brief_title>"
     b"<enrollment>lots</enrollment></clinical_study>", "whole number"),
    (b"<clinical_study><id_info><nct_id>NCT01234567</nct_id></id_info><brief_title>T</brief_title>"
     b"<phase>Phase 7</phase></clinical_study>", "phase"),
])
def test_wrong_xml_names_the_element(tmp_path, xml, words):
    e = parse_error(write(tmp_path, "bad.xml", b'<?xml version="1.0"?>\n' + xml))
    assert words in e.problem
    assert e.where and e.where.startswith("/")
