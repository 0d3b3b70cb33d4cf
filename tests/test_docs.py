"""The README documents every setting and the two commands."""

from assistant.settings import Settings
from tests.conftest import REPO


def test_every_setting_is_in_the_readme_table():
    readme = (REPO / "README.md").read_text("utf-8")
    missing = [name for name in Settings.model_fields if f"`POLICYQA_{name.upper()}`" not in readme]
    assert not missing, f"README settings table lacks: {missing}"


def test_every_setting_has_a_description():
    assert all(field.description for field in Settings.model_fields.values())


def test_readme_names_the_two_commands_and_ci_runs_the_test_one():
    readme = (REPO / "README.md").read_text("utf-8")
    assert "./run.sh" in readme and "./test.sh" in readme
    assert (REPO / ".ci" / "run").read_text().strip().splitlines()[-1] == "./test.sh"
    assert "POLICYQA_SLOW_TESTS" in readme


def test_readme_shows_the_faces_and_its_screenshot_exists():
    readme = (REPO / "README.md").read_text("utf-8")
    for needle in ("policyqa serve", "/api/ask", "/v1/chat/completions", "from openai import OpenAI", "curl ",
                   "POLICYQA_API_TOKEN", "chroma run", "pip install -e '.[local]'"):
        assert needle in readme, needle
    screenshot = readme.split("](docs/")[1].split(")")[0]
    assert (REPO / "docs" / screenshot).stat().st_size > 10_000


def test_run_sh_serves_by_default():
    assert "policyqa serve" in (REPO / "run.sh").read_text()
