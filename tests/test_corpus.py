"""The benchmark corpus generator: deterministic, realistic, and readable by the real parsers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # bench/ is not an installed package; the tests run from anywhere
    sys.path.insert(0, str(ROOT))

from bench import corpus, vocab  # noqa: E402
from ssg.sources import parse_file  # noqa: E402

TEXT_LAYOUTS = ("labelled", "compact", "clinconnect")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_gives_byte_identical_corpus(tmp_path):
    a = corpus.generate(25, tmp_path / "a", seed=3)
    b = corpus.generate(25, tmp_path / "b", seed=3)
    assert [p.nct_id for p in a] == [p.nct_id for p in b]
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_another_seed_gives_another_corpus(tmp_path):
    corpus.generate(10, tmp_path / "a", seed=3)
    corpus.generate(10, tmp_path / "b", seed=4)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert set(a) != set(b)  # NCT IDs (and so file names) depend on the seed
    assert list(a.values()) != list(b.values())


def test_records_spread_over_every_layout(tmp_path):
    plans = corpus.generate(10, tmp_path, seed=0)
    assert [p.layout for p in plans] == list(corpus.LAYOUTS) * 2
    suffixes = sorted(Path(p.path).suffix for p in plans)
    assert suffixes == [".json"] * 2 + [".txt"] * 6 + [".xml"] * 2


def test_unknown_layout_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown layouts"):
        corpus.generate(3, tmp_path, layouts=("labelled", "pdf"))


def test_sizes_are_realistic():
    n = 400
    plans = [corpus.plan(i, n, seed=1) for i in range(n)]
    assert len({p.nct_id for p in plans}) == n
    assert all(1 <= len(p.conditions) <= 3 and set(p.conditions) <= set(vocab.CONDITIONS) for p in plans)
    assert all(10 <= len(p.inclusion) + len(p.exclusion) <= 30 for p in plans)
    assert all(1 <= len(p.sites) <= 150 for p in plans)
    assert all(len({(s.city, s.state, s.country) for s in p.sites}) == len(p.sites) for p in plans)
    assert all(1 <= len(p.arms) <= 4 and p.interventions for p in plans)
    # Pools as the benchmark issue asks: ~300 conditions and ~2,000 sponsors, heavy-headed draws.
    assert 280 <= len(vocab.CONDITIONS) <= 320
    assert len({name for name, _ in vocab.SPONSORS}) == vocab.N_SPONSORS == 2000
    assert len({p.conditions[0] for p in plans}) > 100
    assert max(len(p.sites) for p in plans) > 80  # the long tail of large multicentre trials is there
    assert sum(len(p.sites) <= 3 for p in plans) > n // 4


@pytest.mark.parametrize("layout", corpus.LAYOUTS)
def test_real_parsers_read_what_the_generator_meant(tmp_path, layout):
    plans = corpus.generate(20, tmp_path, seed=7, layouts=(layout,))
    for p in plans:
        t = parse_file(p.path)
        where = f"{Path(p.path).name} ({layout})"
        assert [s.layout for s in t.sources] == [layout], where
        assert t.nct_id == p.nct_id, where
        assert t.title == p.title, where
        assert t.status.value == p.status, where
        assert len(t.locations) == len(p.sites), where
        lost = 1 if layout == "compact" else 0  # the compact layout loses the first item of each list
        assert len(t.eligibility.inclusion) == len(p.inclusion) - lost, where
        assert len(t.eligibility.exclusion) == len(p.exclusion) - lost, where
        # Markdown escapes ("\\>") may or may not survive a layout; the words must.
        assert t.eligibility.exclusion[-1].replace("\\", "") == p.exclusion[-1].replace("\\", ""), where
        assert t.lead_sponsor is not None and t.lead_sponsor.name.lower() == p.lead_sponsor.lower(), where
        if layout == "clinconnect":
            if p.max_age is not None and p.inclusion[0].startswith("Aged "):
                assert t.eligibility.ages_inferred, where
                assert (t.eligibility.min_age_years, t.eligibility.max_age_years) == (p.min_age, p.max_age), where
            continue
        assert t.phases == list(p.phases), where
        assert t.enrollment == p.enrollment, where
        assert t.start_date == p.start_date, where
        assert (t.eligibility.min_age_years, t.eligibility.max_age_years) == (p.min_age, p.max_age), where
        assert t.eligibility.sex == p.sex, where
        assert [s.name for s in t.sponsors] == [name for name, _ in p.sponsors], where
        assert len(t.arms) == len(p.arms) and len(t.interventions) == len(p.interventions), where
        if layout != "compact":  # the compact layout leaves the conditions section empty
            assert t.conditions == list(p.conditions), where
            assert [loc.status for loc in t.locations] == [s.status for s in p.sites], where
            assert len(t.references) == len(p.references), where


def test_cli_writes_the_records(tmp_path, capsys):
    assert corpus.main(["--n", "7", "--out", str(tmp_path / "out"), "--layouts", "ctgov_json,compact"]) == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(names) == 7 and sum(n.endswith(".json") for n in names) == 4
    assert "wrote 7 records" in capsys.readouterr().err
