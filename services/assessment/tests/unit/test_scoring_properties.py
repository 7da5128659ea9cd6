from hypothesis import given
from hypothesis import strategies as st

from services.assessment.domain import (
    WALKING_RULES,
    get_instrument,
    load_instruments,
    score,
    validate_answers,
)
from services.assessment.domain.instruments import is_asked

INSTRUMENTS = sorted(load_instruments())

# Severity as the module defines it, stated here independently of the data file: frequency
# questions run the other way (1 "daily" is the most severe); yes/no gates carry no severity.
FREQUENCY_QUESTIONS = {("cfm_5_17", "CF23"), ("cfm_5_17", "CF24")}
GATES = {"CF1", "CF4", "CF7"}


def severity(instrument, code, answer):
    """Return a number that grows with the severity of an answer."""
    return -answer if (instrument.name, code) in FREQUENCY_QUESTIONS else answer


@st.composite
def answer_sets(draw):
    """Draw an instrument and a valid answer set, following its skip logic question by question."""
    instrument = get_instrument(draw(st.sampled_from(INSTRUMENTS)))
    answers: dict[str, int] = {}
    for code, question in instrument.questions.items():
        if is_asked(question, answers):
            answers[code] = draw(st.sampled_from(question.codes))
    return instrument, answers


def _without_skipped(instrument, answers):
    """Drop answers to questions no longer asked after a change."""
    kept: dict[str, int] = {}
    for code, question in instrument.questions.items():
        if code in answers and is_asked(question, kept):
            kept[code] = answers[code]
    return kept


def _severity(instrument, domain_result):
    return severity(instrument, domain_result.question, domain_result.answer)


@given(answer_sets(), st.sampled_from(WALKING_RULES))
def test_scoring_never_fails_on_a_valid_answer_set(drawn, walking_rule):
    instrument, answers = drawn
    assert validate_answers(instrument, answers) == {}
    result = score(instrument, answers, walking_rule)
    assert list(result.domains) == list(instrument.domains)
    assert all(d.question is not None for d in result.domains.values())
    assert result.functional_difficulty == any(d.difficulty for d in result.domains.values())


def _worse_variants(instrument, answers):
    """Yield every answer set with one graded answer made more severe, skip logic re-applied."""
    for code, current in answers.items():
        if code in GATES and not instrument.clinical_judgement:
            continue
        for worse in instrument.questions[code].codes:
            if severity(instrument, code, worse) > severity(instrument, code, current):
                yield code, _without_skipped(instrument, {**answers, code: worse})


@given(answer_sets(), st.sampled_from(WALKING_RULES))
def test_a_more_severe_answer_never_lowers_a_domain(drawn, walking_rule):
    instrument, answers = drawn
    before = score(instrument, answers, walking_rule)
    for code, worse in _worse_variants(instrument, answers):
        assert validate_answers(instrument, worse) == {}
        after = score(instrument, worse, walking_rule)
        for name in instrument.domains:
            was, now = before.domains[name], after.domains[name]
            assert now.difficulty >= was.difficulty, (code, name)
            assert _severity(instrument, now) >= _severity(instrument, was), (code, name)
        assert after.functional_difficulty >= before.functional_difficulty


@given(
    st.sampled_from(INSTRUMENTS),
    st.dictionaries(
        st.one_of(st.sampled_from([f"CF{i}" for i in range(30)]), st.text(max_size=5)),
        st.one_of(st.none(), st.integers(-3, 9), st.booleans(), st.text(max_size=3)),
    ),
)
def test_validation_names_problems_on_any_input_without_failing(instrument, answers):
    errors = validate_answers(instrument, answers)
    assert all(isinstance(messages, list) and messages for messages in errors.values())
