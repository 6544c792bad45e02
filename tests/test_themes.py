"""Stack themes: one per stack, ENABLED/DISABLED at once, URLs made from the S3 locations, gone
with their stack; through a real client; seeding and data files."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_appstream import AppStreamUsageError, FakeAppStream
from pytest_appstream._model import operation_names
from pytest_appstream._themes import theme_url

#: An older botocore's model (1.34) has no Theme shape and no theme operations: the fake
#: registers no themes then (``appstream.themes`` says a newer botocore is needed).
HAS_THEMES = "CreateThemeForStack" in operation_names()
needs_themes = pytest.mark.skipif(
    not HAS_THEMES,
    reason="this botocore's model lacks the Theme shape and the CreateThemeForStack, "
    "DescribeThemeForStack, UpdateThemeForStack and DeleteThemeForStack operations",
)

ACCOUNT = "123456789012"
LOGO = {"S3Bucket": "branding", "S3Key": "logo.png"}
FAVICON = {"S3Bucket": "branding", "S3Key": "favicon.ico"}
LINKS = [{"DisplayName": "Help desk", "FooterLinkURL": "https://help.example.com"}]


def create(client: Any, stack: str = "s", **params: Any) -> dict[str, Any]:
    params.setdefault("TitleText", "Example Corp apps")
    params.setdefault("ThemeStyling", "BLUE")
    params.setdefault("OrganizationLogoS3Location", LOGO)
    params.setdefault("FaviconS3Location", FAVICON)
    return dict(client.create_theme_for_stack(StackName=stack, **params)["Theme"])


def error(info: pytest.ExceptionInfo[Any]) -> tuple[str, str]:
    found = info.value.response["Error"]
    return found["Code"], found["Message"]


@needs_themes
@pytest.mark.appstream(now="2026-05-01T09:00:00Z")
def test_a_stack_gets_one_theme(appstream: FakeAppStream, appstream_client: Any) -> None:
    appstream_client.create_stack(Name="s")
    theme = create(appstream_client, FooterLinks=LINKS)
    assert theme == {
        "StackName": "s",
        "State": "ENABLED",
        "ThemeTitleText": "Example Corp apps",
        "ThemeStyling": "BLUE",
        "ThemeFooterLinks": LINKS,
        "ThemeOrganizationLogoURL": theme_url("us-east-1", ACCOUNT, "s", "organization-logo", LOGO),
        "ThemeFaviconURL": theme_url("us-east-1", ACCOUNT, "s", "favicon", FAVICON),
        "CreatedTime": appstream.clock.now(),
    }
    assert theme["ThemeFaviconURL"].startswith(
        f"https://appstream2-branding-us-east-1.s3.us-east-1.amazonaws.com/{ACCOUNT}/s/favicon-"
    )
    described = appstream_client.describe_theme_for_stack(StackName="s")["Theme"]
    assert described == theme
    with pytest.raises(appstream_client.exceptions.ResourceAlreadyExistsException) as info:
        create(appstream_client, TitleText="Second")
    assert error(info)[1] == f"The theme for stack s already exists for account {ACCOUNT}."
    assert appstream.themes["s"].theme_title_text == "Example Corp apps"
    appstream.themes.assert_transitions("s", ["ENABLED"])


@needs_themes
def test_a_theme_needs_its_stack(appstream: FakeAppStream, appstream_client: Any) -> None:
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException) as info:
        create(appstream_client, "nope")
    assert error(info)[1] == f"The stack nope for account {ACCOUNT} does not exist."
    appstream_client.create_stack(Name="bare")
    for call in (
        appstream_client.describe_theme_for_stack,
        appstream_client.delete_theme_for_stack,
        appstream_client.update_theme_for_stack,
    ):
        with pytest.raises(appstream_client.exceptions.ResourceNotFoundException) as info:
            call(StackName="bare")
        assert error(info)[1] == f"The theme for stack bare for account {ACCOUNT} does not exist."
    assert list(appstream.themes) == []


@needs_themes
def test_update_disables_and_changes_at_once(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    appstream_client.create_stack(Name="s")
    before = create(appstream_client, FooterLinks=LINKS)
    new_logo = {"S3Bucket": "branding", "S3Key": "logo-2026.png"}
    after = appstream_client.update_theme_for_stack(
        StackName="s", State="DISABLED", ThemeStyling="RED", OrganizationLogoS3Location=new_logo
    )["Theme"]
    assert (after["State"], after["ThemeStyling"]) == ("DISABLED", "RED")
    assert after["ThemeOrganizationLogoURL"] != before["ThemeOrganizationLogoURL"]
    assert after["ThemeFaviconURL"] == before["ThemeFaviconURL"]
    assert after["ThemeFooterLinks"] == LINKS
    appstream.themes.assert_transitions("s", ["ENABLED", "DISABLED"])
    with pytest.raises(appstream_client.exceptions.InvalidParameterCombinationException):
        appstream_client.update_theme_for_stack(
            StackName="s", FooterLinks=LINKS, AttributesToDelete=["FOOTER_LINKS"]
        )
    cleared = appstream_client.update_theme_for_stack(
        StackName="s", State="ENABLED", AttributesToDelete=["FOOTER_LINKS"]
    )["Theme"]
    assert "ThemeFooterLinks" not in cleared
    appstream.themes.assert_transitions("s", ["ENABLED", "DISABLED", "ENABLED"])


@needs_themes
def test_delete_leaves_the_stack(appstream: FakeAppStream, appstream_client: Any) -> None:
    appstream_client.create_stack(Name="s")
    create(appstream_client)
    appstream_client.delete_theme_for_stack(StackName="s")
    assert list(appstream.themes) == []
    appstream.themes.assert_transitions("s", ["ENABLED", None])
    assert appstream_client.describe_stacks(Names=["s"])["Stacks"][0]["Name"] == "s"
    create(appstream_client)  # a new one may be made
    assert list(appstream.themes) == ["s"]


@needs_themes
def test_a_theme_goes_with_its_stack(appstream: FakeAppStream, appstream_client: Any) -> None:
    appstream_client.create_stack(Name="s")
    create(appstream_client)
    appstream_client.delete_stack(Name="s")
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException) as info:
        appstream_client.describe_theme_for_stack(StackName="s")
    assert error(info)[1] == f"The stack s for account {ACCOUNT} does not exist."
    assert list(appstream.themes) == []
    appstream_client.create_stack(Name="s")  # the same name again: no theme
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException):
        appstream_client.describe_theme_for_stack(StackName="s")
    create(appstream_client)


@needs_themes
def test_seeding_needs_the_stack(appstream: FakeAppStream, appstream_client: Any) -> None:
    with pytest.raises(AppStreamUsageError, match="names no stack in 123456789012/us-east-1"):
        appstream.themes.add("s")
    assert list(appstream.themes) == []
    appstream.stacks.add("s")
    seeded = appstream.themes.add("s", state="DISABLED", theme_styling="PINK")
    assert (seeded.state, seeded.theme_styling, seeded.theme_title_text) == (
        "DISABLED",
        "PINK",
        "s",
    )
    shown = appstream_client.describe_theme_for_stack(StackName="s")["Theme"]
    assert shown["ThemeFaviconURL"] == theme_url("us-east-1", ACCOUNT, "s", "favicon", None)
    with pytest.raises(AppStreamUsageError, match="state='ON' is not a theme state"):
        appstream.themes.add("s", state="ON")
    appstream.stacks.add("t")
    with pytest.raises(AppStreamUsageError, match="theme_styling='GREEN' is not a ThemeStyling"):
        appstream.themes.add("t", theme_styling="GREEN")
    with pytest.raises(AppStreamUsageError, match="is not a valid stack name"):
        appstream.themes.add("no spaces")


@needs_themes
def test_data_files_seed_stacks_before_their_themes(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".json",
        world='{"themes": [{"stack_name": "desk", "theme_title_text": "Desk", '
        '"state": "DISABLED"}], "stacks": [{"name": "desk"}]}',
    )
    pytester.makepyfile(
        """
        import pytest


        @pytest.mark.appstream_data("world.json")
        def test_data(appstream_client):
            theme = appstream_client.describe_theme_for_stack(StackName="desk")["Theme"]
            assert (theme["ThemeTitleText"], theme["State"]) == ("Desk", "DISABLED")
        """
    )
    pytester.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=1)


@pytest.mark.skipif(HAS_THEMES, reason="this botocore's model has themes")
def test_without_a_theme_model_themes_need_a_newer_botocore(appstream: FakeAppStream) -> None:
    appstream.stacks.add("s")
    with pytest.raises(AppStreamUsageError, match=r"appstream\.themes needs a newer botocore"):
        appstream.themes.add("s")
