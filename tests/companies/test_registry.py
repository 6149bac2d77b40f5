"""Company registry and matcher."""

from __future__ import annotations

from bot.companies import CompanyMatcher, CompanyRegistry


def test_bundled_has_enough_companies() -> None:
    reg = CompanyRegistry.bundled()
    assert len(reg) >= 150
    assert reg.get("facebook").name == "Meta"  # former name
    assert reg.get("Research In Motion").name == "BlackBerry"
    assert reg.get("Petróleo Brasileiro").name == "Petrobras"  # legal name
    assert reg.get("@AnthropicAI").name == "Anthropic"  # handle
    assert reg.get("NVDA").name == "Nvidia"  # ticker


def test_resolve_forgives_typos_and_spacing() -> None:
    reg = CompanyRegistry.bundled()
    assert reg.resolve("stabilty").name == "Stability AI"
    assert reg.resolve("open-ai").name == "OpenAI"
    assert reg.resolve("zzzzqqq") is None
    assert "Anthropic" in reg.suggest("anthropc")


def test_runtime_add() -> None:
    reg = CompanyRegistry.bundled()
    m = CompanyMatcher(reg)
    assert m.companies_in("Kura raises money") == []
    reg.add("Kura", ["Kura Labs"])
    assert m.companies_in("Kura Labs raises money") == ["Kura"]


def test_ambiguous_names_need_casing_and_context() -> None:
    m = CompanyMatcher(CompanyRegistry.bundled())
    assert m.companies_in("the mistral wind and the scale of it") == []
    assert m.companies_in("Stability is key for investors") == []
    assert m.companies_in("I ate an Apple pie") == []
    assert m.companies_in("Mistral raises money for its Le Chat assistant") == ["Mistral AI"]
    assert m.companies_in("Apple sues over a Watch patent") == ["Apple"]
    assert m.companies_in("Anthropic and Scale AI") == ["Anthropic", "Scale AI"]
    # another company named beside it is context; another ambiguous one is not
    assert m.companies_in("Amazon cut jobs. Last week, Meta did too.") == ["Amazon", "Meta"]
    assert m.companies_in("Stability matters. Meta did too.") == []
    # the last word of another name, in sentence-case text; not in a Title Case headline
    assert m.companies_in("Watch fans queued at the Big Apple store") == []
    assert m.companies_in("Watch fans queued at the Apple store") == ["Apple"]
    assert m.companies_in("Why Investors Still Love Apple Watch") == ["Apple"]


def test_a_german_genitive_is_the_name() -> None:
    m = CompanyMatcher(CompanyRegistry.bundled())
    assert m.companies_in("Kartellamt prüft Microsofts Preise") == ["Microsoft"]
    assert m.companies_in("Microsoftsoftware") == []


def test_a_context_word_counts_inside_a_compound() -> None:
    m = CompanyMatcher(CompanyRegistry.bundled())
    # "Monsanto" is context for the ambiguous "Bayer", also inside "Monsanto-Übernahme"
    assert "Bayer" in m.companies_in("Bayer schließt Monsanto-Übernahme ab")
    assert m.companies_in("Bayer schließt Übernahme ab") == []


def test_a_headline_name_finds_its_context_in_the_lede() -> None:
    m = CompanyMatcher(CompanyRegistry.bundled())
    # the headline alone does not say which Bayer; the lede on glyphosate suits does
    headline, lede = (
        "Bayer-Aktionäre verweigern Vorstand die Entlastung",
        "Grund: Glyphosat-Klagen.",
    )
    title, summary = m.find_parts(
        f"{headline}\n{lede}", f"{headline}\n{lede}".lower(), len(headline)
    )
    assert [x.company for x in title] == ["Bayer"]
    assert summary == []
    assert m.companies_in(headline) == []


def test_longest_match_and_word_boundaries() -> None:
    m = CompanyMatcher(CompanyRegistry.bundled())
    assert m.companies_in("Paytm Payments Bank") == ["Paytm Payments Bank"]
    assert m.companies_in("metadata about the army") == []


def test_many_companies() -> None:
    from bot.companies import Company

    reg = CompanyRegistry.of(Company(name=f"Co{i} Labs") for i in range(3000))
    assert CompanyMatcher(reg).companies_in("Co2999 Labs and Co7 Labs") == [
        "Co2999 Labs",
        "Co7 Labs",
    ]


def test_normalize_ascii_fast_path_agrees_with_the_general_one() -> None:
    from bot.companies.registry import normalize

    assert normalize("Stability-AI ") == "stabilityai"
    assert normalize("AT&T") == "atandt"
    assert normalize("Société Générale") == "societegenerale"
    assert normalize("Straße") == "strasse"  # casefold, not lower


def test_one_scan_of_title_and_summary_finds_what_two_scans_find() -> None:
    m = CompanyMatcher(CompanyRegistry.bundled())
    pairs = [
        ("Apple sues", "apple and Meta; Google (NVDA)"),
        ("", "OpenAI"),
        ("OpenAI and Anthropic", ""),
    ]
    for title, summary in pairs:
        full = f"{title}\n{summary}"
        t, s = m.find_parts(full, full.lower(), len(title))
        assert (t, s) == (m.find(title), m.find(summary))


def test_an_ambiguous_name_takes_its_context_from_the_other_part_too() -> None:
    m = CompanyMatcher(CompanyRegistry.bundled())
    title, summary = "Mistral raises $600M", "The French startup Mistral AI said investors joined"
    full = f"{title}\n{summary}"
    t, s = m.find_parts(full, full.lower(), len(title))
    assert m.find(title) == []  # alone, the headline could be the wind
    assert [(x.company, x.start, x.end) for x in t] == [("Mistral AI", 0, 7)]
    assert [(x.company, x.start) for x in s] == [("Mistral AI", 19)]


def test_a_product_name_finds_its_maker() -> None:
    reg = CompanyRegistry.bundled()
    chatgpt = reg.get("ChatGPT")
    assert chatgpt is not None and chatgpt.name == "OpenAI"
    m = CompanyMatcher(reg)
    assert m.companies_in("Italy bans ChatGPT") == ["OpenAI"]
    assert m.companies_in("Italy bans chatgpt") == []  # products match with their casing only
