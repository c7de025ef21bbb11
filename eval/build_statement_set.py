"""Source of eval/data/statement_qa.jsonl (the team's 71 questions about the DHS statement) and
eval/data/statement_qa_large.jsonl (those plus 110 more, written by hand on 2026-11-28: every fact
asked at least two ways, questions about single bullets, answers spanning two sentences, pronoun
follow-ups with their previous turn, and 25 near-miss unanswerable questions that share words with
the statement but are not answered by it: 181 questions, 43 unanswerable).

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
OUT_LARGE = Path(__file__).resolve().parent / "data" / "statement_qa_large.jsonl"

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


# (id, category, question, [answers], [supporting sentence indices]); no answers = unanswerable.
# Written by hand on 2026-11-28 against the segmented statement (sentence numbers 0-18).
QUESTIONS_LARGE = [
    # -- sentence 0: who issued it, when -------------------------------------------------------
    ("l001", "paraphrase", "Which department put out this announcement?", ["U.S. Department of Homeland Security", "Department of Homeland Security"], [0]),
    ("l002", "paraphrase", "When was the statement released?", ["Feb. 21"], [0]),
    ("l003", "paraphrase", "What agency is the source of this press release?", ["U.S. Department of Homeland Security", "Department of Homeland Security"], [0]),
    # -- sentence 1: the meeting ---------------------------------------------------------------
    ("l004", "paraphrase", "In which city did the ministers gather with Nielsen?", ["San Salvador"], [1]),
    ("l005", "paraphrase", "In which country was the meeting held?", ["El Salvador"], [1]),
    ("l006", "paraphrase", "On which day did Nielsen meet the ministers?", ["February 20"], [1]),
    ("l007", "paraphrase", "Whom did the Secretary of Homeland Security meet in San Salvador?", ["Northern Triangle security ministers"], [1]),
    ("l008", "paraphrase", "What was the middle initial of the Secretary?", ["M."], [1]),
    ("l009", "paraphrase", "Who met the Northern Triangle security ministers?", ["Secretary of Homeland Security Kirstjen M. Nielsen", "Kirstjen M. Nielsen", "Nielsen"], [1]),
    ("l010", "paraphrase", "Besides a regional compact, what else was to be developed at the meeting?", ["action plan"], [1]),
    ("l011", "paraphrase", "What formation is part of the crisis the plan addresses?", ["the formation of migrant caravans", "migrant caravans"], [1]),
    ("l012", "paraphrase", "How is the crisis of irregular migration described?", ["ongoing humanitarian and security crisis", "humanitarian and security"], [1]),
    ("l013", "factoid", "What title does Nielsen hold?", ["Secretary of Homeland Security"], [1]),
    # -- sentences 2-8: the quotation ----------------------------------------------------------
    ("l014", "quote", "What did Nielsen say had been declared today?", ["a historic commitment", "historic commitment"], [2]),
    ("l015", "quote", "Who is profiting from human misery, according to Nielsen?", ["smugglers and traffickers"], [2]),
    ("l016", "quote", "From what are smugglers and traffickers profiting?", ["human misery"], [2]),
    ("l017", "quote", "What mutual intention did Nielsen describe?", ["to crack down on smugglers and traffickers who are profiting from human misery", "crack down on smugglers and traffickers"], [2]),
    ("l018", "quote", "Besides a commitment, what else did Nielsen say they declared?", ["our resolve", "our resolve to bring order where there is chaos"], [3]),
    ("l019", "quote", "What do they resolve to bring where there is chaos?", ["order"], [3]),
    ("l020", "quote", "What three things will shared information help secure?", ["our borders, our people, and our way of life"], [3]),
    ("l021", "quote", "Who said the countries would bring justice to criminals and gangs?", ["Secretary Nielsen", "Nielsen"], [3]),
    ("l022", "quote", "Whose welfare do criminals show little regard for?", ["the vulnerable people they exploit", "vulnerable people"], [4]),
    ("l023", "quote", "How much regard do criminals show for the welfare of vulnerable people?", ["little regard", "little"], [4]),
    ("l024", "quote", "Which three-word sentence did Nielsen use?", ["Enough is enough"], [5]),
    ("l025", "quote", "What must children not be used as?", ["pawns"], [6]),
    ("l026", "quote", "What must not happen to women, according to Nielsen?", ["to be sexually assaulted", "sexually assaulted"], [6]),
    ("l027", "quote", "On which journey do migrants risk becoming victims of violence?", ["the terrible journey north", "journey north"], [6]),
    ("l028", "quote", "What must migrants not become on the journey north?", ["victims of violence"], [6]),
    ("l029", "quote", "Where should vulnerable migrants be helped?", ["closer to their point of origin"], [7]),
    ("l030", "quote", "What must be ended, according to Nielsen?", ["this crisis"], [7]),
    ("l031", "quote", "Whom does Nielsen want to help closer to their point of origin?", ["vulnerable migrants"], [7]),
    ("l032", "quote", "For what did Nielsen thank her foreign counterparts?", ["their determination to increase cooperation with the United States", "determination to increase cooperation with the United States"], [8]),
    ("l033", "quote", "Cooperation on stopping what did Nielsen welcome?", ["the formation and movement of caravans and the networks that facilitate them", "formation and movement of caravans"], [8]),
    ("l034", "quote", "What facilitates the caravans, according to Nielsen's thanks?", ["the networks", "networks"], [8]),
    ("l035", "quote", "With which country do the counterparts want to increase cooperation?", ["the United States", "United States"], [8]),
    # -- sentences 9-10: root causes, roadmap --------------------------------------------------
    ("l036", "paraphrase", "What does the Joint Statement pair new initiatives with?", ["existing efforts"], [9]),
    ("l037", "paraphrase", "What does the Joint Statement seek to address?", ["the “root causes” of irregular migration", "“root causes” of irregular migration", "root causes"], [9]),
    ("l038", "paraphrase", "Where does the Joint Statement want to address the challenges?", ["at their source", "their source"], [9]),
    ("l039", "paraphrase", "What did the ministers agree to with Nielsen?", ["a roadmap for action", "roadmap for action"], [10]),
    ("l040", "paraphrase", "What kinds of results will the roadmap for action bring?", ["better information sharing, law enforcement cooperation, and public messaging"], [10]),
    ("l041", "paraphrase", "What kind of cooperation will the roadmap improve?", ["law enforcement cooperation", "law enforcement"], [10]),
    ("l042", "paraphrase", "Besides information sharing and law enforcement cooperation, what will the roadmap improve?", ["public messaging"], [10]),
    ("l043", "paraphrase", "What will the better information sharing and messaging deal with?", ["the ongoing crisis", "ongoing crisis"], [10]),
    # -- sentences 11-12: the memorandum -------------------------------------------------------
    ("l044", "paraphrase", "What does the Joint Statement outline?", ["a clear path toward a formal and first-of-its-kind Memorandum of Cooperation", "a clear path"], [11]),
    ("l045", "paraphrase", "What is the formal name of the regional compact?", ["Memorandum of Cooperation", "a formal and first-of-its-kind Memorandum of Cooperation"], [11]),
    ("l046", "paraphrase", "Between whom would the Memorandum of Cooperation be?", ["U.S. and Northern Triangle security ministries"], [11]),
    ("l047", "paraphrase", "When was the Joint Statement signed?", ["today"], [11]),
    ("l048", "paraphrase", "When did Nielsen first call for a compact?", ["last summer"], [12]),
    ("l049", "paraphrase", "Which other country does Nielsen hope will take part in the compact?", ["Mexico"], [12]),
    ("l050", "paraphrase", "Who called for such a compact last summer?", ["Secretary Nielsen", "Nielsen"], [12]),
    # -- sentences 13-17: the four areas (list) ------------------------------------------------
    ("l051", "list", "How many areas of collaboration would the final compact cover?", ["four"], [13]),
    ("l052", "list", "What would the final compact cover?", ["four distinct areas of collaboration"], [13]),
    ("l053", "list", "Which area of collaboration concerns smuggling of migrants?", ["Combatting Human Trafficking and Migrant Smuggling"], [13, 14]),
    ("l054", "list", "Which area of collaboration is about organized crime?", ["Countering Organized Crime and Gangs"], [13, 15]),
    ("l055", "list", "Which area covers information sharing?", ["Expanding Information and Intelligence Sharing"], [13, 16]),
    ("l056", "list", "Which area of the compact is about border security?", ["Strengthening Border Security"], [13, 17]),
    ("l057", "list", "What is the first area of collaboration listed?", ["Combatting Human Trafficking and Migrant Smuggling"], [13, 14]),
    ("l058", "list", "What is the last area of collaboration listed?", ["Strengthening Border Security"], [13, 17]),
    ("l059", "list", "Name the areas of collaboration of the final compact.", ["Combatting Human Trafficking and Migrant Smuggling\n- Countering Organized Crime and Gangs\n- Expanding Information and Intelligence Sharing\n- Strengthening Border Security"], [13, 14, 15, 16, 17]),
    # -- sentence 18: next steps ---------------------------------------------------------------
    ("l060", "paraphrase", "When should the final agreement be completed?", ["next month"], [18]),
    ("l061", "paraphrase", "Besides completing the agreement, what did the ministers agree to do?", ["to engage in regular meetings", "engage in regular meetings"], [18]),
    ("l062", "paraphrase", "At what levels will regular meetings take place?", ["the senior and working levels", "senior and working levels", "at the senior and working levels"], [18]),
    ("l063", "paraphrase", "Why will the ministers meet regularly?", ["to help ensure these efforts commence quickly and are effectively executed and sustained", "help ensure these efforts commence quickly"], [18]),
    ("l064", "paraphrase", "How quickly should the efforts commence?", ["quickly"], [18]),
    ("l065", "paraphrase", "Who agreed to complete the final agreement next month?", ["Ministers"], [18]),
    # -- answers that span two sentences -------------------------------------------------------
    ("l066", "multi", "What two things did Nielsen say they declared?", ["a historic commitment", "our resolve to bring order where there is chaos"], [2, 3]),
    ("l067", "multi", "What did Nielsen call for last summer, and what does the Joint Statement outline a path toward?", ["a formal and first-of-its-kind Memorandum of Cooperation", "“regional compact”"], [11, 12]),
    ("l068", "multi", "What did the ministers agree to, in the roadmap and for the final agreement?", ["a roadmap for action", "to complete the final agreement next month"], [10, 18]),
    ("l069", "multi", "What did Nielsen say criminals do and what did she say cannot be allowed?", ["Criminals show little regard for the welfare of the vulnerable people they exploit", "We cannot allow children to be used as pawns"], [4, 6]),
    # -- follow-ups (pronouns resolved against the previous turn) ------------------------------
    ("l070", "followup", "Where did she meet them?", ["San Salvador, El Salvador", "San Salvador"], [1],
     [("Who did Nielsen meet?", "Northern Triangle security ministers")]),
    ("l071", "followup", "When did she call for it?", ["last summer"], [12],
     [("What did the Joint Statement outline a path toward?", "Memorandum of Cooperation")]),
    ("l072", "followup", "Which country does she hope will join it?", ["Mexico"], [12],
     [("What did Nielsen call for last summer?", "a “compact”")]),
    ("l073", "followup", "When will they complete it?", ["next month"], [18],
     [("What did the ministers agree to complete?", "the final agreement")]),
    ("l074", "followup", "What is her title?", ["Secretary of Homeland Security"], [1],
     [("Who met the Northern Triangle security ministers?", "Kirstjen M. Nielsen")]),
    ("l075", "followup", "What did she say about children?", ["We cannot allow children to be used as pawns", "children to be used as pawns"], [6],
     [("Who is the Secretary of Homeland Security?", "Kirstjen M. Nielsen")]),
    # -- more wordings of facts above ---------------------------------------------------------
    ("l076", "factoid", "Which day of February was the announcement issued?", ["Feb. 21", "21"], [0]),
    ("l077", "paraphrase", "What word describes the kind of Memorandum of Cooperation, besides formal?", ["first-of-its-kind"], [11]),
    ("l078", "paraphrase", "What are the Northern Triangle officials who met Nielsen called?", ["security ministers", "Northern Triangle security ministers"], [1]),
    ("l079", "paraphrase", "What kind of migration does the Joint Statement target at its roots?", ["irregular migration", "irregular"], [9]),
    ("l080", "quote", "Who must not be used as pawns?", ["children"], [6]),
    ("l081", "paraphrase", "Which security ministries would the compact bind?", ["U.S. and Northern Triangle security ministries"], [11]),
    ("l082", "paraphrase", "What did Nielsen hope the compact would also include?", ["participation from Mexico"], [12]),
    ("l083", "paraphrase", "What document did the ministers sign?", ["The Joint Statement", "Joint Statement"], [11]),
    ("l084", "paraphrase", "How should the efforts be executed and sustained?", ["effectively"], [18]),
    ("l085", "quote", "What are criminals doing to the vulnerable people, in Nielsen's words?", ["exploit"], [4]),
    # -- near-miss unanswerable questions: they share words with the statement ------------------
    ("n01", "unanswerable", "When was the Memorandum of Cooperation signed?", [], []),
    ("n02", "unanswerable", "How many ministers attended the meeting?", [], []),
    ("n03", "unanswerable", "Which Mexican official attended the meeting in San Salvador?", [], []),
    ("n04", "unanswerable", "How much funding does the roadmap for action provide?", [], []),
    ("n05", "unanswerable", "What did the Northern Triangle ministers say about the caravans?", [], []),
    ("n06", "unanswerable", "How many migrant caravans have formed so far?", [], []),
    ("n07", "unanswerable", "Which smuggling networks were named in the statement?", [], []),
    ("n08", "unanswerable", "Where will the next regular meeting be held?", [], []),
    ("n09", "unanswerable", "Who drafted the Joint Statement?", [], []),
    ("n10", "unanswerable", "What penalties will traffickers face under the compact?", [], []),
    ("n11", "unanswerable", "How long will the Memorandum of Cooperation last?", [], []),
    ("n12", "unanswerable", "When did Mexico agree to join the compact?", [], []),
    ("n13", "unanswerable", "Where did Nielsen call for a compact last summer?", [], []),
    ("n14", "unanswerable", "What is the name of El Salvador's security minister?", [], []),
    ("n15", "unanswerable", "How many children were used as pawns last year?", [], []),
    ("n16", "unanswerable", "Which law enforcement agencies will share information?", [], []),
    ("n17", "unanswerable", "What public messages will be broadcast?", [], []),
    ("n18", "unanswerable", "How many migrants were helped closer to their point of origin?", [], []),
    ("n19", "unanswerable", "When was the final agreement actually signed?", [], []),
    ("n20", "unanswerable", "Which country will host the senior-level meetings?", [], []),
    ("n21", "unanswerable", "What existing efforts does the Joint Statement build on?", [], []),
    ("n22", "unanswerable", "Who leads the working-level meetings?", [], []),
    ("n23", "unanswerable", "How much did the meeting in San Salvador cost?", [], []),
    ("n24", "unanswerable", "What did the President of the United States say about the compact?", [], []),
    ("n25", "unanswerable", "Which gangs are named in the statement?", [], []),
]


def _check_answers(qid: str, answers: list[str], sup: list[int], text: str, sents) -> None:
    """Answers are copied from the text and lie inside the supporting sentences' extent."""
    for a in answers:
        assert a in text, f"{qid}: answer {a!r} is not in the statement"
        if sup:
            extent = text[sents[min(sup)].start : sents[max(sup)].end]
            assert a in extent, f"{qid}: answer {a!r} is not inside its supporting sentences {sup}"


def rows():
    text = DOC.read_text(encoding="utf-8")
    sents = segment(text)
    for qid, cat, q, answers, sup in QUESTIONS:
        for a in answers:
            assert a in text, f"{qid}: answer {a!r} is not in the statement"
        yield {"id": qid, "question": q, "answers": answers, "answerable": bool(answers),
               "supporting": [sents[i].text for i in sup], "category": cat}


def rows_large():
    """The larger set: the team's 71 questions plus QUESTIONS_LARGE, with sentence ids and follow-up history."""
    text = DOC.read_text(encoding="utf-8")
    sents = segment(text)
    for row in QUESTIONS + QUESTIONS_LARGE:
        qid, cat, q, answers, sup = row[:5]
        history = row[5] if len(row) > 5 else []
        _check_answers(qid, answers, sup, text, sents)
        out = {"id": qid, "question": q, "answers": answers, "answerable": bool(answers),
               "supporting": [sents[i].text for i in sup], "supporting_ids": list(sup), "category": cat}
        if history:
            out["history"] = [{"question": hq, "answer": ha} for hq, ha in history]
        yield out


def _write(data: list[dict], path: Path) -> None:
    ids = [r["id"] for r in data]
    assert len(ids) == len(set(ids)), "duplicate ids"
    with open(path, "w", encoding="utf-8") as f:
        for r in data:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(data)} questions ({sum(not r['answerable'] for r in data)} unanswerable) to {path}")


def main():
    _write(list(rows_large()), OUT_LARGE)
    data = list(rows())
    ids = [r["id"] for r in data]
    assert len(ids) == len(set(ids))
    with open(OUT, "w", encoding="utf-8") as f:
        for r in data:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(data)} questions to {OUT}")


if __name__ == "__main__":
    main()
