"""`ssg parse` as a user runs it: a subprocess, JSON on stdout, errors on stderr, exit status."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from conftest import ROOT, TEST_DATA, seed
from ssg.model import Trial

V2 = TEST_DATA / "ctgov" / "v2"
XML = TEST_DATA / "ctgov" / "xml"


def ssg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ssg", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8")


def test_folder_prints_every_record_as_model_dumps():
    run = ssg("parse", "--json", V2)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    records = json.loads(run.stdout)
    assert isinstance(records, list)
    assert sorted(r["nct_id"] for r in records) == sorted(p.stem for p in V2.glob("*.json"))
    for record in records:
        assert set(record) == set(Trial.model_fields)
        assert record["sources"][0]["layout"] == "ctgov_json"
        # a dump reads back into the same model: the JSON is the contract, not a summary
        assert Trial.model_validate(record).model_dump(mode="json") == record


def test_one_bad_record_fails_the_run_but_the_good_ones_still_print(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    shutil.copy(V2 / "NCT00000410.json", folder / "a.json")
    shutil.copy(XML / "NCT00001177.xml", folder / "b.xml")
    shutil.copy(seed("001"), folder / "c.txt")
    broken = folder / "d.json"
    broken.write_text((V2 / "NCT05962437.json").read_text("utf-8")[:4000], encoding="utf-8")
    run = ssg("parse", "--json", folder)
    assert run.returncode == 1
    records = json.loads(run.stdout)
    assert [r["nct_id"] for r in records] == ["NCT00000410", "NCT00001177", "NCT07110090"]
    assert [r["sources"][0]["layout"] for r in records] == ["ctgov_json", "ctgov_xml", "clinconnect"]
    assert str(broken) in run.stderr and "invalid JSON" in run.stderr and "line " in run.stderr
    assert "1 of 4 records failed" in run.stderr
    assert "Traceback" not in run.stderr


def test_files_and_folders_mix_and_a_missing_path_is_an_error(tmp_path):
    missing = tmp_path / "nope.json"
    run = ssg("parse", "--json", XML / "NCT00002475.xml", seed("000"), missing)
    assert run.returncode == 1
    assert [r["nct_id"] for r in json.loads(run.stdout)] == ["NCT00002475", "NCT06991478"]
    assert str(missing) in run.stderr and "Traceback" not in run.stderr


def test_every_kind_of_bad_file_is_one_line_on_stderr(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "latin1.txt").write_bytes("Caf\u00e9 trial\nNCT ID: NCT01234567\n".encode("latin-1"))
    (tmp_path / "bomb.xml").write_bytes(b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><clinical_study/>')
    (tmp_path / "types.json").write_text(json.dumps({"protocolSection": {"identificationModule": {
        "nctId": "NCT01234567", "briefTitle": "T"}, "designModule": {"phases": [1]}}}))
    run = ssg("parse", "--json", tmp_path)
    assert run.returncode == 1
    assert json.loads(run.stdout) == []
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 5
    assert "$.protocolSection.designModule.phases[0]" in run.stderr
    assert "5 of 5 records failed" in run.stderr
    assert "Traceback" not in run.stderr


def test_without_json_one_line_per_record():
    run = ssg("parse", XML)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    assert len(lines) == len(list(XML.glob("*.xml")))
    assert all(line.startswith("NCT") and "ctgov_xml" in line for line in lines)
