"""The installed `rapidrec` console script, run as a user would."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import REFERENCE

CLI = str(Path(sys.executable).with_name("rapidrec"))


def run(*args, cwd=None):
    return subprocess.run([CLI, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_help_lists_commands_with_examples():
    done = run("--help")
    assert done.returncode == 0
    for command in ("build", "render", "validate", "nma", "synthesize"):
        assert command in done.stdout
    sub = run("nma", "--help")
    assert "example:" in sub.stdout and "rapidrec nma" in sub.stdout


def test_nma_writes_the_documented_files(tmp_path):
    done = run("nma", str(REFERENCE / "data" / "senn2013.csv"), "--measure", "MD", "--reference", "placebo",
               "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "reference placebo" in done.stdout
    effects = pd.read_csv(tmp_path / "effects.csv")
    assert list(effects.columns) == ["treatment", "estimate", "se", "ci_low", "ci_high", "pi_low", "pi_high"]
    het_tau = json.loads((tmp_path / "heterogeneity.json").read_text())["tau2"] ** 0.5
    half = (effects["pi_high"] - effects["estimate"]) / (effects["se"] ** 2 + het_tau ** 2) ** 0.5
    assert np.allclose(half, 1.959963984540054, atol=1e-9) and (effects["pi_low"] < effects["ci_low"]).all()
    assert len(effects) == 9
    league = pd.read_csv(tmp_path / "league.csv")
    assert {"treat1", "treat2", "estimate", "se"} <= set(league.columns)
    het = json.loads((tmp_path / "heterogeneity.json").read_text())
    for key in ("tau2", "i2", "q", "q_df", "q_p", "q_within", "q_between", "design_by_treatment_p"):
        assert key in het
    assert (tmp_path / "nodesplit.csv").exists()


def test_nma_knapp_hartung_gives_the_r_intervals_and_says_so(tmp_path):
    """`--test knha`: effects.csv carries the Knapp-Hartung CIs of the R fixture (tests/reference/extra)."""
    from tests.conftest import load_fixture

    case = next(c for c in load_fixture("extra")["cases"] if c["id"] == "network-knha-senn2013")
    done = run("nma", str(REFERENCE / "data" / "senn2013.csv"), "--measure", "MD", "--reference", "placebo",
               "--test", "knha", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert f"Knapp-Hartung (t on {case['results']['df']} df)" in done.stdout
    effects = pd.read_csv(tmp_path / "effects.csv").set_index("treatment").loc[case["results"]["treatment"]]
    np.testing.assert_allclose(effects["ci_low"], case["results"]["ci_low"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(effects["ci_high"], case["results"]["ci_high"], rtol=0, atol=1e-6)


def test_nma_output_is_deterministic(tmp_path):
    args = [str(REFERENCE / "data" / "hasselblad1998.csv"), "--measure", "OR", "--reference", "no_contact"]
    assert run("nma", *args, "--out", str(tmp_path / "a")).returncode == 0
    assert run("nma", *args, "--out", str(tmp_path / "b")).returncode == 0
    for name in ("effects.csv", "league.csv", "heterogeneity.json", "nodesplit.csv", "ranking.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


@pytest.mark.parametrize("content, message", [
    ("study,treatment,n,mean,sd\ns1,A,10,1,1\ns1,B,10,2,0\n", "row 3 (study s1, treatment B): sd = 0.0"),
    ("study,treatment,n,mean,sd\ns1,A,10,1,1\ns1,B,10,2,1\ns2,C,10,1,1\ns2,D,10,2,1\n",
     "2 separate sub-networks: {A, B}: study s1 (rows 2, 3); {C, D}: study s2 (rows 4, 5)"),
    ("id,arm\n1,2\n", "expected arm-level columns"),
    ("study,treatment,n,mean,sd\ns1,A,10,1,1\ns1,B,10,2,1\ns2,A,10,1,1\n", "row 4 (study s2): 1 arm; expected at least 2"),
    ("study,treatment,n,mean,sd\ns1,A,10,1,1\ns1,B,10,2,1\ns1,A,12,1,1\n",
     "rows 2, 3, 4 (study s1): more than one arm of treatment A"),
    ("study,treat1,treat2,yi,se\ns1,A,B,1,0.2\ns1,A,C,1,0.2\ns1,B,C,0.1,5\n",
     "rows 2, 3, 4: the variances of study s1's contrasts imply a non-positive arm variance"),
    ("study,treat1,treat2,yi,se\ns1,A,B,1,0.2\ns1,A,C,1,0.2\n", "rows 2, 3: study s1 has 3 treatments but 2 contrast(s)"),
    ("study,treatment,n,mean,sd\ns1,A,fifty,1,1\ns1,B,10,2,1\n", "row 2 (study s1, treatment A), column n: value 'fifty'"),
    ("study,treatment,n,mean,sd\ns1,A,10,1,1\ns1,B,10,2,1_0\n", "row 3 (study s1, treatment B), column sd: value '1_0'"),
    ("study,treatment,n,events\ns1,A,30.5,5\ns1,B,30,10\n", "row 2 (study s1, treatment A): n = 30.5; expected a whole"),
    ("study,treatment,n,events\ns1,A,30,5.5\ns1,B,30,10\n", "events = 5.5; expected a whole count"),
    ("study,treatment,n,events\ns1,,30,5\ns1,B,30,10\n", "row 2 (study s1, treatment ), column treatment: empty"),
    ("study,treatment,n,mean,sd\ns1,A,50.5,1,1\ns1,B,50,2,1\n", "n = 50.5; expected a whole number of patients"),
    ("study,treat1,treat2,yi,se\ns1,A,B,1,-0.5\ns2,A,B,1,0.5\n", "row 2 (study s1), column se: value '-0.5'"),
])
def test_nma_bad_input_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "input.csv"
    path.write_text(content)
    measure = "OR" if "events" in content.split("\n")[0] else "MD"
    done = run("nma", str(path), "--measure", measure, "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert message in done.stderr
    assert not (tmp_path / "out").exists()
    assert done.stdout == ""


def test_missing_input_file_is_an_error(tmp_path):
    done = run("nma", str(tmp_path / "nope.csv"), "--measure", "MD", "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "file not found" in done.stderr


def test_nma_leaves_out_studies_without_events_and_names_them(tmp_path):
    """A 0/30 vs 0/30 study carries no information on an odds ratio: left out by default, with a message naming
    it (netmeta's and Cochrane's convention); --keep-double-zero keeps it (and its treatment)."""
    path = tmp_path / "input.csv"
    path.write_text("study,treatment,n,events\ns1,A,30,5\ns1,B,30,10\ns2,A,40,8\ns2,B,40,12\ns3,A,30,0\ns3,C,30,0\n")
    done = run("nma", str(path), "--measure", "OR", "--reference", "A", "--method", "common",
               "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "study s3 left out: no events in any arm" in done.stderr
    assert set(pd.read_csv(tmp_path / "out" / "effects.csv")["treatment"]) == {"B"}  # versus the reference A
    kept = run("nma", str(path), "--measure", "OR", "--reference", "A", "--method", "common", "--keep-double-zero",
               "--out", str(tmp_path / "kept"))
    assert kept.returncode == 0 and "left out" not in kept.stderr
    assert "C" in set(pd.read_csv(tmp_path / "kept" / "effects.csv")["treatment"])


def test_studies_without_information_by_measure():
    from analysis.effects import without_information

    arms = pd.DataFrame({"study": ["z", "z", "f", "f", "i", "i"], "treatment": ["A", "B"] * 3,
                         "n": [30, 30, 20, 20, 25, 25], "events": [0, 0, 20, 20, 3, 7]})
    assert without_information(arms, "OR") == ["f", "z"]  # no events anywhere; events in every patient
    assert without_information(arms, "RR") == ["z"]  # a risk ratio of all events is defined (log 1)
    assert without_information(arms, "RD") == []  # a risk difference of zero is information


def test_an_unreadable_path_is_a_message_not_a_traceback(tmp_path):
    folder = tmp_path / "a-folder.csv"
    folder.mkdir()  # a directory where a file should be
    done = run("nma", str(folder), "--measure", "MD", "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert str(folder) in done.stderr


def test_an_internal_error_is_one_message_with_a_hint_and_the_traceback_only_with_debug(monkeypatch, capsys):
    from analysis import cli

    def broken(args):
        raise ZeroDivisionError("division by zero")

    parser = cli.make_parser()
    monkeypatch.setattr(cli, "make_parser", lambda: parser)
    for action in parser._subparsers._group_actions[0].choices.values():
        action.set_defaults(func=broken)
    assert cli.main(["validate", "data"]) == 1
    err = capsys.readouterr().err
    assert "internal error: ZeroDivisionError: division by zero" in err and "--debug" in err
    assert "Traceback" not in err
    with pytest.raises(ZeroDivisionError):
        cli.main(["--debug", "validate", "data"])


def test_synthesize_scale_is_never_written_into_data(tmp_path):
    """A scaled dataset is for benchmarks: --scale needs an --out outside data/; refused before any work, with
    exit code 2 and nothing created."""
    (tmp_path / "data").mkdir()
    for args, expected in [(("--scale", "3"), "give --out"),
                           (("--scale", "3", "--out", "data/bench"), "never written into data/"),
                           (("--scale", "0", "--out", str(tmp_path / "x")), "whole number >= 1")]:
        done = run("synthesize", *args, cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        assert expected in done.stderr and "Traceback" not in done.stderr
    assert list((tmp_path / "data").iterdir()) == [] and not (tmp_path / "x").exists()


def test_nma_writes_rank_probabilities_and_on_request_a_rankogram(tmp_path):
    done = run("nma", str(REFERENCE / "data" / "senn2013.csv"), "--measure", "MD", "--reference", "placebo",
               "--out", str(tmp_path), "--rankogram")
    assert done.returncode == 0, done.stderr
    ranks = pd.read_csv(tmp_path / "rank_probabilities.csv")
    assert list(ranks.columns) == ["treatment", "sucra", "mean_rank", "median_rank",
                                   *(f"p_rank_{r}" for r in range(1, 11))]
    p_scores = pd.read_csv(tmp_path / "ranking.csv").set_index("treatment")["p_score"]
    assert np.allclose(ranks.set_index("treatment")["sucra"], p_scores.loc[ranks["treatment"]], atol=0.007)
    assert (tmp_path / "rankogram.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "rankogram.png" in done.stderr


def test_nma_out_never_overwrites_inputs_or_unrelated_files(tmp_path):
    """`nma --out` refuses a filesystem root, a data package, the input's own folder when the input has an
    output's name, and a directory holding other files unless --force; it may rewrite its own earlier output."""
    source = REFERENCE / "data" / "senn2013.csv"
    args = ("nma", str(source), "--measure", "MD", "--reference", "placebo", "--out")
    package = tmp_path / "package"
    package.mkdir()
    (package / "datapackage.json").write_text("{}")
    clash = tmp_path / "clash"
    clash.mkdir()
    (clash / "effects.csv").write_bytes(source.read_bytes())
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "mine.txt").write_text("mine")
    for out, extra, words in [("/", (), "filesystem root"), (package, (), "a data package"),
                              (busy, (), "holding other files (mine.txt)")]:
        done = run(*args, str(out), *extra)
        assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr, done.stderr
    done = run("nma", str(clash / "effects.csv"), "--measure", "MD", "--reference", "placebo", "--out", str(clash),
               "--force")
    assert done.returncode == 2 and "would overwrite the input" in done.stderr, done.stderr
    assert sorted(p.name for p in package.iterdir()) == ["datapackage.json"]
    assert run(*args, str(busy), "--force").returncode == 0 and (busy / "mine.txt").read_text() == "mine"
    fresh = tmp_path / "fresh"
    assert run(*args, str(fresh)).returncode == 0 and run(*args, str(fresh)).returncode == 0


def _readme_nma_section() -> str:
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    start = text.index("## Network meta-analysis of any CSV file")
    return text[start:text.index("\n## ", start + 3)]


def test_the_readme_nma_examples_run_as_written(tmp_path):
    """Each CSV example of the README's `rapidrec nma` section, saved under the name its command reads, gives
    exit 0 with that command (its `> result.json` redirect honoured)."""
    import shlex

    blocks = re.findall(r"```(csv|sh)\n(.*?)```", _readme_nma_section(), flags=re.S)
    pairs = [(blocks[i][1], blocks[i + 1][1].strip()) for i in range(0, len(blocks) - 1) if blocks[i][0] == "csv"]
    assert len(pairs) == 2
    for csv_text, command in pairs:
        words = shlex.split(command)
        assert words[:2] == ["rapidrec", "nma"]
        (tmp_path / words[2]).write_text(csv_text, encoding="utf-8")
        redirect = words.index(">") if ">" in words else None
        args = words[1:redirect] if redirect else words[1:]
        done = run(*args, cwd=tmp_path)
        assert done.returncode == 0, (command, done.stderr)
        if redirect:
            document = json.loads(done.stdout)
            assert document["heterogeneity"]["n_studies"] == len({line.split(",")[0]
                                                                  for line in csv_text.splitlines()[1:]})


def test_every_output_column_is_documented_in_the_readme(tmp_path):
    done = run("nma", str(REFERENCE / "data" / "senn2013.csv"), "--measure", "MD", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    section = _readme_nma_section()
    for name in ("effects.csv", "league.csv", "nodesplit.csv", "ranking.csv", "rank_probabilities.csv"):
        row = next(line for line in section.splitlines() if line.startswith(f"| `{name}`"))
        for column in pd.read_csv(tmp_path / name).columns:
            documented = f"`{column}`" in row or (column.startswith("p_rank_") and "`p_rank_1`" in row) or (
                name == "nodesplit.csv" and re.sub(r"^(direct|indirect|network)_", "`*_", column) + "`" in row)
            assert documented, (name, column)
    row = next(line for line in section.splitlines() if line.startswith("| `heterogeneity.json`"))
    for key in json.loads((tmp_path / "heterogeneity.json").read_text()):
        assert f"`{key}`" in row, key


def test_nma_json_is_the_files_content_and_needs_no_out(tmp_path):
    args = [str(REFERENCE / "data" / "hasselblad1998.csv"), "--measure", "OR", "--reference", "no_contact"]
    with_files = run("nma", *args, "--out", str(tmp_path / "files"), "--format", "json")
    alone = run("nma", *args, "--format", "json")
    assert with_files.returncode == 0 and alone.returncode == 0, (with_files.stderr, alone.stderr)
    assert with_files.stdout == alone.stdout
    document = json.loads(alone.stdout)
    assert (document["measure"], document["scale"], document["reference"], document["test"]) == (
        "OR", "log", "no_contact", "z")
    assert document["heterogeneity"] == json.loads((tmp_path / "files" / "heterogeneity.json").read_text())
    for name in ("effects", "league", "nodesplit", "ranking", "rank_probabilities"):
        frame = pd.read_csv(tmp_path / "files" / f"{name}.csv")
        expected = frame.astype(object).where(frame.notna(), None).to_dict("records")
        assert document[name] == expected, name
    text_without_out = run("nma", *args)
    assert text_without_out.returncode == 2 and "--out: expected an output directory" in text_without_out.stderr


def test_control_characters_from_the_data_are_shown_not_obeyed_and_any_encoding_works(tmp_path):
    """A treatment named with an escape sequence (ESC[2J clears a terminal) is printed as \\u001b[2J; an output
    encoding that cannot hold a name (PYTHONIOENCODING=ascii) gives its backslash escape, not an error."""
    path = tmp_path / "input.csv"
    path.write_text("study,treatment,n,mean,sd\ns1,a\x1b[2J,30,5,1\ns1,b\u00e9,30,6,1\n", encoding="utf-8")
    done = subprocess.run([CLI, "nma", str(path), "--measure", "MD", "--method", "common", "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, "PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout + done.stderr and "reference a\\u001b[2J" in done.stdout
    assert "b\\xe9" in done.stdout
    effects = pd.read_csv(tmp_path / "out" / "effects.csv", dtype=str, keep_default_na=False)
    assert effects["treatment"].tolist() == ["b\u00e9"]  # the files keep the name as it is


def test_names_are_the_text_in_the_file(tmp_path):
    """"NA" is a treatment's name, not a missing value; "01" and "1" are two treatments, not one number."""
    path = tmp_path / "input.csv"
    path.write_text("study,treatment,n,mean,sd\ns1,NA,30,5,1\ns1,01,30,6,1\ns2,01,40,5,1\ns2,1,40,6,1\n")
    done = run("nma", str(path), "--measure", "MD", "--method", "common", "--reference", "NA",
               "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    effects = pd.read_csv(tmp_path / "out" / "effects.csv", dtype=str, keep_default_na=False)
    assert sorted(effects["treatment"]) == ["01", "1"]
