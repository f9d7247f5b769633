"""content/site.toml: validated, and every problem names the key."""

import pytest

from ssg.config import ConfigError, SiteConfig, load_config, parse_config
from conftest import CONTENT

GOOD = '''
title = "Trials"
base_url = "https://org.github.io/repo"
language = "en-GB"
description = "Plain summaries"
[contact]
email = "a@example.org"
'''


def test_project_site_toml_is_valid():
    config = load_config(CONTENT / "site.toml")
    assert config.title and config.base_url.endswith("/") and config.language == "en"


def test_good_config_and_trailing_slash():
    config = parse_config(GOOD)
    assert config == SiteConfig(title="Trials", base_url="https://org.github.io/repo/", language="en-GB",
                                description="Plain summaries", contact={"email": "a@example.org"})


def test_base_url_override():
    assert parse_config(GOOD, base_url="https://x.github.io/other/").base_url == "https://x.github.io/other/"


@pytest.mark.parametrize("text, message", [
    ('title = "T"\ntitel = "T"', "content/site.toml: unknown key 'titel'"),
    ('title = "T"\nbase_url = "ftp://x/"', "content/site.toml: base_url: must be an absolute http(s) URL"),
    ('title = "T"\nbase_url = "/repo/"', "content/site.toml: base_url: must be an absolute http(s) URL"),
    ('title = 3', "content/site.toml: title: Input should be a valid string"),
    ('title = ""', "content/site.toml: title: must not be empty"),
    ('description = "x"', "content/site.toml: missing key 'title'"),
    ('title = "T"\n[contact]\nfax = "1"', "content/site.toml: unknown key 'contact.fax'"),
    ('title = "T"\nlanguage = "en gb"', "content/site.toml: language: must be a language tag"),
    ('title = "T', "content/site.toml: not valid TOML"),
])
def test_errors_name_the_key(text, message):
    with pytest.raises(ConfigError) as e:
        parse_config(text, "content/site.toml")
    assert message in str(e.value)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="site.toml: not found"):
        load_config(tmp_path / "site.toml")


def test_command_line_base_url_is_validated_too():
    with pytest.raises(ConfigError, match="base_url"):
        parse_config(GOOD, "site.toml", base_url="not a url")
