"""Source of eval/data/statement_qa.jsonl: the team's questions about the DHS statement.

Each question names its answers (copied exactly from the text; checked here) and its
supporting sentences by index into the segmented statement; the JSONL written from this
file carries the sentence texts, so the data set does not depend on the segmenter.
Run ``python -m statementqa.eval.build_statement_set`` after editing the table.
"""
from __future__ import annotations

import json
from pathlib import Path

from statementqa.retrieval.corpus import DEFAULT_CORPUS
from statementqa.retrieval.segment import segment

DOC = DEFAULT_CORPUS / "dhs-northern-triangle-compact-2019-02-21.txt"
OUT = Path(__file__).resolve().parent / "data" / "statement_qa.jsonl"

# (id, category, question, [answers], [supporting sentence indices]); no answers = unanswerable
QUESTIONS = [
    ("q01", "factoid", "Who issued the announcement?", ["U.S. Department of Homeland Security"], [0]),
    ("q02", "factoid", "On what date was the announcement issued?", ["Feb. 21"], [0]),
    ("q03", "factoid", "When did the meeting with the security ministers happen?", ["February 20"], [1]),
    ("q04", "factoid", "Where did the meeting take place?", ["San Salvador, El Salvador", "San Salvador"], [1]),
    ("q05", "factoid", "Who did Kirstjen Nielsen meet?", ["Northern Triangle security ministers"], [1]),
    ("q06", "factoid", "What is Kirstjen M. Nielsen's position?", ["Secretary of Homeland Security"], [1]),
    ("q07", "paraphrase", "What was the purpose of the gathering in El Salvador?", ["to discuss the development of a “regional compact” and action plan", "discuss the development of a “regional compact” and action plan aimed at addressing the ongoing humanitarian and security crisis of irregular migration and the formation of migrant caravans"], [1]),
    ("q08", "paraphrase", "Which crisis is the action plan meant to tackle?", ["the ongoing humanitarian and security crisis of irregular migration and the formation of migrant caravans", "humanitarian and security crisis of irregular migration"], [1]),
    ("q09", "quote", "Whom did Nielsen say the countries intend to crack down on?", ["smugglers and traffickers who are profiting from human misery", "smugglers and traffickers"], [2]),
    ("q10", "quote", "What did Nielsen call the commitment they declared?", ["historic commitment", "a historic commitment"], [2]),
    ("q11", "quote", "According to Nielsen, where do they want to bring order?", ["where there is chaos"], [3]),
    ("q12", "quote", "To whom do they want to bring justice?", ["criminals and gangs"], [3]),
    ("q13", "quote", "Why will information be shared, in Nielsen's words?", ["to secure our borders, our people, and our way of life", "secure our borders, our people, and our way of life"], [3]),
    ("q14", "quote", "What did Nielsen say about criminals' attitude toward vulnerable people?", ["little regard for the welfare of the vulnerable people they exploit", "Criminals show little regard for the welfare of the vulnerable people they exploit"], [4]),
    ("q15", "quote", "What did Nielsen say about children?", ["We cannot allow children to be used as pawns", "children to be used as pawns"], [6]),
    ("q16", "quote", "Which journey did Nielsen describe as terrible?", ["the terrible journey north", "journey north"], [6]),
    ("q17", "quote", "What short phrase did Nielsen use to express that the situation has gone too far?", ["Enough is enough"], [5]),
    ("q18", "paraphrase", "Where should vulnerable migrants be helped, according to Nielsen?", ["closer to their point of origin"], [7]),
    ("q19", "quote", "What must be brought to an end?", ["this crisis"], [7]),
    ("q20", "quote", "Whom did Nielsen thank?", ["my foreign counterparts", "foreign counterparts"], [8]),
    ("q21", "quote", "For what did Nielsen thank her counterparts?", ["their determination to increase cooperation with the United States", "determination to increase cooperation with the United States on stopping the formation and movement of caravans and the networks that facilitate them"], [8]),
    ("q22", "paraphrase", "What should cooperation with the United States stop?", ["the formation and movement of caravans and the networks that facilitate them", "formation and movement of caravans"], [8]),
    ("q23", "paraphrase", "What does the Joint Statement aim to address to tackle migration at its source?", ["the “root causes” of irregular migration", "“root causes” of irregular migration", "root causes"], [9]),
    ("q24", "paraphrase", "How does the Joint Statement plan to combine programs?", ["By pairing new initiatives with existing efforts", "pairing new initiatives with existing efforts"], [9]),
    ("q25", "factoid", "What did Nielsen and her counterpart ministers agree to?", ["a roadmap for action", "a roadmap for action that will result in better information sharing, law enforcement cooperation, and public messaging"], [10]),
    ("q26", "paraphrase", "Which three improvements will the roadmap bring?", ["better information sharing, law enforcement cooperation, and public messaging", "information sharing, law enforcement cooperation, and public messaging"], [10]),
    ("q27", "factoid", "What formal document does the Joint Statement outline a path toward?", ["Memorandum of Cooperation", "a formal and first-of-its-kind Memorandum of Cooperation"], [11]),
    ("q28", "paraphrase", "What is another name for the Memorandum of Cooperation?", ["regional compact", "“regional compact”"], [11]),
    ("q29", "factoid", "Between whom would the Memorandum of Cooperation be concluded?", ["U.S. and Northern Triangle security ministries", "between U.S. and Northern Triangle security ministries"], [11]),
    ("q30", "factoid", "When did Nielsen first call for a compact?", ["last summer"], [12]),
    ("q31", "factoid", "Which country does Nielsen hope will also participate?", ["Mexico"], [12]),
    ("q32", "list", "What are the four areas of collaboration the final compact would cover?", ["Combatting Human Trafficking and Migrant Smuggling\n- Countering Organized Crime and Gangs\n- Expanding Information and Intelligence Sharing\n- Strengthening Border Security", "Combatting Human Trafficking and Migrant Smuggling"], [13, 14, 15, 16, 17]),
    ("q33", "factoid", "How many areas of collaboration would the final compact cover?", ["four"], [13]),
    ("q34", "list", "Which area of the compact concerns gangs?", ["Countering Organized Crime and Gangs"], [13, 15]),
    ("q35", "list", "Which area deals with borders?", ["Strengthening Border Security"], [13, 17]),
    ("q36", "list", "Which area of collaboration is about intelligence?", ["Expanding Information and Intelligence Sharing"], [13, 16]),
    ("q37", "list", "Which area addresses trafficking of people?", ["Combatting Human Trafficking and Migrant Smuggling"], [13, 14]),
    ("q38", "factoid", "When are the ministers supposed to complete the final agreement?", ["next month"], [18]),
    ("q39", "paraphrase", "At which levels will the regular meetings be held?", ["at the senior and working levels", "the senior and working levels", "senior and working levels"], [18]),
    ("q40", "paraphrase", "Why will the ministers meet regularly?", ["to help ensure these efforts commence quickly and are effectively executed and sustained", "help ensure these efforts commence quickly and are effectively executed and sustained"], [18]),
    ("q41", "paraphrase", "What kind of migration is the statement concerned with?", ["irregular migration"], [1, 9]),
    ("q42", "factoid", "What is Nielsen's first name?", ["Kirstjen"], [1]),
    ("q43", "paraphrase", "What sort of groups of migrants are mentioned as forming?", ["migrant caravans", "caravans"], [1]),
    ("q44", "quote", "What did Nielsen say women must not be subjected to?", ["sexually assaulted", "to be sexually assaulted"], [6]),
    ("q45", "quote", "Who are profiting from human misery?", ["smugglers and traffickers"], [2]),
    ("q46", "paraphrase", "What kind of compact is being developed?", ["regional compact", "“regional compact”", "a formal and first-of-its-kind Memorandum of Cooperation"], [1, 11]),
    ("q47", "multi", "What did the ministers agree to do besides finishing the agreement?", ["to engage in regular meetings", "engage in regular meetings—at the senior and working levels"], [18]),
    ("q48", "paraphrase", "How is the planned memorandum described in terms of novelty?", ["first-of-its-kind"], [11]),
    ("q49", "multi", "Who said they must help vulnerable migrants closer to their point of origin?", ["she", "Secretary Nielsen", "Nielsen"], [7, 3]),
    ("q50", "paraphrase", "What do the criminals do to vulnerable people?", ["exploit"], [4]),
    ("q51", "quote", "What must not happen to migrants on the journey north?", ["to become victims of violence", "become victims of violence", "victims of violence"], [6]),
    ("q52", "factoid", "What was signed?", ["The Joint Statement", "Joint Statement"], [11]),
    ("q53", "paraphrase", "What kind of ministers did Nielsen meet with?", ["security ministers", "Northern Triangle security ministers"], [1]),
    # The statement cannot answer these.
    ("u01", "unanswerable", "How much money will the United States provide under the compact?", [], []),
    ("u02", "unanswerable", "What are the names of the Northern Triangle security ministers?", [], []),
    ("u03", "unanswerable", "Which countries form the Northern Triangle?", [], []),
    ("u04", "unanswerable", "Was the final agreement signed the following month?", [], []),
    ("u05", "unanswerable", "How many migrants were in the caravans?", [], []),
    ("u06", "unanswerable", "What is the capital of France?", [], []),
    ("u07", "unanswerable", "Who is the president of El Salvador?", [], []),
    ("u08", "unanswerable", "How long did the meeting last?", [], []),
    ("u09", "unanswerable", "What did Mexico say about participating in the compact?", [], []),
    ("u10", "unanswerable", "Which hotel hosted the meeting?", [], []),
    ("u11", "unanswerable", "How many people are trafficked each year?", [], []),
    ("u12", "unanswerable", "What did Congress say about the Joint Statement?", [], []),
    ("u13", "unanswerable", "When did Nielsen become Secretary of Homeland Security?", [], []),
    ("u14", "unanswerable", "What language was the Joint Statement written in?", [], []),
    ("u15", "unanswerable", "How many gang members were arrested after the meeting?", [], []),
    ("u16", "unanswerable", "What is the budget of the Department of Homeland Security?", [], []),
    ("u17", "unanswerable", "Who will chair the regular meetings?", [], []),
    ("u18", "unanswerable", "Which agency of Guatemala signed the statement?", [], []),
]


def rows():
    text = DOC.read_text(encoding="utf-8")
    sents = segment(text)
    for qid, cat, q, answers, sup in QUESTIONS:
        for a in answers:
            assert a in text, f"{qid}: answer {a!r} is not in the statement"
        yield {"id": qid, "question": q, "answers": answers, "answerable": bool(answers),
               "supporting": [sents[i].text for i in sup], "category": cat}


def main():
    data = list(rows())
    ids = [r["id"] for r in data]
    assert len(ids) == len(set(ids))
    with open(OUT, "w", encoding="utf-8") as f:
        for r in data:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(data)} questions to {OUT}")


if __name__ == "__main__":
    main()
