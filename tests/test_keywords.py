from bot.keywords import KeywordIndex


def _found(index: KeywordIndex[object], text: str) -> list[tuple[str, object]]:
    """(the text of each hit, its key's value), in the order scan reports them."""
    return [(text[a:b], index.values[k]) for k, a, b in index.scan(text)]


def test_every_occurrence_is_found_overlapping_ones_too_in_order_of_end() -> None:
    index = KeywordIndex({"he": 1, "she": 2, "hers": 3})
    assert index.scan("ushers") == [(1, 1, 4), (0, 2, 4), (2, 2, 6)]
    assert _found(index, "ushers") == [("she", 2), ("he", 1), ("hers", 3)]


def test_offsets_count_characters_not_bytes() -> None:
    text = "levée de 1,2 Mrd. € für Zürich"
    index = KeywordIndex({"mrd.": "scale", "zürich": "place", "é": "accent"})
    assert [(text[a:b], index.values[k]) for k, a, b in index.scan(text.lower())] == [
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
    assert KeywordIndex({}).scan("anything") == []
    index = KeywordIndex({"": 0, "a": 1})
    assert len(index) == 1
    assert _found(index, "a") == [("a", 1)]
