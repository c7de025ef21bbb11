"""reader.tables: table rows read with their column headers, lists of "label: value" fields read
with a full stop after each value. Tables of rows x cells, the view's
characters against the document's (hypothesis), spans mapped back or dropped, the header row
cited, a Word table written in place, and the real pipeline on a fares notice in Markdown and the same
table in an HTML page and a Word file."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statementqa.reader.model import ReadOut, Span
from statementqa.reader.tables import (
    asked_columns,
    asked_field,
    asked_rows,
    cells,
    field_at,
    is_row,
    is_separator,
    map_spans,
    view,
)
from statementqa.retrieval.segment import segment
from statementqa.retrieval.types import Passage

TABLE = ("Fares change:\n| Ticket | Current price | New price |\n|---|---|---|\n| Single ticket | $2.50 | $2.75 |\n"
         "| Day pass | $7.00 | $8.00 |\nChildren travel free.")


def _passage(text: str, a: int = 0, b: int | None = None) -> Passage:
    b = len(text) if b is None else b
    return Passage("p", "d", (0,), a, b, text[a:b])


@pytest.mark.parametrize("line, expected", [
    ("| Day pass | $7.00 | $8.00 |", ["Day pass", "$7.00", "$8.00"]),
    ("| Day pass | $7.00 | $8.00 | ", ["Day pass", "$7.00", "$8.00"]),  # trafilatura's rows end with a space
    ("Day pass | $7.00 | $8.00", ["Day pass", "$7.00", "$8.00"]),  # a Word table's row (retrieval.formats)
    ("| a |  | c |", ["a", "", "c"]),
    ("News | City of Brackwater", None),  # one bar without the outer marks: a title, not a row
    ("|---|:---:|---|", None),
    ("No bars here.", None),
])
def test_cells(line, expected):
    got = cells(line, 0, len(line))
    assert (None if got is None else [line[a:b] for a, b in got]) == expected


def test_is_row_and_separator():
    assert is_separator("|---|---|") and is_separator("| :--- | ---: |") and not is_separator("| a | b |")
    assert is_row("| a | b |") and is_row("|---|---|") and not is_row("A sentence | with a bar.")


def test_view_writes_each_row_with_its_headers():
    v = view(TABLE, _passage(TABLE))
    assert v is not None
    assert v.text.splitlines() == [
        "Fares change:",
        "The current price of Single ticket is $2.50. The new price of Single ticket is $2.75. ",
        "The current price of Day pass is $7.00. The new price of Day pass is $8.00. ",
        "Children travel free.",
    ]
    for i, ch in enumerate(v.text):  # every character taken from the passage is that character
        if v.doc_at[i] is not None:
            assert TABLE[v.doc_at[i]] == ch


HEAD = ["Ticket", "Current price", "New price"]


@pytest.mark.parametrize("question, columns", [
    ("What is the new price of a day pass?", {2}),
    ("What is the current price of a day pass?", {1}),
    ("How much will a day pass cost?", None),          # no header named: every column
    ("What is the price of a day pass?", None),        # "price" names both alike
    ("Which ticket is the cheapest?", None),           # only the first column's header: no value column
])
def test_asked_columns(question, columns):
    assert asked_columns(question, HEAD) == (None if columns is None else frozenset(columns))


def test_view_for_a_question_writes_the_asked_column_only():
    v = view(TABLE, _passage(TABLE), "What is the new price of a day pass?")
    assert v is not None and "The new price of Day pass is $8.00." in v.text and "current price" not in v.text


VOTES = ("Votes cast:\n| Candidate | Party | Votes |\n|---|---|---|\n| Amira Khoury | Green Party | 1,482 |\n"
         "| Thomas Reddy | Liberal Democrats | 1,107 |\n| Janet Ellwood | Conservative Party | 968 |\n"
         "| Owen Marsh | Labour Party | 611 |\n| Kit Barlow | Independent | 94 |\nTurnout was 31.8 per cent.")
VOTE_ROWS = [["Amira Khoury", "Green Party", "1,482"], ["Thomas Reddy", "Liberal Democrats", "1,107"],
             ["Janet Ellwood", "Conservative Party", "968"], ["Owen Marsh", "Labour Party", "611"],
             ["Kit Barlow", "Independent", "94"]]
FARE_ROWS = [["Single ticket", "$2.50", "$2.75"], ["Day pass", "$7.00", "$8.00"], ["Monthly pass", "$80", "$86"],
             ["Student monthly pass", "$40", "$40"]]


@pytest.mark.parametrize("question, rows, named", [
    ("How many votes did the Labour candidate get?", VOTE_ROWS, {3: {1}}),      # the party's cell names the row
    ("Which candidate stood as an independent?", VOTE_ROWS, {4: {1}}),
    ("How many votes did Amira Khoury receive?", VOTE_ROWS, {0: {0}}),          # the first cell names it
    ("Who got 968 votes?", VOTE_ROWS, {2: {2}}),
    ("Which party does the winner represent?", VOTE_ROWS, None),  # "party" is in three rows of five: names none
    ("What was the turnout?", VOTE_ROWS, None),                   # no cell's words at all
    ("How much does a student monthly pass cost?", FARE_ROWS, {3: {0}}),  # two words beat one ("monthly")
    ("How much does a monthly pass cost for seniors?", FARE_ROWS, None),  # two rows alike: none chosen
    ("How much does a day pass cost?", FARE_ROWS[:1], None),               # a table of one row
])
def test_asked_rows(question, rows, named):
    got = asked_rows(question, rows)
    assert got == (None if named is None else {i: frozenset(c) for i, c in named.items()})


def test_view_for_a_question_that_names_a_row_writes_that_row_only():
    """"the Labour candidate": the other rows are left out, and the row gives its party beside the
    asked column (the votes), so the reader sees which candidate's votes these are."""
    v = view(VOTES, _passage(VOTES), "How many votes did the Labour candidate get?")
    assert v is not None
    assert v.text.splitlines() == ["Votes cast:", "The party of Owen Marsh is Labour Party. The votes of Owen Marsh is 611. ",
                                   "Turnout was 31.8 per cent."]
    for i, ch in enumerate(v.text):
        if v.doc_at[i] is not None:
            assert VOTES[v.doc_at[i]] == ch
    below = VOTES.index("| Janet")  # a passage below the header, without the named row: its rows are left out
    v = view(VOTES, _passage(VOTES, below, VOTES.index("| Owen")), "How many votes did Amira Khoury get?")
    assert v is not None and v.text.strip() == ""
    v = view(VOTES, _passage(VOTES), "Which party does the winner represent?")  # no row named: every row
    assert v is not None and v.text.count("The party of") == 5 and "votes of" not in v.text


def test_view_of_a_passage_that_starts_below_the_header():
    a = TABLE.index("| Day pass")
    v = view(TABLE, _passage(TABLE, a))
    assert v is not None and v.text.startswith("The current price of Day pass is $7.00.")


def test_a_passage_that_ends_before_a_rows_trailing_space_still_reads_it():
    """trafilatura's rows end with a space, which the sentence (and so the passage) leaves out."""
    text = "Fares:\n| Ticket | New price | \n|---|---| \n| Day pass | $8.00 | \nAfter."
    end = text.index("$8.00 |") + len("$8.00 |")
    v = view(text, _passage(text, 0, end))
    assert v is not None and v.text.endswith("The new price of Day pass is $8.00. ")


def test_no_view_without_a_table():
    assert view("Plain text.\nMore text.", _passage("Plain text.\nMore text.")) is None
    one_row = "Intro.\n| only | row |\nAfter."
    assert view(one_row, _passage(one_row)) is None  # a row with no header is read as written


def test_map_spans_keeps_cells_and_drops_added_words():
    v = view(TABLE, _passage(TABLE))
    assert v is not None
    new = v.text.index("$8.00")
    label = v.text.index("new price of Day")
    out = ReadOut([Span(0, new, new + 5, 3.0, 1.0), Span(0, label, label + 9, 2.0, 1.0)],
                  [Span(0, new - 15, new + 5, 1.0, 1.0)])
    got = map_spans(out, [v])
    assert [(s.start, s.end) for s in got.spans] == [(TABLE.index("$8.00"), TABLE.index("$8.00") + 5)]
    assert got.alternatives == []  # ran over "Day pass is": the added "is" is not the document's
    untouched = ReadOut([Span(0, 1, 4, 1.0, 0.0)])
    assert map_spans(untouched, [None]).spans == untouched.spans


_CELL = st.text(alphabet="abc $1.2", min_size=1, max_size=6).filter(lambda s: s.strip() == s and s)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4).flatmap(lambda n: st.tuples(st.lists(_CELL, min_size=n, max_size=n),
                                                      st.lists(st.lists(_CELL, min_size=n, max_size=n), min_size=1, max_size=3))),
       st.data())
def test_any_span_maps_back_to_the_same_characters(table, data):
    head, rows = table
    text = "Intro.\n" + "\n".join("| " + " | ".join(r) + " |" for r in [head, ["---"] * len(head), *rows]) + "\nEnd."
    v = view(text, _passage(text))
    assert v is not None
    a = data.draw(st.integers(0, len(v.text) - 1))
    b = data.draw(st.integers(a + 1, len(v.text)))
    got = map_spans(ReadOut([Span(0, a, b, 1.0, 0.0)]), [v]).spans
    if got:
        assert text[got[0].start:got[0].end] == v.text[a:b]


def test_separator_row_is_never_a_citable_sentence():
    sents = segment(TABLE)
    sep = next(s for s in sents if s.text == "|---|---|---|")
    assert sep.boilerplate and not next(s for s in sents if s.text.startswith("| Day")).boilerplate


FIELDS = ("## Tickets\n\n- Adults: £12\n- Concessions (over-65s, students): £9\n- Children under 16: free\n\n"
          "Salary: £48,500 a year\nHours: 37 a week.\nNote: see below\n\nContact: Priya Mandal\n\n"
          "What we offer:\n- a pension\n- Visit https://x.example/jobs: apply\n- 28 days' leave\n| A | b: c |\n| x | y: z |\n"
          "Timeline:\n2021: appeal launched\n2023: building work begins\n9:30 am: doors open\n10:15 am: talks")


@pytest.mark.parametrize("line, field", [
    ("- Adults: £12", "Adults"),
    ("- Concessions (over-65s, students): £9", "Concessions"),
    ("- Children under 16: free", "Children"),          # the last of its list: the line before is a field
    ("Salary: £48,500 a year", "Salary"),               # no bullet
    ("Note: see below", "Note"),
    ("Contact: Priya Mandal", None),                    # alone between blank lines: a line, not a list
    ("What we offer:", None),                           # a lead-in: nothing after the colon
    ("- Visit https://x.example/jobs: apply", None),    # "Visit https" has a colon in its label
    ("| A | b: c |", None),                             # a table row is read as one (above)
    ("2021: appeal launched", "2021"),                  # a timeline: the label is a year
    ("2023: building work begins", "2023"),
    ("9:30 am: doors open", None),                      # a time's colon is no label's end
])
def test_field_at(line, field):
    la = FIELDS.index(line)
    at = field_at(FIELDS, la, la + len(line))
    assert (None if at is None else FIELDS[at:].split()[0].rstrip(":")) == field


def test_view_ends_each_field_with_a_stop_that_no_answer_crosses():
    v = view(FIELDS, _passage(FIELDS))
    assert v is not None
    assert "- Adults: £12.\n- Concessions (over-65s, students): £9.\n- Children under 16: free.\n" in v.text
    assert "Hours: 37 a week.\nNote" in v.text  # a value with its own stop gets none
    assert "Contact: Priya Mandal\n" in v.text and "- a pension\n" in v.text  # not fields: as written
    twelve = v.text.index("£12")
    out = ReadOut([Span(0, twelve, twelve + 3, 2.0, 0.0)], [Span(0, twelve, v.text.index("Concessions") + 11, 1.0, 0.0)])
    got = map_spans(out, [v])
    assert [FIELDS[s.start:s.end] for s in got.spans] == ["£12"]
    assert got.alternatives == []  # "£12.\n- Concessions" ran over the added stop
    part = FIELDS.index("Concessions")  # a passage that starts at a field's label, after its bullet
    w = view(FIELDS, _passage(FIELDS, part, FIELDS.index("\n\nSalary")))
    assert w is not None and w.text == "Concessions (over-65s, students): £9.\n- Children under 16: free."
    cut = _passage(FIELDS, 0, FIELDS.index("£12") + 2)  # a field the passage holds only part of: as written
    assert view(FIELDS, cut) is None


FESTIVAL = ["Gates open", "Weekend ticket", "Day ticket", "Under-12s", "Camping", "Parking"]
MUSEUM = ["Adults", "Concessions (over-65s, students, jobseekers)", "Children under 16",
          "Family ticket (two adults and up to three children)"]


@pytest.mark.parametrize("question, labels, named", [
    ("How much is a weekend ticket?", FESTIVAL, 1),
    ("How much is a day ticket?", FESTIVAL, 2),
    ("What time do the gates open?", FESTIVAL, 0),
    ("How much does camping cost?", FESTIVAL, 4),
    ("How much is a ticket?", FESTIVAL, None),                    # two labels alike
    ("Who plays on Sunday?", FESTIVAL, None),                     # no label
    ("How much do children under 16 pay?", MUSEUM, 2),
    ("How much is a family ticket?", MUSEUM, 3),                  # the bracket's words do not count
    ("How much is an adult ticket?", MUSEUM, None),               # "Adults" and "Family ticket" one word each
    ("How much is a ticket for a school group?", MUSEUM, None),   # "ticket" names only half of "Family ticket"
    ("How much do students pay?", MUSEUM, None),                  # only in a bracket
])
def test_asked_field(question, labels, named):
    assert asked_field(question, labels) == named


def test_view_for_a_question_that_names_a_field_reads_that_field_only():
    text = "## Prices\n\n- Gates open: 11am\n- Weekend ticket: £95\n- Day ticket: £40\n\nBook online."
    p = _passage(text, text.index("Gates"))
    v = view(text, p, "How much is a weekend ticket?")
    assert v is not None and v.text == "- Weekend ticket: £95.\n\nBook online."
    at = v.text.index("£95")
    assert map_spans(ReadOut([Span(0, at, at + 3, 1.0, 0.0)]), [v]).spans[0].start == text.index("£95") - p.start
    every = view(text, p, "How much is a ticket?")  # names two alike: every field, each with its stop
    assert every is not None and every.text.startswith("Gates open: 11am.\n- Weekend ticket: £95.\n- Day ticket: £40.")


_LABEL = st.text(alphabet="ab ", min_size=1, max_size=5).filter(lambda s: s.strip() == s and s[0] != " ")
_VALUE = st.text(alphabet="ab.$1 ", min_size=1, max_size=6).filter(lambda s: s.strip() == s and s and s[-1] != ".")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_LABEL, _VALUE), min_size=2, max_size=4), st.booleans(), st.data())
def test_any_span_of_a_list_of_fields_maps_back_to_the_same_characters(fields, bullets, data):
    text = "Intro.\n" + "\n".join(("- " if bullets else "") + f"{k}: {x}" for k, x in fields) + "\nEnd."
    v = view(text, _passage(text))
    assert v is not None and v.text.count("\n") == len(fields) + 1
    a = data.draw(st.integers(0, len(v.text) - 1))
    b = data.draw(st.integers(a + 1, len(v.text)))
    got = map_spans(ReadOut([Span(0, a, b, 1.0, 0.0)]), [v]).spans
    if got:
        assert text[got[0].start:got[0].end] == v.text[a:b]


@pytest.fixture(scope="module")
def exhibition(tmp_path_factory):
    from tests.press_fixtures import press_pipeline

    return press_pipeline(tmp_path_factory.mktemp("show"), tmp_path_factory.mktemp("show-data"), "exhibition-opening-2026-08-18")


@pytest.mark.slow
@pytest.mark.parametrize("question, expect", [
    ("How much is an adult ticket?", "£12"),               # was "£28", the family ticket
    ("How much do children under 16 pay?", "free"),        # was "£9", the concessions
    ("How much is a family ticket?", "£28"),
    ("How much is a ticket for a school group?", None),  # not said: was "£28"
])
def test_pipeline_reads_a_list_of_fields_one_field_at_a_time(exhibition, question, expect):
    pipe = exhibition
    ans = pipe.ask(question)
    if expect is None:
        assert ans.abstained and ans.text == ""
        return
    assert not ans.abstained and ans.text == expect
    assert pipe.index.docs[ans.doc_id].text[ans.start:ans.end] == expect
    assert any(expect in c.text for c in ans.citations)


@pytest.fixture(scope="module")
def fares(tmp_path_factory):
    from tests.press_fixtures import press_pipeline

    return press_pipeline(tmp_path_factory.mktemp("fares"), tmp_path_factory.mktemp("fares-data"), "bus-fares-2026-02-10")


@pytest.mark.slow
@pytest.mark.parametrize("question, expect", [
    ("How much will a day pass cost?", "$8.00"),            # was "$7.00 | $8.00"
    ("What is the new price of a single ticket?", "$2.75"),  # was "$2.50", the current price
    ("How much does a day pass cost now?", "$7.00"),
])
def test_pipeline_reads_the_column_asked_for(fares, question, expect):
    ans = fares.ask(question)
    assert not ans.abstained and ans.text == expect
    assert fares.index.docs[ans.doc_id].text[ans.start:ans.end] == expect
    assert [c.text for c in ans.citations][0] == "| Ticket | Current price | New price |"  # the header row, then the row
    assert expect in ans.citations[-1].text


@pytest.fixture(scope="module")
def election(tmp_path_factory):
    from tests.press_fixtures import press_pipeline

    return press_pipeline(tmp_path_factory.mktemp("vote"), tmp_path_factory.mktemp("vote-data"),
                          "byelection-result-2026-10-16", "bus-fares-2026-02-10")


@pytest.mark.slow
@pytest.mark.parametrize("question, expect", [
    ("How many votes did the Labour candidate get?", "611"),     # abstained: the first rows' votes beside it
    ("Which candidate stood as an independent?", "Kit Barlow"),  # abstained: its row was not retrieved
    ("How many votes did Amira Khoury receive?", "1,482"),
])
def test_pipeline_reads_the_row_a_question_names(election, question, expect):
    ans = election.ask(question)
    assert not ans.abstained and ans.text == expect
    assert [c.text for c in ans.citations][0] == "| Candidate | Party | Votes |"
    assert expect in ans.citations[-1].text


@pytest.mark.slow
def test_pipeline_reads_a_table_of_an_html_page(tmp_path):
    """The same table in a web page: trafilatura writes it as a Markdown table."""
    from statementqa.pipeline import Pipeline

    rows = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in
                   [("Single ticket", "$2.50", "$2.75"), ("Day pass", "$7.00", "$8.00"), ("Monthly pass", "$80", "$86")])
    page = (f"<html><head><title>New bus fares</title></head><body><main><article><h1>New bus fares</h1>"
            f"<p>The regional transport authority will raise bus fares on April 1, 2026, for the first time since 2019, "
            f"its board decided on February 10.</p><table><tr><th>Ticket</th><th>Current price</th><th>New price</th></tr>"
            f"{rows}</table><p>Children under six will continue to travel free, the board said in its decision.</p>"
            f"</article></main></body></html>")
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "fares.html").write_text(page, encoding="utf-8")
    pipe = Pipeline(corpus=corpus, data_dir=tmp_path / "d")
    ans = pipe.ask("What is the new price of a single ticket?")
    assert not ans.abstained and ans.text == "$2.75"


def _fares_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph("The regional transport authority will raise bus fares on April 1, 2026, its board decided on "
                    "February 10.")
    t = d.add_table(rows=4, cols=3)
    for r, row in enumerate([("Ticket", "Current price", "New price"), ("Single ticket", "$2.50", "$2.75"),
                             ("Day pass", "$7.00", "$8.00"), ("Night pass", "", "$5.00")]):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    d.add_paragraph("Children under six will continue to travel free, the board said.")
    d.save(path)
    return path


def test_a_word_table_is_written_in_place_as_rows_that_line_up(tmp_path):
    """Paragraphs and tables in the document's order (tables had come after every paragraph), every
    row as "| a | b | c |" with its empty cells, so each lines up with the header row."""
    from statementqa.retrieval.formats import read_docx

    text, meta = read_docx(_fares_docx(tmp_path / "f.docx").read_bytes(), "f.docx")
    assert text.splitlines() == [
        "The regional transport authority will raise bus fares on April 1, 2026, its board decided on February 10.",
        "| Ticket | Current price | New price |",
        "| Single ticket | $2.50 | $2.75 |",
        "| Day pass | $7.00 | $8.00 |",
        "| Night pass |  | $5.00 |",
        "Children under six will continue to travel free, the board said.",
    ]
    v = view(text, _passage(text))
    assert v is not None and "The new price of Night pass is $5.00." in v.text and "current price of Night" not in v.text


@pytest.mark.slow
def test_pipeline_reads_a_word_table(tmp_path):
    from statementqa.pipeline import Pipeline

    corpus = tmp_path / "c"
    corpus.mkdir()
    _fares_docx(corpus / "fares.docx")
    pipe = Pipeline(corpus=corpus, data_dir=tmp_path / "d")
    ans = pipe.ask("What is the new price of a day pass?")
    assert not ans.abstained and ans.text == "$8.00"
    assert [c.text for c in ans.citations] == ["| Ticket | Current price | New price |", "| Day pass | $7.00 | $8.00 |"]
