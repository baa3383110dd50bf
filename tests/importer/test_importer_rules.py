"""Each feature and each rule on its own, and that rules can be switched off by name."""

from __future__ import annotations

import pytest

from sitegen.importer import captions as c
from sitegen.importer import features as f
from sitegen.importer import rules as r
from sitegen.importer.segment import GMT_FORMAT, SEED_FORMAT, detect_format, paragraphs, segment


def state(lines: list[str], fmt: str = SEED_FORMAT) -> r.State:
    paras = paragraphs(lines, fmt)
    with_blank = sum(1 for para in paras[1:] if para.blank_before > 0)
    return r.State(paras, fmt, with_blank >= 0.5 * max(len(paras) - 1, 1), r.lead_start(paras))


# -- features ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ratio"),
    [
        ("Tuesday Summary", 1.0),
        ("Opposition Coalition Rocked by Resignations Over Re-Election of President", 1.0),
        ("Video: Residents Welcome Insurgents of Ahrar al-Sham near Qamishli", 1.0),
        ("Insurgents: ISIS No Longer “Brothers” But “Gangs of Baghdadi”", 1.0),
        ("2 Swedish Journalists Freed", 1.0),
        ("Another chink in Mubarak's armor", 0.5),
        ("Declaring “deep", 0.5),
    ],
)
def test_title_case_ratio_counts_capitalised_non_minor_words(text: str, ratio: float) -> None:
    assert f.title_case_ratio(text) == pytest.approx(ratio)


def test_sentence_endings() -> None:
    assert f.ends_sentence("More images can be see here.")
    assert f.ends_sentence("“Unfortunately we have reached a dead end,” said Safi.”")
    assert not f.ends_sentence("Talks Stall Over Role of the U.S.")
    assert not f.ends_sentence("Insurgent Offensive in Homs Province?")
    assert f.ends_colon("He continued: ")


def test_looks_title_and_is_prose() -> None:
    assert f.looks_title("Footage Of Air Raids In Daraya")
    assert not f.looks_title("SATURDAY FEATURES")  # shouted
    assert not f.looks_title("Syria")  # one word
    assert not f.looks_title("Celebrations tonight:")
    assert f.is_prose("The full set of photographs can be seen here.")
    assert not f.is_prose("Syria Audio Analysis: Chemical Weapons “Deal” is Meaningless Sideshow")


def test_sentences_keep_abbreviations() -> None:
    assert f.sentences("The U.S. said so. Russia did not.") == ["The U.S. said so.", "Russia did not."]
    assert f.first_sentence_span("Syria. At least initially") == len("Syria.")


def test_format_detection() -> None:
    assert detect_format(["LATEST: X", "", "Headline", "", "Body."]) == SEED_FORMAT
    assert detect_format(["Title", "2130 GMT: One.", "2120 GMT: Two."]) == GMT_FORMAT
    assert detect_format(["Title", "2130 GMT: Only one and no LATEST line."]) == GMT_FORMAT
    assert detect_format(["LATEST: X", "UPDATE 2100 GMT: an update.", "Body."]) == SEED_FORMAT
    assert detect_format(["Title", "First entry.2130 GMT: Glued.", "2120 GMT: Two."]) == GMT_FORMAT


def test_glued_stamps_are_split_into_fragments_of_the_same_line() -> None:
    paras = paragraphs(["2210 GMT: One. Two.2145 GMT: Three.", "(see update at 2035 GMT): not a stamp"], GMT_FORMAT)
    assert [(p.line, p.text, p.glued) for p in paras] == [
        (1, "2210 GMT: One. Two.", False),
        (1, "2145 GMT: Three.", True),
        (2, "(see update at 2035 GMT): not a stamp", False),
    ]


# -- structure rules, one at a time -------------------------------------------------


def test_latest_line_rule() -> None:
    s = state(["LATEST: Video — Something"])
    assert r.latest_line(s, s.paras[0]) == r.Decision(r.Label.LATEST, "latest_line")


def test_gmt_stamp_and_gmt_body_rules_apply_only_to_the_timestamped_format() -> None:
    gmt = state(["2130 GMT: An entry.", "Body."], GMT_FORMAT)
    assert r.gmt_stamp(gmt, gmt.paras[0]) == r.Decision(r.Label.STAMP, "gmt_stamp")
    assert r.gmt_body(gmt, gmt.paras[1]) == r.Decision(r.Label.TEXT, "gmt_body")
    seed = state(["2130 GMT: An entry."])
    assert r.gmt_stamp(seed, seed.paras[0]) is None
    assert r.gmt_body(seed, seed.paras[0]) is None


def test_update_paragraph_rule() -> None:
    s = state(["UPDATE 1315 GMT: Brahimi has adjourned the talks."])
    assert r.update_paragraph(s, s.paras[0]) is not None


@pytest.mark.parametrize(
    "text",
    [
        "Jump to Latest Update",
        "Latest Updates, From Top to Bottom",
        "Latest Updates, Most Recent First",
        "View Larger Map",
        "Photo: Getty",
        "PHOTO: Men in eastern Aleppo city on Monday",
        "(h/t Joanna Paraszczuk)",
        "Back to Top",
        "Sunday's Syria Live Coverage: The Bombardment Continues br>",
    ],
)
def test_chrome_rule(text: str) -> None:
    s = state([text])
    assert r.chrome(s, s.paras[0]) is not None


def test_chrome_rule_leaves_media_headlines_alone() -> None:
    s = state(["Photos: Destruction in Damascus"])
    assert r.chrome(s, s.paras[0]) is None


def test_related_link_rule() -> None:
    lines = ["See also Syria Daily, March 24: Rebels Attack", "", "WEDNESDAY FEATURE", "", "Iran Analysis: Talks"]
    s = state([*lines, "", "  • Syria Feature: The Battle", "Egypt in Pictures: Protests"])
    assert all(r.related_link(s, para) is not None for para in s.paras)


def test_prelude_rule_covers_lines_above_the_lead() -> None:
    s = state(["LATEST: X", "", "Syria Audio Analysis: A Feature Link", "", "SUMMARY: The lead starts here."])
    assert s.lead_start == 2
    assert r.prelude(s, s.paras[1]) is not None
    assert r.prelude(s, s.paras[2]) is None


def test_latest_target_rule_finds_the_first_entry_of_a_page_without_lead() -> None:
    s = state(["LATEST: Video — Regime Recaptures Villages", "", "Video: Regime Recaptures Villages", "", "Body."])
    s.latest = r.normal_headline("Video — Regime Recaptures Villages")
    assert r.latest_target(s, s.paras[1]) == r.Decision(r.Label.HEADLINE, "latest_target")


def test_blank_line_rules() -> None:
    lines = ["Lead.", "", "Body text here.", "Glued Title Case Line", "", "Another Title Line", "Yet Another Title"]
    s = state([*lines, "", "More.", "", "Text."])
    assert s.uses_blank_lines
    assert r.needs_blank_before(s, s.paras[2]) is not None
    assert r.link_list(s, s.paras[3]) is not None


def test_title_like_and_sentence_case_rules() -> None:
    s = state(["Lead text.", "", "Regime Airstrikes Kill 20 in Douma", "", "Body text follows here."])
    assert r.title_like(s, s.paras[1]) == r.Decision(r.Label.HEADLINE, "title_like")
    s = state(["Lead text.", "", "Kurdish militia clash with jihadists near Qamishli", "", "Body text follows."])
    assert r.title_like(s, s.paras[1]) is None
    assert r.sentence_case_headline(s, s.paras[1]) == r.Decision(r.Label.HEADLINE, "sentence_case_headline")


def test_sentence_case_rule_ignores_a_line_cut_by_truncation() -> None:
    s = state(["Lead text.", "", "Kuralenko said the strikes"])
    assert r.sentence_case_headline(s, s.paras[1]) is None


def test_rules_can_be_switched_off_by_name() -> None:
    lines = ["LATEST: X", "", "Lead text.", "", "Regime Airstrikes Kill 20 in Douma", "", "Body text."]
    assert [e.headline for e in segment(lines).entries] == ["Regime Airstrikes Kill 20 in Douma"]
    assert segment(lines, disabled=frozenset({"title_like", "sentence_case_headline"})).entries == ()


# -- caption rules, one at a time ---------------------------------------------------


def caption_ctx(lines: list[str], fmt: str = SEED_FORMAT) -> c.CaptionContext:
    s = state(lines, fmt)
    return c.CaptionContext(s.paras, r.classify(s), {})


def test_entry_follows_and_caption_follows() -> None:
    ctx = caption_ctx(["Lead.", "", "Celebrations tonight:", "", "An anti-ISIS march:", "", "Next Headline Here", ""])
    assert c.entry_follows(ctx, ctx.paras[2]) == c.Verdict(True, "entry_follows")
    ctx.verdicts[2] = True
    assert c.caption_follows(ctx, ctx.paras[1]) == c.Verdict(True, "caption_follows")


def test_embed_remnant_and_media_gap() -> None:
    ctx = caption_ctx(["Lead.", "", "Footage from Monday:", "", "View Larger Map", "", "Caption:", "", "", "Text."])
    assert c.embed_remnant_follows(ctx, ctx.paras[1]) is not None
    assert c.media_gap(ctx, ctx.paras[3]) == c.Verdict(True, "media_gap")


def test_speech_and_quotation_rules() -> None:
    ctx = caption_ctx(["He continued:", "", "“We will not leave.”", "", "Labwani said 40 colleagues resigned:", "x"])
    assert c.speech_verb(ctx, ctx.paras[0]) == c.Verdict(False, "speech_verb")
    assert c.quote_follows(ctx, ctx.paras[0]) == c.Verdict(False, "quote_follows")
    assert c.reported_speech(ctx, ctx.paras[2]) == c.Verdict(False, "reported_speech")


def test_deictic_media_and_long_sentence() -> None:
    ctx = caption_ctx(
        [
            "We close our liveblog with this video:",
            "",
            "At the local level, video claimed a truce between insurgents and the Islamic Front in eastern Aleppo:",
        ]
    )
    assert c.deictic_media(ctx, ctx.paras[0]) == c.Verdict(True, "deictic_media")
    assert c.long_sentence(ctx, ctx.paras[1]) == c.Verdict(False, "long_sentence")


def test_a_bare_stamp_captions_nothing() -> None:
    ctx = caption_ctx(["2130 GMT:", "The toll:"], GMT_FORMAT)
    assert c.not_colon(ctx, ctx.paras[0]) == c.Verdict(False, "not_colon")


def test_numbered_list_items_are_never_headlines() -> None:
    s = state(["Lead.", "", "1. Ceasefire Across Syria", "", "Body."])
    assert r.list_item(s, s.paras[1]) == r.Decision(r.Label.TEXT, "list_item")
    s = state(["Lead.", "", "2 Swedish Journalists Freed", "", "Body."])
    assert r.list_item(s, s.paras[1]) is None


@pytest.mark.parametrize(
    ("line", "headline"),
    [
        ("1655 GMT: Untitled entry text", "1655 GMT:"),
        ('2130 GMT" A typo for the colon.', '2130 GMT"'),
        ("16:55 GMT: With a colon in the time.", "16:55 GMT:"),
        ("1655 GMT - A dash.", "1655 GMT -"),
        ("1735 GMT: Political Prisoner Watch. Hague has called on Iran…", "1735 GMT: Political Prisoner Watch."),
        ("0530 GMT: Another chink in Mubarak's armor. More text.", "0530 GMT:"),
    ],
)
def test_gmt_entry_headlines(line: str, headline: str) -> None:
    seg = segment(["Page title", line, "1200 GMT: Another entry."])
    assert seg.entries[0].headline == headline


def test_invalid_times_are_not_stamps() -> None:
    assert f.STAMP_RE.match("2575 GMT: no such time") is None
    assert f.STAMP_RE.match("1655 GMTX") is None
