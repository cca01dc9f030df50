import pytest

from residents.priority import priority_score


@pytest.mark.parametrize(
    ("psychic", "isolation", "vulnerability", "total"),
    [
        (1, 1, 1, 3 + 2 + 2),  # the lowest score
        (4, 4, 4, 12 + 8 + 8),  # the highest
        (4, 1, 1, 12 + 2 + 2),
        (1, 4, 4, 3 + 8 + 8),
        (3, 2, 4, 9 + 4 + 8),
    ],
)
def test_it_weighs_psychic_situation_three_and_the_others_two(
    psychic, isolation, vulnerability, total
):
    score = priority_score(
        psychic_situation=psychic, isolation=isolation, vulnerability=vulnerability
    )
    assert score.total == total
    assert score.maximum == 28


def test_it_ranks_a_serious_psychic_situation_above_isolation_alone():
    psychic = priority_score(psychic_situation=4, isolation=1, vulnerability=1).total
    isolated = priority_score(psychic_situation=1, isolation=4, vulnerability=1).total
    assert psychic > isolated


def test_it_explains_each_criterion():
    score = priority_score(psychic_situation=3, isolation=2, vulnerability=4)
    rows = [(part.criterion, part.level, part.weight, part.points) for part in score.breakdown]
    assert rows == [
        ("psychic_situation", 3, 3, 9),
        ("isolation", 2, 2, 4),
        ("vulnerability", 4, 2, 8),
    ]
    assert sum(part.points for part in score.breakdown) == score.total == 21


@pytest.mark.parametrize("level", [0, 5, None])
def test_it_refuses_a_level_outside_the_scale(level):
    with pytest.raises(ValueError):
        priority_score(psychic_situation=level, isolation=1, vulnerability=1)
