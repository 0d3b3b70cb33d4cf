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


def test_the_readme_tree_names_every_package_and_every_path_it_names_exists():
    import re

    readme = (REPO / "README.md").read_text("utf-8")
    tree = readme.split("## 目录", 1)[1].split("```")[1]
    packages = {init.parent for top in ("assistant", "vectorstore") for init in (REPO / top).rglob("__init__.py")}
    missing = sorted(str(p.relative_to(REPO)) for p in packages if f"{p.name}/" not in tree)
    assert not missing, f"README 目录 lacks: {missing}"
    named = set(re.findall(r"`((?:assistant|vectorstore|bench|tests|scripts)/[\w/.]+?)`", readme))
    assert named and not [path for path in named if not (REPO / path.rstrip("/")).exists()]
