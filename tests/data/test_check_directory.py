"""The directory check: every fact and requirement names its seed file and the words."""

import copy

import pytest
import yaml

from passerelle.data import check_directory
from passerelle.organisations.seed import problems, read_directory

THUIN_SEED = "003_233dd5a4b08aac1c.txt"


def thuin(data) -> dict:
    organisation = next(o for o in data["organisations"] if o["slug"] == "cpas-thuin")
    return organisation["programmes"][0]


def test_the_shipped_directory_names_a_source_for_everything():
    assert problems(read_directory(), complete=True) == []


def test_a_fact_without_a_source_fails_the_check():
    data = read_directory()
    del thuin(data)["sources"]["families_count"]
    assert problems(data) == [
        "cpas-thuin/cpas-thuin-parrainage: 'families_count' names no source: add "
        "sources.families_count with the seed file and the words it rests on"]


def test_a_requirement_without_a_source_fails_the_check():
    data = read_directory()
    ciré = next(o for o in data["organisations"] if o["slug"] == "cire")
    ciré["programmes"][0]["requirements"] = {"interview": True}
    assert any("'interview' names no source" in problem for problem in problems(data))


@pytest.mark.parametrize(("source", "message"), [
    ({"seed": "003", "quote": "neuf familles"}, "seed '003' is not one of"),
    ({"seed": THUIN_SEED, "quote": ""}, "quote the words of the seed"),
    ({"seed": THUIN_SEED}, "must be {seed: FILE, quote: WORDS}"),
])
def test_a_source_names_a_seed_file_and_quotes_it(source, message):
    data = read_directory()
    thuin(data)["sources"]["families_count"] = source
    assert any(message in problem for problem in problems(data))


def test_the_command_fails_on_an_entry_that_names_no_source(tmp_path, capsys):
    data = read_directory()
    del thuin(data)["sources"]
    path = tmp_path / "directory.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert check_directory.main(["check_directory", str(path)]) == 1
    assert "'families_count' names no source" in capsys.readouterr().out


def test_with_the_seed_texts_every_quote_must_be_in_its_file(tmp_path, capsys):
    data = read_directory()
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    quotes = {name: [] for name in check_directory.SEED_FILES}
    for organisation in data["organisations"]:
        refs = [*(organisation.get("sources") or {}).values()]
        for programme in organisation["programmes"]:
            refs.extend((programme.get("sources") or {}).values())
        for ref in refs:
            quotes[ref["seed"]].append(ref["quote"])
    for name, found in quotes.items():
        (seeds / name).write_text("\n".join(found), encoding="utf-8")
    path = tmp_path / "directory.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert check_directory.main(["check_directory", "--seeds", str(seeds), str(path)]) == 0
    changed = copy.deepcopy(data)
    thuin(changed)["sources"]["families_count"]["quote"] = "notre CPAS accueille dix familles"
    path.write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
    assert check_directory.main(["check_directory", "--seeds", str(seeds), str(path)]) == 1
    assert "not in 003_233dd5a4b08aac1c.txt" in capsys.readouterr().out


def test_a_corrected_contact_must_differ_from_what_is_printed():
    data = read_directory()
    exil = next(o for o in data["organisations"] if o["slug"] == "exil")
    exil["printed"] = {"website": exil["website"]}
    assert any("nothing was corrected" in problem for problem in problems(data))


def test_audiences_come_from_the_fixed_list():
    data = read_directory()
    thuin(data)["audiences"] = ["aliens"]
    assert any("audience 'aliens' is not one of" in problem for problem in problems(data))
