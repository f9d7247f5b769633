"""cmudict's syllable counts read from a table kept in the build cache (ssg.plain.readability)."""

from __future__ import annotations

import pickle

import pytest
import textstat

from ssg.plain import readability

WORDS = ["warm", "the", "participants", "hypercholesterolemia", "lupus", "fire", "ibuprofen",
         "xyzzyq", "mannheim", "schizophrenia", "radiotherapy", "a", "zzz"]


@pytest.fixture
def table_in(tmp_path, monkeypatch):
    """readability with its dictionaries unloaded and its table kept in tmp_path."""
    monkeypatch.setattr(readability, "TABLE_FOLDER", str(tmp_path))
    monkeypatch.setattr(readability, "_WORD_SYLLABLES", {})
    readability._dictionaries.cache_clear()
    readability.sentence_counts.cache_clear()  # counts of sentences seen before would skip the table
    yield tmp_path
    readability._dictionaries.cache_clear()
    readability.sentence_counts.cache_clear()


def test_counts_from_the_table_are_textstats(table_in):
    assert [readability.syllable_count(w) for w in WORDS] == [textstat.syllable_count(w) for w in WORDS]
    (saved,) = table_in.glob("syllables-*.pickle")
    table = pickle.loads(saved.read_bytes())
    assert table["participants"] == textstat.syllable_count("participants") == 4
    assert "xyzzyq" not in table  # not in cmudict: pyphen counts it, as in textstat


def test_a_kept_table_is_read_without_cmudict(table_in, monkeypatch):
    readability.syllable_count("warm")  # makes the table
    readability._dictionaries.cache_clear()
    readability.sentence_counts.cache_clear()
    monkeypatch.setattr(readability, "_WORD_SYLLABLES", {})

    def no_cmudict(lang):
        raise AssertionError("cmudict read although the table was kept")

    monkeypatch.setattr(readability, "get_cmudict", no_cmudict)
    assert readability.syllable_count("participants") == textstat.syllable_count("participants")


def test_a_damaged_table_is_made_again(table_in):
    readability.syllable_count("warm")
    (saved,) = table_in.glob("syllables-*.pickle")
    saved.write_bytes(b"not a pickle")
    readability._dictionaries.cache_clear()
    readability.sentence_counts.cache_clear()
    readability._WORD_SYLLABLES.clear()
    assert readability.syllable_count("schizophrenia") == textstat.syllable_count("schizophrenia")
    assert pickle.loads(saved.read_bytes())["schizophrenia"] == textstat.syllable_count("schizophrenia")
