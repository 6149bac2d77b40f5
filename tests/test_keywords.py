from bot.keywords import KeywordIndex


def test_every_occurrence_is_found_overlapping_ones_too_in_order_of_end() -> None:
    index = KeywordIndex({"he": 1, "she": 2, "hers": 3})
    assert index.find("ushers") == [(1, 4, 2), (2, 4, 1), (2, 6, 3)]


def test_offsets_count_characters_not_bytes() -> None:
    text = "levée de 1,2 Mrd. € für Zürich"
    index = KeywordIndex({"mrd.": "scale", "zürich": "place", "é": "accent"})
    found = index.find(text.lower())
    assert [(text[a:b], v) for a, b, v in found] == [
        ("é", "accent"),
        ("Mrd.", "scale"),
        ("Zürich", "place"),
    ]


def test_scan_gives_key_indexes_into_keys_and_values() -> None:
    index = KeywordIndex({"sue": "dispute", "raise": "funding"})
    hits = index.scan("they sue, then raise")
    assert [(index.keys[k], index.values[k]) for k, _, _ in hits] == [
        ("sue", "dispute"),
        ("raise", "funding"),
    ]


def test_an_empty_index_finds_nothing_and_empty_keys_are_dropped() -> None:
    assert KeywordIndex({}).find("anything") == []
    index = KeywordIndex({"": 0, "a": 1})
    assert len(index) == 1
    assert index.find("a") == [(0, 1, 1)]
